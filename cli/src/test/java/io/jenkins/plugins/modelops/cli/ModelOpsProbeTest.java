package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.serving.JsonLog;
import io.jenkins.plugins.modelops.serving.ModelServer;
import io.jenkins.plugins.modelops.serving.Secret;
import io.jenkins.plugins.modelops.serving.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelops probe} against a real model server: its exit codes, summary line and messages. */
class ModelOpsProbeTest {

    private static final String TOKEN = "cli-probe-token-0123456789";

    @TempDir
    static Path dir;
    private static Path bundle;
    private static Path tokenFile;
    private static ModelServer server;
    private static ModelServer strict;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        bundle = dir.resolve("iris");
        assertThat(ModelOps.run(new String[] {"train", "--data", iris(), "--label", "species", "--out",
                bundle.toString()}, new PrintWriter(StringWriter.nullWriter()), new PrintWriter(StringWriter.nullWriter())))
                .isZero();
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        JsonLog quiet = new JsonLog(new PrintStream(OutputStream.nullOutputStream()));
        server = ModelServer.start(ServerConfig.of(bundle).withPort(0)
                .withFeedbackAccess(Secret.of("test", TOKEN), false), quiet);
        strict = ModelServer.start(ServerConfig.of(bundle).withPort(0).withStrict(true), quiet);
    }

    @AfterAll
    static void stop() {
        server.close();
        strict.close();
    }

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
    void probesAndPrintsOneSummaryLine() {
        int code = run("probe", "--endpoint", server.baseUri().toString(), "--name", "iris", "--data", iris(),
                "--bundle", bundle.toString(), "--rate", "100", "--duration", "20s", "--max-rows", "30",
                "--token-file", tokenFile.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("probe iris (version " + server.modelVersion() + "): 30 rows sent, 30 "
                + "accepted, accuracy ").endsWith(" s\n").hasLineCount(1);
        assertThat(err.toString()).contains("Replaying the 30 test rows of ", "Probing model iris (version ");
        assertThat(out.toString() + err).doesNotContain(TOKEN);
    }

    @Test
    void withoutTheTokenItSaysToPassTokenFileAndExitsTwo() {
        int code = run("probe", "--endpoint", server.baseUri().toString(), "--name", "iris", "--data", iris(),
                "--max-rows", "5");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("Probing model iris").contains("\nerror: POST " + server.baseUri()
                + "/v1/models/iris/feedback was "
                + "refused with 401: the server has a feedback token; pass it with --token-file FILE (or in "
                + "MODELOPS_FEEDBACK_TOKEN)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badFlagsAndDataExitTwoNamingTheFlag() throws Exception {
        assertThat(run("probe", "--endpoint", server.baseUri().toString(), "--name", "iris", "--data", iris(),
                "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --duration 'soon' is not a duration: give 90s, 5m, 1h or ISO-8601 "
                + "(PT5M)\n");

        err.getBuffer().setLength(0);
        Path other = Files.writeString(dir.resolve("other.csv"), Files.readString(Path.of(iris())) + "5,3,1.5,0.2,setosa\n");
        assertThat(run("probe", "--endpoint", server.baseUri().toString(), "--name", "iris", "--data",
                other.toString(), "--bundle", bundle.toString(), "--token-file", tokenFile.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: " + other + " is not the file " + bundle + " was trained on")
                .endsWith("; pass that file, or held-out rows alone without --bundle\n");

        err.getBuffer().setLength(0);
        assertThat(run("probe", "--endpoint", "http://127.0.0.1:1", "--name", "iris", "--data", iris()))
                .isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --endpoint http://127.0.0.1:1 could not be reached (connection "
                + "refused); is a model server running there?\n");
    }

    @Test
    void noRowScoredExitsThree() throws Exception {
        // A strict server refuses rows outside the training ranges: every batch is refused with 400.
        Path far = Files.writeString(dir.resolve("far.csv"), "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "100,3.5,1.4,0.2,setosa\n");
        int code = run("probe", "--endpoint", strict.baseUri().toString(), "--name", "iris", "--data", far.toString(),
                "--rate", "10", "--duration", "1s", "--max-rows", "2");

        assertThat(code).isEqualTo(3);
        assertThat(out.toString()).isEqualTo("probe iris (version " + strict.modelVersion() + "): 2 rows sent, 0 "
                + "accepted, 2 refused with 400" + out.toString().substring(out.toString().indexOf(" in ")));
        assertThat(err.toString()).contains("answered 400 to 1 rows: instances[0]: feature 'sepal_length' = 100 is "
                + "outside the training range");
    }
}
