package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.SteadyTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Snapshots of a real iris server under traffic of known proportions, read the embedded way (its /metrics) and from
 * a real Prometheus scraping it: the same models, cards and problems either way.
 */
class HealthReaderTest {

    private static final Duration RATE_WINDOW = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void theEmbeddedScrapeShowsWhatTheServersMetricsImplyAndSaysWhenTheServerIsGone() throws Exception {
        ModelServers.Running server = ModelServers.start(ModelServers.iris(), null);
        String metrics = server.url().resolve("/metrics").toString();
        try (server; SteadyTraffic traffic = SteadyTraffic.start(server.url(), server.name());
             HealthReader reader = HealthReader.scrape(ScrapeSource.start(ScrapeConfig.of(List.of(server.url()),
                     Duration.ofMinutes(5)), Progress.silent()))) {
            HealthRequest request = HealthRequest.of(RATE_WINDOW, List.of()).withRange("5m")
                    .withBundles(List.of(ModelServers.iris(), dir));
            await(reader, request, s -> value(s, "accuracy") != null && value(s, "errorRate") != null
                    && value(s, "errorRate") > 0 && lastPoint(s, "requestRate") != null);
            HealthSnapshot snapshot = afterAWindow(reader, request);
            assertThat(snapshot.source().kind()).isEqualTo("scrape");
            assertThat(snapshot.problems()).singleElement().asString()
                    .startsWith("bundle " + dir + " cannot be read: ");
            HealthSnapshot.ModelHealth iris = snapshot.models().get(0);
            assertThat(iris.name()).isEqualTo("iris");
            BundleManifest manifest = ModelBundle.open(ModelServers.iris()).manifest();
            assertThat(iris.provenance().modelId()).isEqualTo(manifest.modelId());
            assertThat(iris.provenance().dataHash()).isEqualTo(manifest.data().sha256());
            assertThat(iris.card()).startsWith("# Model card: species (logistic)");
            assertThat(iris.version()).isEqualTo(server.server().modelVersion());
            assertThat(iris.task()).isEqualTo("classification");
            assertThat(iris.provenance().modelId()).isNotBlank();
            assertThat(iris.provenance().algorithm()).isNotBlank();
            // The server's own verdict (modelops_model_status): its checks pass.
            assertThat(iris.status()).isEqualTo(new HealthSnapshot.Status("running", null, true));
            assertThat(iris.cards()).extracting(HealthSnapshot.Card::signal).containsExactly("accuracy", "latencyP50",
                    "latencyP95", "latencyP99", "errorRate", "requestRate", "memory");
            assertThat(value(snapshot, "accuracy")).isCloseTo(SteadyTraffic.ACCURACY, within(0.03));
            assertThat(value(snapshot, "errorRate")).isCloseTo(SteadyTraffic.ERROR_RATE, within(0.03));
            assertThat(value(snapshot, "requestRate")).isPositive();
            assertThat(value(snapshot, "latencyP99")).isBetween(0.0, 1.0);
            assertThat(value(snapshot, "memory")).isGreaterThan(10e6);
            assertThat(iris.cards().get(0).query()).contains("modelops_feedback_total", "computed from the scrapes");
            assertThat(lastPoint(snapshot, "requestRate")).isPositive();
            assertThat(Json.MAPPER.writeValueAsString(snapshot)).doesNotContain("NaN", "Infinity");

            server.close();
            HealthSnapshot gone = await(reader, request, s -> s.problems().size() > 1);
            assertThat(gone.problems()).anySatisfy(p -> assertThat(p).startsWith("server " + metrics + ": "));
        }
    }

