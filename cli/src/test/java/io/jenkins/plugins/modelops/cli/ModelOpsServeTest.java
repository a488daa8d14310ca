package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelops serve} takes the server's flags and keeps its exit codes (the server itself is tested in serving). */
class ModelOpsServeTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void helpListsTheServerFlags() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--bundle=DIR", "--port", "--name=NAME", "--tls-cert=PEM", "--shutdown-grace",
                "--max-body-bytes", "--strict", "--feedback-cache-size", "--feedback-ttl", "--request-log-sample");
        assertThat(out.toString()).contains("environment variable MODELOPS_<FLAG>");
    }

    @Test
    void flagsComeFromTheEnvironmentAsTheServersOwnCommandTakesThem() {
        picocli.CommandLine modelops = new picocli.CommandLine(new ModelOps());
        picocli.CommandLine serve = modelops.getSubcommands().get("serve");
        assertThat(serve.getCommandSpec().defaultValueProvider())
                .isInstanceOf(io.jenkins.plugins.modelops.serving.ServeOptions.Environment.class);
        serve.setDefaultValueProvider(new io.jenkins.plugins.modelops.serving.ServeOptions.Environment(
                java.util.Map.of("MODELOPS_BUNDLE", "/nonexistent/from-env", "MODELOPS_PORT", "0")));
        modelops.setErr(new PrintWriter(err, true));
        modelops.setOut(new PrintWriter(out, true));
        assertThat(modelops.execute("serve")).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("/nonexistent/from-env: no such model bundle directory");
    }

    @Test
    void aMissingBundleExitsTwoWithTheReasonOnStderrAndAsAJsonLine() throws Exception {
        assertThat(run("serve", "--bundle", "/nonexistent/iris", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: /nonexistent/iris: no such model bundle directory\n");
        JsonNode line = Json.MAPPER.readTree(out.toString().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(line.get("level").asText()).isEqualTo("error");
        assertThat(line.get("event").asText()).isEqualTo("start_failed");
        assertThat(line.get("exit_code").asInt()).isEqualTo(2);
    }

    @Test
    void badFlagsExitTwo() {
        assertThat(run("serve", "--bundle", "x", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--port 70000 is not a TCP port");
        assertThat(run("serve", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--bundle=DIR'");
        assertThat(run("serve", "--bundle", "x", "--feedback-ttl", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--feedback-ttl 'soon' is not a duration");
    }
}
