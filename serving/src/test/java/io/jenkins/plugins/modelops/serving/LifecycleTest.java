package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as a process: exit codes, readiness after loading, and graceful shutdown on SIGTERM with a request in
 * flight.
 */
class LifecycleTest {

    private static final String BODY = "{\"instances\": [" + InferenceApiTest.SETOSA + "]}";

    @Test
    void sigtermLetsTheInFlightRequestFinishThenExitsZero() throws Exception {
        try (ServerProcess server = new ServerProcess("--bundle", TestBundles.irisXgboost().toString(), "--port", "0",
                "--shutdown-grace", "30")) {
            int port = server.port();
            server.awaitLine(l -> l.contains("\"event\":\"model_loaded\""));
            try (Socket socket = new Socket("127.0.0.1", port)) {
                // Headers and half the body: the request is in the handler, reading, when SIGTERM arrives.
                byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/models/iris-xgb:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
                awaitInFlight(port);
                server.sigterm();
                server.awaitLine(l -> l.contains("\"event\":\"stopping\""));
                // No new connections once stopping.
                assertThat(connects(port)).isFalse();
                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 200").contains("\"label\":\"setosa\"");
            }
            assertThat(server.exitCode(30)).isZero();
            assertThat(server.stdout).anyMatch(l -> l.contains("\"event\":\"stopped\""));
        }
    }

    @Test
    void aRequestThatOutlivesTheGraceDoesNotKeepTheServerUp() throws Exception {
        try (ServerProcess server = new ServerProcess("--bundle", TestBundles.iris().toString(), "--port", "0",
                "--shutdown-grace", "1")) {
            int port = server.port();
            server.awaitLine(l -> l.contains("\"event\":\"model_loaded\""));
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/models/iris:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                awaitInFlight(port);
                server.sigterm();
                assertThat(server.exitCode(30)).as(server.stdout + "\n" + server.stderr).isZero();
            }
            assertThat(server.stdout).anyMatch(l -> l.contains("\"event\":\"stopped\""));
        }
    }

    @Test
    void readinessComesAfterTheModelIsLoaded() throws Exception {
        try (ServerProcess server = new ServerProcess("--bundle", TestBundles.iris().toString(), "--port", "0")) {
            server.awaitLine(l -> l.contains("\"event\":\"model_loaded\""));
            List<String> events = server.stdout.stream().map(l -> l.replaceAll(".*\"event\":\"([a-z_]+)\".*", "$1")).toList();
            assertThat(events).containsSubsequence("starting", "bundle_verified", "listening", "model_loaded");
            server.sigterm();
            assertThat(server.exitCode(30)).isZero();
        }
    }

    @Test
    void aTamperedBundleExitsTwoWithTheReason() throws Exception {
        Path copy = Files.createTempDirectory("tampered").resolve("iris");
        Files.createDirectories(copy);
        try (var files = Files.list(TestBundles.iris())) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Files.writeString(copy.resolve("schema.json"), Files.readString(copy.resolve("schema.json")).replace("4.3", "4.4"));
        try (ServerProcess server = new ServerProcess("--bundle", copy.toString(), "--port", "0")) {
            assertThat(server.exitCode(60)).isEqualTo(2);
            assertThat(String.join("\n", server.stderr)).contains("SHA-256 of schema.json is",
                    "the bundle was modified or damaged after training");
            assertThat(server.stdout).anyMatch(l -> l.contains("\"event\":\"start_failed\"") && l.contains("SHA-256"));
        }
    }

    @Test
    void badFlagsExitTwo() throws Exception {
        try (ServerProcess missing = new ServerProcess("--port", "0")) {
            assertThat(missing.exitCode(60)).isEqualTo(2);
            assertThat(String.join("\n", missing.stderr)).contains("Missing required option: '--bundle=DIR'");
        }
        try (ServerProcess noBundle = new ServerProcess("--bundle", "/nonexistent/bundle", "--port", "0")) {
            assertThat(noBundle.exitCode(60)).isEqualTo(2);
            assertThat(String.join("\n", noBundle.stderr)).contains("/nonexistent/bundle: no such model bundle directory");
        }
        try (ServerProcess halfTls = new ServerProcess("--bundle", TestBundles.iris().toString(), "--tls-cert", "x.pem")) {
            assertThat(halfTls.exitCode(60)).isEqualTo(2);
            assertThat(String.join("\n", halfTls.stderr)).contains("--tls-cert and --tls-key go together");
        }
        try (ServerProcess badTrack = new ServerProcess("--bundle", TestBundles.iris().toString(), "--track", "blue")) {
            assertThat(badTrack.exitCode(60)).isEqualTo(2);
            assertThat(String.join("\n", badTrack.stderr)).contains("--track 'blue' is not a track: use stable or canary");
        }
    }

    /**
     * A full round trip on a second connection: the held request's headers and first bytes were sent before it, and
     * Jetty dispatches a request once content arrives, so the held one is being handled by the time this returns.
     */
    private static void awaitInFlight(int port) throws Exception {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            probe.getOutputStream().write("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = probe.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        }
    }

    private static boolean connects(int port) {
        try {
            new Socket("127.0.0.1", port).close();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
