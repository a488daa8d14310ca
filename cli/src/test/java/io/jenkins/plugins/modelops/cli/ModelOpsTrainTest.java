package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit codes and the --json summary of {@code modelops train} are contracts for users' scripts. */
class ModelOpsTrainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static String iris() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("examples/iris.csv"))) {
                return d.resolve("examples/iris.csv").toString();
            }
        }
        throw new IllegalStateException("examples/iris.csv not found");
    }

    @Test
    void trainsAndPrintsAMachineReadableSummary() throws Exception {
        int code = run("train", "--data", iris(), "--label", "species", "--algorithm", "cart",
                "--param", "max_depth=4", "--require", "accuracy>=0.8", "--out", dir.resolve("m").toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode summary = Json.MAPPER.readTree(out.toString());
        assertThat(summary.get("modelId").asText()).hasSize(64);
        assertThat(summary.get("algorithm").asText()).isEqualTo("cart");
        assertThat(summary.get("metrics").get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(summary.get("blessing").asText()).isEqualTo("blessed");
        assertThat(summary.get("checks").get(0).get("result").asText()).isEqualTo("pass");
        assertThat(summary.get("checks").get(0).get("threshold").asDouble()).isEqualTo(0.8);
        assertThat(err.toString()).contains("Read ", "iris.csv: 150 rows").contains("Wrote model");
    }

    @Test
    void failedBlessingExitsOneAndStillWritesTheBundle() {
        int code = run("train", "--data", iris(), "--label", "species", "--require", "accuracy>1.0",
                "--out", dir.resolve("m").toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("blessing         not-blessed");
        assertThat(dir.resolve("m/bundle.json")).exists();
    }

    @Test
    void badInputExitsTwoWithTheMessageOnStderr() {
        int code = run("train", "--data", iris(), "--label", "colour", "--out", dir.resolve("m").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("no label column 'colour'; the columns are:");
        assertThat(dir.resolve("m")).doesNotExist();
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("train", "--label", "species")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required options");

        assertThat(run("train", "--data", iris(), "--label", "species", "--out", "x", "--folds", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--folds'");
    }

    @Test
    void malformedParamAndUnknownPolicyExitTwo() {
        assertThat(run("train", "--data", iris(), "--label", "species", "--param", "max_depth",
                "--out", dir.resolve("m").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("hyperparameter 'max_depth' is not of the form key=value");

        assertThat(run("train", "--data", iris(), "--label", "species", "--missing", "zero",
                "--out", dir.resolve("m").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown missing-value policy 'zero'; expected one of: error, drop, mean");
    }
}
