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

    @Test
    void engineMessagesNameParametersAsFlags() throws Exception {
        Path data = Files.writeString(dir.resolve("gaps.csv"), "x,y,kind\n1,2,a\n,3,b\n3,4,a\n4,5,b\n");

        assertThat(run("train", "--data", data.toString(), "--label", "kind", "--out", dir.resolve("m").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("line 3, column 'x': missing value ''; with --missing error every feature "
                + "needs a value. Accepted: fill it, --missing drop (drop such rows) or --missing mean");
    }

    @Test
    void aSemicolonFileWithDecimalCommasTrainsWithDelimiterAndDecimal() throws Exception {
        StringBuilder csv = new StringBuilder("x;y;kind\n");
        for (int i = 0; i < 60; i++) {
            csv.append(i % 2 == 0 ? "0," : "9,").append(i).append(';').append(i % 3).append(';')
                    .append(i % 2 == 0 ? "low" : "high").append('\n');
        }
        Path data = Files.writeString(dir.resolve("export.csv"), csv);

        assertThat(run("train", "--data", data.toString(), "--label", "kind", "--out", dir.resolve("m").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("the file seems to use ';' as its delimiter: pass --delimiter ';'");

        assertThat(run("train", "--data", data.toString(), "--label", "kind", "--delimiter", ";",
                "--out", dir.resolve("m").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("column 'x' holds numbers with decimal commas ('0,0' on line 2): pass "
                + "--decimal ',' to read them as numbers, or --categorical x to keep them as text");

        assertThat(run("train", "--data", data.toString(), "--label", "kind", "--delimiter", ";", "--decimal", ",",
                "--out", dir.resolve("m").toString(), "--json")).as(err.toString()).isZero();
        JsonNode schema = Json.MAPPER.readTree(dir.resolve("m/schema.json").toFile());
        assertThat(schema.get("features").get(0).get("type").asText()).isEqualTo("numeric");
        assertThat(schema.get("features").get(0).get("max").asDouble()).isBetween(9.0, 9.9); // 9,x read as 9.x
        assertThat(Json.MAPPER.readTree(out.toString()).get("metrics").get("accuracy").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aFolderThatIsNotABundleIsRefusedAndLeftAsItWas() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(folder.resolve("bundle.json"), "{\"hello\": 1}");
        Files.writeString(folder.resolve("notes.txt"), "keep me");
        Files.createDirectories(folder.resolve("sub")).resolve("deep.txt");
        Files.writeString(folder.resolve("sub/deep.txt"), "me too");

        assertThat(run("train", "--data", iris(), "--label", "species", "--out", folder.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("error: --out " + folder + " exists, is not empty and is not a ModelOps "
                + "bundle (its bundle.json is not in the bundle format); refusing to replace it");
        assertThat(folder.resolve("bundle.json")).hasContent("{\"hello\": 1}");
        assertThat(folder.resolve("notes.txt")).hasContent("keep me");
        assertThat(folder.resolve("sub/deep.txt")).hasContent("me too");
    }

    @Test
    void theWorkingDirectoryCanBeTheBaseline() throws Exception {
        assertThat(run("train", "--data", iris(), "--label", "species", "--out", dir.resolve("first").toString()))
                .isZero();

        // A real process whose working directory is the first bundle: "--baseline ." must open it.
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ModelOps.class.getName(), "train", "--data", iris(),
                "--label", "species", "--baseline", ".", "--require", "accuracy>=baseline-0.05",
                "--out", dir.resolve("second").toString(), "--json")
                .directory(dir.resolve("first").toFile()).redirectErrorStream(false).start();
        String stdout = new String(process.getInputStream().readAllBytes());
        String stderr = new String(process.getErrorStream().readAllBytes());
        assertThat(process.waitFor()).as(stderr).isZero();
        JsonNode summary = Json.MAPPER.readTree(stdout);
        assertThat(summary.get("blessing").asText()).isEqualTo("blessed");
        assertThat(summary.get("checks").get(0).get("baselineValue").asDouble())
                .isEqualTo(Json.MAPPER.readTree(dir.resolve("first/metrics.json").toFile()).get("accuracy").asDouble());
    }
}
