package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What careless and hostile clients send: overflowing rows, bodies that exhaust the heap. */
class HostileClientsTest {

    private static final String HUGE = "{\"sepal_length\":1e308,\"sepal_width\":1e308,\"petal_length\":1e308,\"petal_width\":1e308}";
    private static TestServer iris;
    private static TestServer courses;

    @BeforeAll
    static void start() throws Exception {
        iris = TestServer.of(TestBundles.iris());
        courses = TestServer.of(TestBundles.courses());
    }

    @AfterAll
    static void stop() {
        iris.close();
        courses.close();
    }

    @Test
    void aRowThatOverflowsTheModelIs400NamingTheRowAndTheFeature() throws Exception {
        TestServer.Reply v1 = iris.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + ", " + HUGE + "]}");
        assertThat(v1.status()).as(v1.body()).isEqualTo(400);
        assertThat(v1.error()).startsWith("instances[1]: the model's output is not a finite number")
                .containsPattern("because feature '(sepal|petal)_(length|width)' \\(encoded as (-?Infinity|[-0-9.E]+)\\) is too large");
        TestServer.Reply v2 = iris.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"data\": [5.1, 3.5, 1.4, 0.2, 1e308, 1e308, 1e308, 1e308]}]}");
        assertThat(v2.status()).as(v2.body()).isEqualTo(400);
        assertThat(v2.error()).startsWith("row 1: the model's output is not a finite number");
        TestServer.Reply probe = iris.post("/v1/models/iris/feedback", "{\"instances\": [" + HUGE + "], \"labels\": [\"setosa\"]}");
        assertThat(probe.status()).isEqualTo(400);
        assertThat(probe.error()).startsWith("instances[0]: the model's output is not a finite number");
        // A large value that the model's arithmetic survives is no error: 200 with a finite answer.
        TestServer.Reply large = courses.post("/v1/models/courses:predict", "{\"instances\": ["
                + InferenceApiTest.COURSE.replace("\"forum_posts\":4", "\"forum_posts\":1e300") + "]}");
        assertThat(large.status()).as(large.body()).isIn(200, 400);
        if (large.status() == 200) {
            assertThat(Double.isFinite(large.json().get("predictions").get(0).get("value").asDouble())).isTrue();
        }
        // Strict mode refuses such rows earlier, as outside the training range: a 400 either way.
    }

    @Test
    void anOutOfMemoryErrorIsACounted500AndTheServerGoesOn() throws Exception {
        // ~9 MB of JSON, 500,000 rows (the row limit raised): its tree needs more than the 64 MiB heap.
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < 500_000; i++) {
            body.append(i == 0 ? "" : ",").append("[5.1,3.5,1.4,0.2]");
        }
        body.append("]}");
        try (ServerProcess server = new ServerProcess("-Xmx64m", Map.of(), "--bundle", TestBundles.iris().toString(),
                "--port", "0", "--name", "iris", "--max-body-bytes", "20000000", "--max-rows", "1000000")) {
            server.awaitLine(l -> l.contains("\"event\":\"model_loaded\""));
            URI base = URI.create("http://127.0.0.1:" + server.port());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> huge = client.send(HttpRequest.newBuilder(base.resolve("/v1/models/iris:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(huge.statusCode()).as(huge.body()).isEqualTo(500);
            assertThat(huge.body()).contains("OutOfMemoryError");
            assertThat(server.awaitLine(l -> l.contains("\"event\":\"request_failed\""))).contains("OutOfMemoryError");
            HttpResponse<String> next = client.send(HttpRequest.newBuilder(base.resolve("/v1/models/iris:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + InferenceApiTest.SETOSA + "]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .header("Accept", "text/plain; version=0.0.4").build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("modelops_requests_total\\{code=\"500\",model=\"iris\",protocol=\"v1\",version=\"[^\"]+\"} 1.0");
            server.sigterm();
            assertThat(server.exitCode(60)).isZero();
        }
    }

    /** A server of few threads: 4 of Jetty's, with the given read timeout, request limit and admin port. */
    private static ServerConfig small(Duration readTimeout, int maxConcurrent, int adminPort) {
        ServerConfig d = ServerConfig.of(TestBundles.iris());
        return new ServerConfig(d.bundle(), d.host(), 0, "iris", null, null, null, Duration.ofSeconds(1), d.maxBodyBytes(),
                false, 100, d.feedbackTtl(), 0, false, 8, null, false, null, readTimeout, maxConcurrent, adminPort, 0, 0.001,
                "stable");
    }

    /** Sends a predict's headers and the first byte of its 100-byte body, then stalls. */
    private static Socket stalled(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        socket.getOutputStream().write(("POST /v1/models/iris:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                + "\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    @Test
    void slowClientsHoldNoThreadsSoHealthAndPredictionsGoOn() throws Exception {
        // 20 stalled uploads against 8 threads: each used to block a thread until the 30 s idle timeout.
        try (TestServer server = new TestServer(small(Duration.ofSeconds(60), 64, -1))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    slow.add(stalled(server.server.port()));
                }
                HttpClient client = HttpClient.newHttpClient();
                // A bound for the test to fail on, well below the 30 s those threads would have been held.
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(server.uri("/v2/health/ready"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(200);
                HttpResponse<String> predict = client.send(HttpRequest.newBuilder(server.uri("/v1/models/iris:predict"))
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("{\"instances\": ["
                                + InferenceApiTest.SETOSA + "]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(predict.statusCode()).isEqualTo(200);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void requestsOverTheLimitGet503WithRetryAfterAndAreCounted() throws Exception {
        try (TestServer server = new TestServer(small(Duration.ofSeconds(60), 2, -1))) {
            String code503 = "modelops_requests_total{code=\"503\",model=\"iris\",protocol=\"v1\",version=\""
                    + server.server.modelVersion() + "\"}";
            List<Socket> holders = new ArrayList<>(List.of(stalled(server.server.port()), stalled(server.server.port())));
            try {
                TestServer.Reply refused = null;
                for (int attempt = 0; attempt < 500 && refused == null; attempt++) { // until both are dispatched
                    for (int i = 0; i < holders.size(); i++) {
                        // A stalled upload dispatched while a probe held a permit was itself refused: replace it.
                        if (holders.get(i).getInputStream().available() > 0) {
                            holders.get(i).close();
                            holders.set(i, stalled(server.server.port()));
                        }
                    }
                    TestServer.Reply reply = server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}");
                    if (reply.status() == 503) {
                        refused = reply;
                    } else {
                        Thread.sleep(10);
                    }
                }
                assertThat(refused).as("a 503 while two requests hold the two permits").isNotNull();
                assertThat(refused.response().headers().firstValue("Retry-After")).contains("1");
                assertThat(refused.error()).contains("limit of 2 requests at once (--max-concurrent-requests)");
                assertThat(server.metric(code503)).isGreaterThanOrEqualTo(1);
                assertThat(server.get("/v2/health/ready").status()).as("health needs no permit").isEqualTo(200);
                assertThat(server.get("/metrics").status()).isEqualTo(200);
                for (Socket socket : holders) { // the rest of their bodies: 99 spaces after '{'
                    socket.getOutputStream().write(" ".repeat(99).getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                    assertThat(answer).isEqualTo("HTTP/1.1 400"); // '{' and spaces: not JSON, but read and answered
                }
            } finally {
                for (Socket socket : holders) {
                    socket.close();
                }
            }
            TestServer.Reply after = server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}");
            assertThat(after.status()).as("permits come back").isEqualTo(200);
        }
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheReadTimeoutIs408() throws Exception {
        try (TestServer server = new TestServer(small(Duration.ofSeconds(1), 64, -1)); Socket slow = stalled(server.server.port())) {
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("the request body did not arrive within 1000 ms "
                    + "(--read-timeout); 1 bytes came");
            assertThat(server.get("/v2/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void theAdminPortAnswersHealthAndMetricsOnly() throws Exception {
        try (TestServer server = new TestServer(small(Duration.ofSeconds(10), 64, 0))) {
            int admin = server.server.adminPort();
            assertThat(admin).isPositive().isNotEqualTo(server.server.port());
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + admin);
            for (String path : new String[] {"/v2/health/live", "/v2/health/ready", "/v2/models/iris/ready", "/metrics"}) {
                assertThat(client.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(200);
            }
            HttpResponse<String> predict = client.send(HttpRequest.newBuilder(base.resolve("/v1/models/iris:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + InferenceApiTest.SETOSA + "]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(predict.statusCode()).isEqualTo(404);
            assertThat(predict.body()).contains("the admin port answers health").contains("/metrics only");
            // The single port keeps answering everything, as before.
            assertThat(server.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}")
                    .status()).isEqualTo(200);
        }
    }

    @Test
    void rowsPerRequestAreBoundedByWhatTheHeapCanAnswer() throws Exception {
        assertThat(ServerConfig.rowLimit(256L << 20)).isEqualTo(8192);
        assertThat(ServerConfig.of(TestBundles.iris()).withMaxRows(5).rowLimit()).isEqualTo(5);
        try (TestServer server = new TestServer(ServerConfig.of(TestBundles.iris()).withMaxRows(2))) {
            String three = "{\"instances\": [" + String.join(",", java.util.Collections.nCopies(3, InferenceApiTest.SETOSA)) + "]}";
            TestServer.Reply v1 = server.post("/v1/models/iris:predict", three);
            assertThat(v1.status()).isEqualTo(413);
            assertThat(v1.error()).isEqualTo("the request has 3 rows; this server answers at most 2 per request "
                    + "(--max-rows; by default what the heap can answer at once); split it");
            TestServer.Reply v2 = server.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": "
                    + "\"FP64\", \"shape\": [3, 4], \"data\": [5.1, 3.5, 1.4, 0.2, 5.1, 3.5, 1.4, 0.2, 5.1, 3.5, 1.4, 0.2]}]}");
            assertThat(v2.status()).isEqualTo(413);
            assertThat(server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + ","
                    + InferenceApiTest.SETOSA + "]}").status()).isEqualTo(200);
        }
    }
}
