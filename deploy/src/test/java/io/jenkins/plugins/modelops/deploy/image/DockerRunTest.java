package io.jenkins.plugins.modelops.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.testsupport.RealTools;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images run on a real Docker engine (a private dockerd) as the Kubernetes pods will: as the image's
 * non-root user, read-only root, {@code /tmp} the only writable place, and the model answers a prediction.
 * The entrypoint listens on {@value ServerCommand#CONTAINER_PORT} and containers share the host's network, so that
 * port must be free on this machine.
 */
class DockerRunTest {

    private static TestDocker docker;

    @BeforeAll
    static void start() {
        docker = TestDocker.start();
    }

    @AfterAll
    static void stop() {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void aLogisticModelLoadedFromATarballBaseRunsAndPredicts() throws Exception {
        List<String> log = new ArrayList<>();
        BuildImage.Outcome outcome = BuildImage.run(BuildImage.Request.of(TestBundles.iris(),
                "modelops-test/iris:1", new Target.Docker(docker.environment()))
                .withBase(new BaseImage.Tar(TestBaseImage.tarball())), log::add);
        assertThat(log).anyMatch(l -> l.startsWith("Loaded modelops-test/iris:1 into the Docker engine"));
        assertThat(docker.docker("image", "inspect", "--format", "{{.Id}}", "modelops-test/iris:1"))
                .isEqualTo(outcome.imageId());
        runAndPredict("modelops-test/iris:1", "iris");
    }

    @Test
    void anXgboostModelOnTheEnginesOwnBaseLoadsItsNativeLibraryUnderAReadOnlyRoot() throws Exception {
        docker.docker("load", "-i", TestBaseImage.tarball().toString());
        List<String> log = new ArrayList<>();
        BuildImage.run(BuildImage.Request.of(TestBundles.irisXgboost(), "modelops-test/iris-xgb:1",
                new Target.Docker(docker.environment())).withBase(BaseImage.parse("docker://modelops-test/jre17:bookworm")),
                log::add);
        assertThat(log).contains("The base image has libgomp.so.1 (XGBoost's native library needs it)");
        runAndPredict("modelops-test/iris-xgb:1", "iris-xgb");
    }

    private static void runAndPredict(String image, String name) throws Exception {
        int port = ServerCommand.CONTAINER_PORT;
        try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getByName("0.0.0.0"))) {
            probe.close();
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is taken on this machine: the image's server listens "
                    + "there and the container shares the host's network; free it to run this test", e);
        }
        String user = docker.docker("image", "inspect", "--format", "{{.Config.User}}", image);
        assertThat(user).isEqualTo("65532:65532");
        // /tmp as Kubernetes' emptyDir is: writable and exec (Docker's --tmpfs default is noexec, where XGBoost's
        // extracted native library could not be mapped).
        String container = docker.docker("run", "-d", "--network", "host", "--read-only", "--tmpfs", "/tmp:rw,exec",
                "--user", user, image);
        try {
            awaitReady(container, "http://127.0.0.1:" + port + "/v2/health/ready");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/models/" + name + ":predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            JsonNode prediction = Json.MAPPER.readTree(reply.body()).get("predictions").get(0);
            assertThat(prediction.get("label").asText()).isIn("setosa", "versicolor", "virginica");
            String whoami = docker.docker("exec", container, "sh", "-c", "id -u; touch /app/x 2>&1 || true");
            assertThat(whoami).startsWith("65532").contains("Read-only file system");
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("container " + image + " failed; its log:\n" + logs(container), e);
        } finally {
            docker.docker("rm", "-f", container);
        }
    }

    /** Polls readiness while the container runs; a container that exited fails at once. */
    private static void awaitReady(String container, String url) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                RealTools.awaitHttp(url, 200, Duration.ofSeconds(2), null, null);
                return;
            } catch (IllegalStateException e) {
                String state = docker.docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container);
                if (!state.startsWith("running") || System.nanoTime() > deadline) {
                    throw new IllegalStateException(url + " not ready; container " + state, e);
                }
            }
        }
    }

    private static String logs(String container) {
        try {
            return docker.docker("logs", "--tail", "60", container);
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
