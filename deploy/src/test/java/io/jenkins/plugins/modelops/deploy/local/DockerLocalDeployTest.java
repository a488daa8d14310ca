package io.jenkins.plugins.modelops.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Outcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Request;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Result;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Strategy;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy --local --docker} on a real Docker engine (a private dockerd, {@link TestDocker}): each revision an
 * image built on the offline test base, each server a container on the host's network.
 */
class DockerLocalDeployTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestDocker docker;
    private static LocalDeploy.Docker runtime;

    @TempDir
    Path state;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Progress progress = log::add;

    @BeforeAll
    static void engine() {
        docker = TestDocker.start(); // fails (not skips) without dockerd, naming scripts/install-deps.sh --test
        runtime = new LocalDeploy.Docker("tar://" + TestBaseImage.tarball(), docker.host());
    }

    @AfterAll
    static void stopEngine() {
        if (docker != null) {
            docker.close();
        }
    }

    @AfterEach
    void undeployLeftovers() {
        if (LocalDeploy.status(state, "iris").isPresent()) {
            LocalDeploy.undeploy(state, "iris", Progress.silent());
        }
    }

    @Test
    void deploysAContainerThenRollsOutAndRollsBack() throws Exception {
        Outcome first = LocalDeploy.run(request(TestBundles.iris(), 0, Strategy.ROLLING), progress);
        assertThat(first.result()).as(first.reason()).isEqualTo(Result.ROLLED_OUT);
        assertThat(modelId(first.url())).isEqualTo(id(TestBundles.iris()));
        assertThat(predict(first.url())).isEqualTo(200);

        LocalDeploy.Status status = LocalDeploy.status(state, "iris").orElseThrow();
        assertThat(status.runtime()).isEqualTo("docker");
        assertThat(status.running()).isTrue();
        String container = status.stable().container();
        assertThat(docker.docker("inspect", "-f", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} "
                + "{{.HostConfig.RestartPolicy.Name}} {{.Name}}", container))
                .isEqualTo("65532:65532 true unless-stopped /modelops-iris-stable-r1");
        assertThat(docker.docker("exec", container, "id", "-u")).isEqualTo("65532");
        String token = Files.readString(first.tokenFile()).strip();
        assertThat(docker.docker("inspect", container)).doesNotContain(token);
        assertThat(String.join("\n", log)).doesNotContain(token);

        Outcome second = LocalDeploy.run(request(TestBundles.irisRetrained(), 0, Strategy.ROLLING), progress);
        assertThat(second.result()).as(second.reason()).isEqualTo(Result.ROLLED_OUT);
        assertThat(second.revision()).isEqualTo(2);
        assertThat(second.url()).isEqualTo(first.url());
        assertThat(modelId(second.url())).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(containers()).containsExactly("modelops-iris-stable-r2");

        Outcome back = LocalDeploy.rollback(state, "iris", TIMEOUT, progress);
        assertThat(back.result()).isEqualTo(Result.ROLLED_BACK);
        assertThat(back.revision()).isEqualTo(1);
        assertThat(modelId(back.url())).isEqualTo(id(TestBundles.iris()));
        assertThat(containers()).containsExactly("modelops-iris-stable-r1");
    }

    @Test
    void aCanaryRunsInItsOwnContainerThenIsPromoted() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), 0, Strategy.ROLLING), progress);
        assertThat(stable.result()).as(stable.reason()).isEqualTo(Result.ROLLED_OUT);
        // the verbs know the runtime from the state: no --docker again
        Outcome canary = LocalDeploy.run(new Request(TestBundles.irisRetrained(), "iris", 0, state, Strategy.CANARY,
                TIMEOUT), progress);
        assertThat(canary.result()).as(canary.reason()).isEqualTo(Result.ROLLED_OUT);
        assertThat(canary.url()).isNotEqualTo(stable.url());
        assertThat(modelId(canary.url())).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(modelId(stable.url())).isEqualTo(id(TestBundles.iris()));
        assertThat(containers()).containsExactlyInAnyOrder("modelops-iris-stable-r1", "modelops-iris-canary-r2");
        assertThat(docker.docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}",
                "modelops-iris-canary-r2")).contains("MODELOPS_TRACK=canary");

        Outcome promoted = LocalDeploy.promote(state, "iris", TIMEOUT, progress);
        assertThat(promoted.result()).as(promoted.reason()).isEqualTo(Result.ROLLED_OUT);
        assertThat(promoted.url()).isEqualTo(stable.url());
        assertThat(modelId(stable.url())).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(reachable(canary.url())).isFalse();
        assertThat(containers()).containsExactly("modelops-iris-stable-r2");
    }

    @Test
    void aRevisionThatCannotStartIsRolledBack() throws Exception {
        Outcome first = LocalDeploy.run(request(TestBundles.iris(), 0, Strategy.ROLLING), progress);
        assertThat(first.result()).as(first.reason()).isEqualTo(Result.ROLLED_OUT);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome broken = LocalDeploy.run(request(TestBundles.irisRetrained(), taken.getLocalPort(),
                    Strategy.ROLLING), progress);
            assertThat(broken.result()).isEqualTo(Result.ROLLED_BACK);
            assertThat(broken.reason()).contains("the server exited during start-up", "Address already in use");
            assertThat(broken.url()).isEqualTo(first.url());
        }
        assertThat(modelId(first.url())).isEqualTo(id(TestBundles.iris()));
        assertThat(LocalDeploy.status(state, "iris").orElseThrow().stable().revision()).isEqualTo(1);
        assertThat(containers()).containsExactly("modelops-iris-stable-r1");
        assertThat(docker.docker("image", "ls", "-q", "modelops-local/iris:r2")).isEmpty();
    }

    @Test
    void theEngineRestartsAServerThatDiesWithItsSecrets() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), 0, Strategy.ROLLING), progress);
        assertThat(stable.result()).as(stable.reason()).isEqualTo(Result.ROLLED_OUT);
        String container = LocalDeploy.status(state, "iris").orElseThrow().stable().container();
        assertThat(docker.docker("exec", container, "stat", "-c", "%u:%g %a", "/run/modelops-secrets/feedback-token"))
                .isEqualTo("65532:65532 400");
        long pid = Long.parseLong(docker.docker("inspect", "-f", "{{.State.Pid}}", container));
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        server.destroyForcibly();
        server.onExit().get();
        boolean ready = false;
        for (int i = 0; i < 600 && !ready; i++) { // the engine restarts it; then the JVM starts again
            ready = reachable(stable.url()) && docker.docker("inspect", "-f", "{{.RestartCount}}", container)
                    .equals("1") && ServerProcess.probe(Integer.parseInt(stable.url().replaceAll(".*:", "")));
            Thread.sleep(100);
        }
        assertThat(ready).as("the restarted server is ready").isTrue();
        assertThat(modelId(stable.url())).isEqualTo(id(TestBundles.iris()));
        assertThat(LocalDeploy.status(state, "iris").orElseThrow().running()).isTrue();
    }

    @Test
    void undeployRemovesTheContainersImagesAndState() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), 0, Strategy.ROLLING), progress);
        assertThat(stable.result()).as(stable.reason()).isEqualTo(Result.ROLLED_OUT);
        LocalDeploy.undeploy(state, "iris", progress);
        assertThat(docker.docker("ps", "-aq", "--filter", "label=io.modelops.deployment=iris")).isEmpty();
        assertThat(docker.docker("image", "ls", "-q", "modelops-local/iris")).isEmpty();
        assertThat(reachable(stable.url())).isFalse();
        assertThat(state.resolve("iris")).doesNotExist();
    }

    private Request request(Path bundle, int port, Strategy strategy) {
        return new Request(bundle, "iris", port, state, strategy, TIMEOUT).withDocker(runtime);
    }

    private static List<String> containers() {
        String names = docker.docker("ps", "-a", "--format", "{{.Names}}", "--filter",
                "label=io.modelops.deployment=iris");
        return names.isBlank() ? List.of() : names.lines().toList();
    }

    private static String id(Path bundle) {
        return ModelBundle.open(bundle).manifest().modelId();
    }

    private static String modelId(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/iris"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode metadata = Json.MAPPER.readTree(response.body());
        return metadata.path("parameters").path("model_id").asText();
    }

    private static int predict(String url) throws IOException, InterruptedException {
        String body = "{\"instances\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,"
                + "\"petal_width\":0.2}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/models/iris:predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static boolean reachable(String url) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v2/health/live")).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
