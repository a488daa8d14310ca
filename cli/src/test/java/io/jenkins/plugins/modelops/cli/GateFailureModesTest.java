package io.jenkins.plugins.modelops.cli;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.PromQlSource;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate against what goes wrong in production, each with real servers and a real Prometheus: slow requests,
 * too little traffic, no traffic, Prometheus stopping or failing, lying feedback, and a resumed gate.
 */
class GateFailureModesTest {

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static Path good;
    private static Path shuffled;

    @BeforeAll
    static void train() throws Exception {
        good = shared.resolve("good");
        assertThat(run("train", "--data", LiveModel.iris().toString(), "--label", "species", "--out", good.toString())
                .code()).isZero();
        List<String> lines = Files.readAllLines(LiveModel.iris());
        List<String> labels = new ArrayList<>();
        lines.subList(1, lines.size()).forEach(l -> labels.add(l.substring(l.lastIndexOf(',') + 1)));
        Collections.shuffle(labels, new Random(7));
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            out.add(lines.get(i).substring(0, lines.get(i).lastIndexOf(',') + 1) + labels.get(i - 1));
        }
        Files.write(shared.resolve("shuffled.csv"), out);
        shuffled = shared.resolve("bad");
        assertThat(run("train", "--data", shared.resolve("shuffled.csv").toString(), "--label", "species", "--out",
                shuffled.toString()).code()).isZero();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static Run gate(String prometheus, String... more) {
        List<String> args = new ArrayList<>(List.of("gate", "--name", "iris", "--prometheus", prometheus,
                "--on-fail", "none"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void slowRequestsFailOnLatency() throws Exception {
        try (LiveModel live = LiveModel.start(good, dir.resolve("state")).probe(Duration.ofMillis(100))
                .predict(Duration.ofMillis(50), Duration.ofMillis(300))) {
            Run result = gate(live.prometheus.url().toString(), "--gate", "latencyP99<=50ms", "--gate",
                    "accuracy>=0.9", "--window", "20s", "--interval", "5s", "--min-samples", "5");
            assertThat(result.code()).as(result.err()).isEqualTo(ModelOps.REJECTED);
            assertThat(result.out()).startsWith("FAIL iris: latencyP99<=50ms failed 1 time");
        }
    }

    @Test
    void tooFewSamplesAreInconclusiveAndNoTrafficFollowsTheNoDataPolicy() throws Exception {
        try (LiveModel live = LiveModel.start(good, dir.resolve("state")).probe(Duration.ofSeconds(2))) {
            Run few = gate(live.prometheus.url().toString(), "--gate", "accuracy>=0.9", "--window", "15s",
                    "--interval", "5s", "--min-samples", "1000");
            assertThat(few.code()).as(few.err()).isEqualTo(GateCommand.INCONCLUSIVE);
            assertThat(few.out()).contains("INCONCLUSIVE iris: at the end of the window, accuracy>=0.9: only ")
                    .contains("samples; a measurement needs 1000");
        }
        try (LiveModel quiet = LiveModel.start(good, dir.resolve("state2"))) {
            Run none = gate(quiet.prometheus.url().toString(), "--gate", "accuracy>=0.9", "--window", "10s",
                    "--interval", "5s");
            assertThat(none.code()).isEqualTo(GateCommand.INCONCLUSIVE);
            // The server's feedback counters exist from the start at 0: no feedback is 0/0, NaN.
            assertThat(none.out()).contains("the value is NaN (nothing divided by nothing");
            Run strict = gate(quiet.prometheus.url().toString(), "--gate", "accuracy>=0.9", "--window", "10s",
                    "--interval", "5s", "--no-data", "fail");
            assertThat(strict.code()).isEqualTo(ModelOps.REJECTED);
            assertThat(strict.out()).startsWith("FAIL iris: accuracy>=0.9 failed 1 time");
        }
    }

    @Test
    void prometheusStoppingMidGateIsAnErrorNeverAPass() throws Exception {
        try (LiveModel live = LiveModel.start(good, dir.resolve("state")).probe(Duration.ofMillis(100))) {
            CompletableFuture<Run> gate = CompletableFuture.supplyAsync(() -> gate(live.prometheus.url().toString(),
                    "--gate", "accuracy>=0.9", "--window", "30s", "--interval", "3s", "--min-samples", "10",
                    "--error-limit", "2", "--prometheus-timeout", "2s"));
            Thread.sleep(9_000);
            live.prometheus.close();
            Run result = gate.get();
            assertThat(result.code()).as(result.err()).isEqualTo(GateCommand.ERROR);
            assertThat(result.out()).startsWith("ERROR iris: 3 rounds in a row could not be measured (error limit 2);"
                    + " last: " + live.prometheus.url() + "/api/v1/query could not be reached");
        }
    }

    @Test
    void aPrometheusAnswering500OrTooSlowlyIsRetriedThenAnError() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            asked.incrementAndGet();
            if (exchange.getRequestURI().getPath().startsWith("/slow")) {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"storage failed\"}".getBytes();
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        try {
            String url = "http://127.0.0.1:" + failing.getAddress().getPort();
            Run result = gate(url, "--gate", "accuracy>=0.9", "--window", "10s", "--interval", "5s");
            assertThat(result.code()).isEqualTo(GateCommand.ERROR);
            assertThat(result.out()).startsWith("ERROR iris: the last round could not be measured: " + url
                    + "/api/v1/query answered 500: internal: storage failed");
            assertThat(asked.get()).as("each reading tried three times").isEqualTo(2 * 3);
            // /slow is a path prefix on the Prometheus URL: every query goes there and times out
            Run slow = gate(url + "/slow/", "--gate", "accuracy>=0.9", "--window", "5s", "--interval", "5s",
                    "--prometheus-timeout", "1s");
            assertThat(slow.code()).isEqualTo(GateCommand.ERROR);
            assertThat(slow.out()).contains("did not answer within 1 s");
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void liesByLabelCannotPassABadModelGatedOnTheProbe() throws Exception {
        try (LiveModel live = LiveModel.start(shuffled, dir.resolve("state")).probe(Duration.ofMillis(100))
                .lieByLabel(Duration.ofMillis(100))) {
            Run onLabels = gate(live.prometheus.url().toString(), "--gate", "accuracy>=0.9", "--source", "label",
                    "--window", "15s", "--interval", "5s", "--min-samples", "20");
            assertThat(onLabels.out()).as("the lie works on label feedback").startsWith("PASS");
            Run onProbe = gate(live.prometheus.url().toString(), "--gate", "accuracy>=0.9", "--source", "probe",
                    "--window", "15s", "--interval", "5s", "--min-samples", "20");
            assertThat(onProbe.code()).isEqualTo(ModelOps.REJECTED);
            assertThat(onProbe.out()).startsWith("FAIL iris: accuracy>=0.9 failed 1 time");
            // And the probe itself needs the token.
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(live.url + "/v1/models/iris/feedback")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"instances\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,"
                            + "\"petal_width\":0.2}],\"labels\":[\"setosa\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aGateResumedFromItsSerializedStateEndsAsTheUninterruptedOne() throws Exception {
        try (LiveModel live = LiveModel.start(good, dir.resolve("state")).probe(Duration.ofMillis(100))
                .predict(Duration.ofMillis(100), Duration.ZERO)) {
            PromQlSource source = new PromQlSource(PrometheusClient.connect(PrometheusConfig.of(live.prometheus.url())));
            GatePolicy policy = GatePolicy.of(List.of(Condition.parse("accuracy>=0.9"),
                    Condition.parse("latencyP99<=1s")), Duration.ofSeconds(20), Duration.ofSeconds(5))
                    .withMinSamples(20);
            Gate.Target target = new Gate.Target("iris", Optional.empty(), Optional.empty());
            List<String> saved = new ArrayList<>();
            double queriesBefore = queries(live);
            Gate.Outcome whole = Gate.run(policy, target, Gate.start(java.time.Instant.now()), source,
                    Gate.REAL_TIME, Progress.silent(), s -> saved.add(write(s)));
            assertThat(whole.verdict()).isEqualTo(Decision.PASS);
            assertThat(queries(live) - queriesBefore).as("one query per signal and measurement: 4 rounds x 2")
                    .isEqualTo(8);
            // Resumed (later) from the state after round 2: the rounds after it are measured at their own times.
            GateState afterTwo = Json.MAPPER.readValue(saved.get(1), GateState.class);
            Gate.Outcome resumed = Gate.run(policy, target, afterTwo, source, Gate.REAL_TIME, Progress.silent(),
                    s -> { });
            assertThat(resumed.verdict()).isEqualTo(whole.verdict());
            assertThat(resumed.state().rounds()).hasSize(4);
            for (int r = 0; r < 4; r++) {
                for (int m = 0; m < 2; m++) {
                    var a = whole.state().rounds().get(r).measurements().get(m);
                    var b = resumed.state().rounds().get(r).measurements().get(m);
                    assertThat(b.at()).isEqualTo(a.at());
                    assertThat(b.decision()).isEqualTo(a.decision());
                    assertThat(b.samples()).isEqualTo(a.samples());
                }
            }
        }
    }

    /** The instant queries Prometheus has answered, from its own /metrics (reading them is no query). */
    private static double queries(LiveModel live) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(live.prometheus.url()
                .resolve("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("prometheus_http_requests_total{")
                        && l.contains("handler=\"/api/v1/query\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String write(GateState state) {
        try {
            return Json.MAPPER.writeValueAsString(state);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
