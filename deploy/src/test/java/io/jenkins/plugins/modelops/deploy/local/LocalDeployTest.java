package io.jenkins.plugins.modelops.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Outcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Request;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Result;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Strategy;
import org.junit.jupiter.api.AfterEach;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Local deployments with the real server in real processes: rolling updates, rollbacks, canaries, undeploy. */
class LocalDeployTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path state;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Progress progress = log::add;

    @AfterEach
    void stopEverything() {
        for (String name : List.of("iris", "flowers")) {
            if (LocalDeploy.status(state, name).isPresent()) {
                LocalDeploy.undeploy(state, name, Progress.silent());
            }
        }
    }

    @Test
    void deploysServesAndRollsOutANewRevision() throws Exception {
        Outcome first = LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.ROLLING), progress);
        assertThat(first.result()).isEqualTo(Result.ROLLED_OUT);
        assertThat(first.revision()).isEqualTo(1);
        assertThat(modelId(first.url(), "iris")).isEqualTo(id(TestBundles.iris()));
        assertThat(predict(first.url(), "iris")).isEqualTo(200);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.tokenFile()))).isEqualTo("rw-------");

        Outcome second = LocalDeploy.run(request(TestBundles.irisRetrained(), "iris", Strategy.ROLLING), progress);
        assertThat(second.result()).isEqualTo(Result.ROLLED_OUT);
        assertThat(second.revision()).isEqualTo(2);
        assertThat(second.url()).as("the port is the deployment's").isEqualTo(first.url());
        assertThat(modelId(second.url(), "iris")).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(second.tokenFile()).hasSameTextualContentAs(first.tokenFile());

        Outcome back = LocalDeploy.rollback(state, "iris", TIMEOUT, progress);
        assertThat(back.result()).isEqualTo(Result.ROLLED_BACK);
        assertThat(back.revision()).isEqualTo(1);
        assertThat(modelId(back.url(), "iris")).isEqualTo(id(TestBundles.iris()));
        assertThatThrownBy(() -> LocalDeploy.rollback(state, "iris", TIMEOUT, progress))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("'iris' has served only revision 1: nothing to roll back to");
        assertThat(String.join("\n", log)).doesNotContain(Files.readString(first.tokenFile()).strip());
    }

    @Test
    void aRevisionThatCannotStartIsRolledBack() throws Exception {
        Outcome first = LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.ROLLING), progress);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome broken = LocalDeploy.run(new Request(TestBundles.irisRetrained(), "iris", taken.getLocalPort(),
                    state, Strategy.ROLLING, TIMEOUT), progress);
            assertThat(broken.result()).isEqualTo(Result.ROLLED_BACK);
            assertThat(broken.reason()).contains("the server exited during start-up");
            assertThat(broken.url()).isEqualTo(first.url());
        }
        assertThat(modelId(first.url(), "iris")).isEqualTo(id(TestBundles.iris()));
        assertThat(LocalDeploy.status(state, "iris").orElseThrow().stable().revision()).isEqualTo(1);
    }

    @Test
    void aFirstDeploymentThatFailsLeavesNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome failed = LocalDeploy.run(new Request(TestBundles.iris(), "flowers", taken.getLocalPort(), state,
                    Strategy.ROLLING, TIMEOUT), progress);
            assertThat(failed.result()).isEqualTo(Result.FAILED);
            assertThat(failed.reason()).contains("the server exited during start-up", "Address already in use");
        }
        assertThat(state.resolve("flowers")).doesNotExist();
        assertThat(LocalDeploy.status(state, "flowers")).isEmpty();
    }

    @Test
    void aCanaryRunsBesideStableThenIsAbortedOrPromoted() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.ROLLING), progress);
        Outcome canary = LocalDeploy.run(request(TestBundles.irisRetrained(), "iris", Strategy.CANARY), progress);
        assertThat(canary.track()).isEqualTo("canary");
        assertThat(canary.url()).isNotEqualTo(stable.url());
        assertThat(modelId(canary.url(), "iris")).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(modelId(stable.url(), "iris")).isEqualTo(id(TestBundles.iris()));

        LocalDeploy.abort(state, "iris", progress);
        assertThat(reachable(canary.url())).isFalse();
        assertThat(modelId(stable.url(), "iris")).isEqualTo(id(TestBundles.iris()));

        Outcome again = LocalDeploy.run(request(TestBundles.irisRetrained(), "iris", Strategy.CANARY), progress);
        Outcome promoted = LocalDeploy.promote(state, "iris", TIMEOUT, progress);
        assertThat(promoted.result()).isEqualTo(Result.ROLLED_OUT);
        assertThat(promoted.url()).isEqualTo(stable.url());
        assertThat(modelId(stable.url(), "iris")).isEqualTo(id(TestBundles.irisRetrained()));
        assertThat(reachable(again.url())).isFalse();
        assertThat(LocalDeploy.status(state, "iris").orElseThrow().canary()).isNull();
    }

    @Test
    void theSupervisorRestartsAServerThatDies() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.ROLLING), progress);
        ProcessHandle supervisor = ProcessHandle.of(LocalDeploy.status(state, "iris").orElseThrow().stable().pid())
                .orElseThrow();
        ProcessHandle server = supervisor.children().findFirst().orElseThrow();
        server.destroyForcibly();
        server.onExit().get();
        ProcessHandle restarted = null;
        for (int i = 0; i < 600 && restarted == null; i++) { // the supervisor waits 1 s before a restart
            restarted = supervisor.children().filter(p -> p.pid() != server.pid()).findFirst().orElse(null);
            Thread.sleep(100);
        }
        assertThat(restarted).as("a new server process under the supervisor").isNotNull();
        assertThat(ServerProcess.awaitReady(supervisor.pid(), Integer.parseInt(stable.url().replaceAll(".*:", "")),
                state.resolve("nothing.log"), TIMEOUT).ready()).isTrue();
        assertThat(Files.readString(stable.log())).contains(ServerProcess.EXITED + "137");
    }

    @Test
    void undeployStopsEverythingAndRemovesTheSecrets() throws Exception {
        Outcome stable = LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.ROLLING), progress);
        long pid = LocalDeploy.status(state, "iris").orElseThrow().stable().pid();
        LocalDeploy.undeploy(state, "iris", progress);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(reachable(stable.url())).isFalse();
        assertThat(state.resolve("iris")).doesNotExist();
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> request(TestBundles.iris(), "Iris_Model", Strategy.ROLLING))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("name: 'Iris_Model' is not a DNS-1123 label: lower-case letters, digits and "
                        + "'-', starting and ending with a letter or digit, at most 63 characters (e.g. iris-classifier)");
        assertThatThrownBy(() -> LocalDeploy.run(request(TestBundles.iris(), "iris", Strategy.CANARY), progress))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("a canary runs beside a stable server, and 'iris' has none in " + state
                        + ": deploy it first without strategy: canary");
        assertThatThrownBy(() -> LocalDeploy.promote(state, "nothing", TIMEOUT, progress))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("there is no local deployment 'nothing' in " + state
                        + " (deploy it with --local, or give stateDir:)");
        assertThatThrownBy(() -> LocalDeploy.run(request(state, "iris", Strategy.ROLLING), progress))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("model: ");
    }

    private Request request(Path bundle, String name, Strategy strategy) {
        return new Request(bundle, name, 0, state, strategy, TIMEOUT);
    }

    private static String id(Path bundle) {
        return ModelBundle.open(bundle).manifest().modelId();
    }

    private static String modelId(String url, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/" + name))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode metadata = Json.MAPPER.readTree(response.body());
        return metadata.path("parameters").path("model_id").asText();
    }

    private static int predict(String url, String name) throws IOException, InterruptedException {
        String body = "{\"instances\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,"
                + "\"petal_width\":0.2}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/models/" + name + ":predict"))
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
