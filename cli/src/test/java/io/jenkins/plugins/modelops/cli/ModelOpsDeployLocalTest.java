package io.jenkins.plugins.modelops.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelops deploy --local} and the verbs, each a real process, the server outliving every one of them. */
class ModelOpsDeployLocalTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void undeploy() throws Exception {
        if (Files.isDirectory(dir.resolve("state").resolve("iris"))) {
            cli("undeploy", "--local", "--name", "iris", "--state-dir", dir.resolve("state").toString());
        }
    }

    private record Run(int code, String out, String err) {
    }

    /** The CLI in its own JVM, as a user's script runs it. */
    private Run cli(String... args) throws Exception {
        return cliWith(java.util.Map.of(), args);
    }

    private Run cliWith(java.util.Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ModelOps.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the command ends; its server does not").isTrue();
        return new Run(process.exitValue(), out, Files.readString(dir.resolve("err.txt")));
    }

    private Path train(String name, long seed) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelOps.run(new String[] {"train", "--data", LiveModel.iris().toString(), "--label", "species", "--seed",
                Long.toString(seed), "--out", dir.resolve(name).toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        return dir.resolve(name);
    }

    @Test
    void deploysLocallyAndTheServerOutlivesTheCommand() throws Exception {
        Path bundle = train("iris-model", 1);
        String state = dir.resolve("state").toString();
        Run deployed = cli("deploy", "--local", "--bundle", bundle.toString(), "--name", "iris", "--state-dir", state,
                "--timeout", "2m");
        assertThat(deployed.code()).as(deployed.err()).isZero();
        String url = deployed.out().strip();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(deployed.err()).contains("revision 1 (stable", "feedback token in");
        assertThat(get(url + "/v2/health/ready")).isEqualTo(200);

        Run canary = cli("deploy", "--local", "--bundle", train("iris-2", 2).toString(), "--name", "iris",
                "--state-dir", state, "--strategy", "canary");
        assertThat(canary.code()).as(canary.err()).isZero();
        String canaryUrl = canary.out().strip();
        assertThat(canaryUrl).isNotEqualTo(url);
        assertThat(get(canaryUrl + "/v2/health/ready")).isEqualTo(200);

        Run promoted = cli("promote", "--local", "--name", "iris", "--state-dir", state);
        assertThat(promoted.code()).as(promoted.err()).isZero();
        assertThat(promoted.out().strip()).isEqualTo(url);
        Run back = cli("rollback", "--local", "--name", "iris", "--state-dir", state);
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(back.err()).contains("back at revision 1");
        assertThat(get(url + "/v2/health/ready")).isEqualTo(200);

        Run gone = cli("undeploy", "--local", "--name", "iris", "--state-dir", state);
        assertThat(gone.code()).as(gone.err()).isZero();
        assertThat(dir.resolve("state").resolve("iris")).doesNotExist();
    }

    @Test
    void localAndKubernetesOptionsDoNotMix() throws Exception {
        Run mixed = cli("deploy", "--local", "--bundle", dir.toString(), "--name", "iris", "--image", "x/y:1");
        assertThat(mixed.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(mixed.err()).contains("--local deploys on this machine: leave out the Kubernetes options");
        Run noBundle = cli("deploy", "--local", "--name", "iris", "--state-dir", dir.resolve("state").toString());
        assertThat(noBundle.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(noBundle.err()).contains("error: --local needs --bundle DIR: the model bundle to serve");
        Run none = cli("abort", "--local", "--name", "iris", "--state-dir", dir.resolve("state").toString());
        assertThat(none.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(none.err()).contains("there is no local deployment 'iris' in " + dir.resolve("state"));
    }

    @Test
    void dockerOptionsGoTogetherAndAnUnreachableEngineLeavesNothing() throws Exception {
        Run orphan = cli("deploy", "--local", "--bundle", dir.toString(), "--name", "iris", "--base-image", "x/y:1");
        assertThat(orphan.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(orphan.err()).contains("--base-image goes with --docker");

        String socket = "unix://" + dir.resolve("no-engine.sock");
        Run noEngine = cliWith(java.util.Map.of("DOCKER_HOST", socket), "deploy", "--local", "--docker", "--bundle",
                train("iris-model", 1).toString(), "--name", "iris", "--state-dir", dir.resolve("state").toString());
        assertThat(noEngine.code()).as(noEngine.err()).isEqualTo(ModelOps.FAILED);
        assertThat(noEngine.err()).contains("the Docker engine at " + socket + " is not reachable for --docker");
        assertThat(dir.resolve("state").resolve("iris")).doesNotExist();
    }

    private int get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

}
