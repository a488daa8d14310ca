package io.jenkins.plugins.modelops.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelops image}: the digest alone on stdout, progress on stderr, exit codes; the engine is tested in deploy. */
class ModelOpsImageTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static Path repo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/test-base-image.sh"))) {
                return d;
            }
        }
        throw new IllegalStateException("scripts/test-base-image.sh not found");
    }

    /** The offline JRE base (scripts/test-base-image.sh builds and caches it). */
    private static String baseImage() throws Exception {
        Process script = new ProcessBuilder("bash", repo().resolve("scripts/test-base-image.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(script.waitFor()).as("scripts/test-base-image.sh").isZero();
        return "tar://" + output.substring(output.lastIndexOf('\n') + 1);
    }

    @Test
    void buildsATarballAndPrintsOnlyTheImageByDigest() throws Exception {
        Path bundle = dir.resolve("iris");
        assertThat(run("train", "--data", repo().resolve("examples/iris.csv").toString(), "--label", "species",
                "--out", bundle.toString())).as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);

        Path tar = dir.resolve("iris.tar");
        int code = run("image", "--bundle", bundle.toString(), "--image", "127.0.0.1:5000/models/iris:1",
                "--base-image", baseImage(), "--tar", tar.toString(), "--build-url", "https://ci.example/job/7/");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).matches("127\\.0\\.0\\.1:5000/models/iris@sha256:[0-9a-f]{64}\n");
        assertThat(err.toString()).contains("Building image 127.0.0.1:5000/models/iris:1", "compressed in 4 layers",
                "Wrote " + tar);
        assertThat(tar).isRegularFile();
    }

    @Test
    void badInputExitsTwoNamingTheFlag() {
        assertThat(run("image", "--bundle", "/nonexistent/iris", "--image", "127.0.0.1:5000/iris:1", "--tar",
                dir.resolve("x.tar").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --bundle /nonexistent/iris: no such model bundle directory\n");
        assertThat(out.toString()).isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run("image", "--bundle", "/nonexistent/iris", "--image", "Iris:1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: --image 'Iris:1' is not an image reference");

        err.getBuffer().setLength(0);
        assertThat(run("image", "--bundle", "x", "--image", "iris:1", "--tar", "x.tar", "--docker")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --tar and --docker exclude each other: choose one target "
                + "(neither pushes to the registry --image names)\n");

        err.getBuffer().setLength(0);
        assertThat(run("image", "--bundle", "x", "--image", "iris:1", "--registry-username", "ci",
                "--registry-password-file", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --registry-password-file " + dir.resolve("none")
                + " cannot be read: no such file\n");
    }

    @Test
    void aPasswordFromTheEnvironmentNeedsAUsername() {
        picocli.CommandLine modelops = new picocli.CommandLine(new ModelOps());
        ImageCommand image = (ImageCommand) modelops.getSubcommands().get("image").getCommand();
        image.environment = Map.of(ImageCommand.PASSWORD_VARIABLE, "s3cret");
        modelops.setErr(new PrintWriter(err, true));
        modelops.setOut(new PrintWriter(out, true));
        modelops.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.write("error: " + ((io.jenkins.plugins.modelops.InvalidInputException) e).render(Flags::of) + "\n");
            return ModelOps.BAD_INPUT;
        });
        assertThat(modelops.execute("image", "--bundle", "x", "--image", "iris:1")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: a registry password was given (MODELOPS_REGISTRY_PASSWORD) but "
                + "no --registry-username\n");
        assertThat(err.toString() + out).doesNotContain("s3cret");
    }
}