    @Test
    void prometheusListsTheModelWithItsFiguresAndSaysWhenATargetOrPrometheusItselfIsDown() throws Exception {
        ModelServers.Running server = ModelServers.start(ModelServers.iris(), null);
        String target = server.target();
        try (server; SteadyTraffic traffic = SteadyTraffic.start(server.url(), server.name());
             PrometheusServer prometheus = PrometheusServer.start(List.of(server.target()))
                     .awaitReady(Duration.ofSeconds(30))) {
            HealthReader reader = HealthReader.prometheus(PrometheusClient.connect(PrometheusConfig.of(
                    prometheus.url()).withTimeout(Duration.ofSeconds(5))));
            HealthRequest request = HealthRequest.of(RATE_WINDOW, List.of());
            await(reader, request, s -> value(s, "accuracy") != null && value(s, "memory") != null
                    && value(s, "errorRate") != null && value(s, "errorRate") > 0);
            HealthSnapshot snapshot = afterAWindow(reader, request);
            assertThat(snapshot.source()).isEqualTo(new HealthSnapshot.Source("prometheus", "Prometheus at "
                    + prometheus.url(), true));
            HealthSnapshot.ModelHealth iris = snapshot.models().get(0);
            assertThat(iris.instances()).containsExactly(target);
            assertThat(value(snapshot, "accuracy")).isCloseTo(SteadyTraffic.ACCURACY, within(0.03));
            assertThat(value(snapshot, "errorRate")).isCloseTo(SteadyTraffic.ERROR_RATE, within(0.03));
            assertThat(value(snapshot, "memory")).isGreaterThan(10e6);
            assertThat(iris.cards().get(0).query()).isEqualTo("sum by (model, version) (rate(modelops_feedback_total"
                    + "{model=\"iris\",version=\"" + iris.version() + "\",outcome=\"correct\"}[5s])) / sum by (model, "
                    + "version) (rate(modelops_feedback_total{model=\"iris\",version=\"" + iris.version()
                    + "\"}[5s]))");
            assertThat(iris.alerts()).isEmpty();

            server.close();
            HealthSnapshot down = await(reader, request, s -> !s.problems().isEmpty());
            assertThat(down.problems()).singleElement().asString()
                    .isEqualTo("scrape target " + target + " (job modelops) is down: Prometheus cannot read "
                            + "its metrics");

            prometheus.close();
            HealthSnapshot unreachable = reader.read(request, Instant.now());
            assertThat(unreachable.source().reachable()).isFalse();
            assertThat(unreachable.models()).isEmpty();
            assertThat(unreachable.problems()).singleElement().asString()
                    .startsWith("Prometheus at " + prometheus.url() + " cannot be read: " + prometheus.url());
        }
    }

    @Test
    void gateStateFilesAreReadAtEveryPollAndOneThatCannotBeReadSaysWhy() throws Exception {
        Path missing = dir.resolve("gate.json");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{not json");
        List<HealthSnapshot.GateTimeline> timelines = GateTimelines.read(List.of(
                new HealthRequest.GateFile("iris", missing), new HealthRequest.GateFile(null, garbage)));
        assertThat(timelines).extracting(HealthSnapshot.GateTimeline::problem).satisfiesExactly(
                p -> assertThat(p).isEqualTo("not written yet (a gate writes its state file after its first round)"),
                p -> assertThat(p).startsWith("cannot be read as a gate state: "));

        Files.writeString(missing, """
                {"startedAt": "2026-12-02T07:00:00Z", "consecutiveErrorRounds": 0, "verdict": "PASS", "reason": "ok",
                 "rounds": [{"index": 1, "at": "2026-12-02T07:00:15Z", "measurements": [{"at": "2026-12-02T07:00:15Z",
                 "condition": "accuracy>=0.9", "signal": "accuracy", "query": "q", "value": 0.95, "threshold": 0.9,
                 "samples": 120, "decision": "PASS", "reason": "0.95 >= 0.9"}]}]}""");
        HealthSnapshot.GateTimeline gate = GateTimelines.read(List.of(new HealthRequest.GateFile("iris", missing)))
                .get(0);
        assertThat(gate.problem()).isNull();
        assertThat(gate.state().rounds().get(0).measurements().get(0).value()).isEqualTo(0.95);
    }

    @Test
    void theRangeIsOneThePageOffers() {
        HealthRequest request = HealthRequest.of(RATE_WINDOW, List.of());
        assertThat(request.withRange("1h").stepSeconds()).isEqualTo(30);
        assertThat(request.withRange("5m").stepSeconds()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> request.withRange("2d"))
                .hasMessage("range '2d' is not one of 5m, 15m, 1h, 6h, 24h");
    }

    private static Double lastPoint(HealthSnapshot snapshot, String signal) {
        List<HealthSnapshot.Point> points = snapshot.models().isEmpty() ? List.of() : snapshot.models().get(0)
                .charts().stream().filter(c -> c.signal().equals(signal)).findFirst().orElseThrow().points();
        return points.isEmpty() ? null : points.get(points.size() - 1).v();
    }

    private static Double value(HealthSnapshot snapshot, String signal) {
        if (snapshot.models().isEmpty()) {
            return null;
        }
        Map<String, Double> cards = snapshot.models().get(0).cards().stream().filter(c -> c.value() != null)
                .collect(Collectors.toMap(HealthSnapshot.Card::signal, HealthSnapshot.Card::value));
        return cards.get(signal);
    }

    /**
     * A reading once every series of the traffic has been scraped over a whole rate window: the error series start
     * later than the others, and a window they cover only in part reads fewer errors than the traffic has.
     */
    private static HealthSnapshot afterAWindow(HealthReader reader, HealthRequest request) throws Exception {
        Thread.sleep(RATE_WINDOW.plusSeconds(2).toMillis());
        return reader.read(request, Instant.now());
    }

    /** Reads until {@code done} holds, or fails with the last snapshot after the deadline. */
    static HealthSnapshot await(HealthReader reader, HealthRequest request, Predicate<HealthSnapshot> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        HealthSnapshot last = null;
        while (System.nanoTime() < deadline) {
            last = reader.read(request, Instant.now());
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not reached within 40 s; last snapshot: " + Json.MAPPER.writeValueAsString(last));
    }
}
