package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.Measurement;
import io.jenkins.plugins.modelops.monitor.gate.PromQlSource;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One scenario judged both ways: a real model server under steady traffic (95% of the labelled rows right, 1 request
 * in 16 refused) scraped by a real Prometheus every second and by the embedded scrape every second; the same gates
 * run side by side on {@link PromQlSource} and {@link ScrapeSource}, at the same due times. A gate the model meets
 * passes both ways, one it cannot meet fails both ways, and the values agree closely: they are the same PromQL on
 * the same counters, sampled by two scrapers at different instants of each second, so a window's edges cut the
 * traffic a little differently.
 */
class ScrapeEquivalenceTest {

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private static GatePolicy policy(String... conditions) {
        return GatePolicy.of(List.of(conditions).stream().map(Condition::parse).toList(), WINDOW, INTERVAL)
                .withMinSamples(30);
    }

    @Test
    void aGateOnPrometheusAndTheSameGateOnTheEmbeddedScrapeReachTheSameVerdict() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(5);
        AtomicBoolean running = new AtomicBoolean(true);
        try (ServedIris iris = ServedIris.start();
             PrometheusServer prometheus = PrometheusServer.start(List.of("127.0.0.1:" + iris.port()))) {
            prometheus.awaitReady(Duration.ofSeconds(30));
            PrometheusClient client = PrometheusClient.connect(PrometheusConfig.of(prometheus.url()));
            awaitTargetUp(client);
            // Every series exists and the JIT is warm before the window opens.
            iris.predict(20);
            iris.bad(1);
            iris.evaluate(19, 1);
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
                for (int i = 0; running.get(); i++) {
                    iris.predict(1);
                    if (i % 2 == 0) {
                        iris.evaluate(19, 1);
                    }
                    if (i % 10 == 0) {
                        iris.bad(1);
                    }
                    ServedIris.pause(50);
                }
            }, threads);
            try (ScrapeSource embedded = ScrapeSource.start(ScrapeConfig.of(List.of(iris.url()), WINDOW),
                    Progress.silent())) {
                SignalSource promql = new PromQlSource(client);
                ServedIris.pause(3000); // both scrapers hold a few seconds of traffic before the window opens
                Gate.Target target = new Gate.Target(iris.name(), Optional.of(iris.version()), Optional.empty());
                GatePolicy good = policy("accuracy>=0.9", "latencyP99<=250ms", "errorRate<=15%");
                GatePolicy unmet = policy("accuracy>=0.99");
                Instant start = Instant.now();
                List<CompletableFuture<Gate.Outcome>> outcomes = List.of(
                        run(threads, good, target, start, promql), run(threads, good, target, start, embedded),
                        run(threads, unmet, target, start, promql), run(threads, unmet, target, start, embedded));
                Gate.Outcome goodOnPrometheus = outcomes.get(0).get(60, TimeUnit.SECONDS);
                Gate.Outcome goodEmbedded = outcomes.get(1).get(60, TimeUnit.SECONDS);
                Gate.Outcome unmetOnPrometheus = outcomes.get(2).get(60, TimeUnit.SECONDS);
                Gate.Outcome unmetEmbedded = outcomes.get(3).get(60, TimeUnit.SECONDS);

                assertThat(goodOnPrometheus.verdict()).as(goodOnPrometheus.reason()).isEqualTo(Decision.PASS);
                assertThat(goodEmbedded.verdict()).as(goodEmbedded.reason()).isEqualTo(Decision.PASS);
                assertThat(unmetOnPrometheus.verdict()).as(unmetOnPrometheus.reason()).isEqualTo(Decision.FAIL);
                assertThat(unmetEmbedded.verdict()).as(unmetEmbedded.reason()).isEqualTo(Decision.FAIL);
                assertThat(goodEmbedded.state().rounds()).hasSameSizeAs(goodOnPrometheus.state().rounds());
                compare(goodOnPrometheus.state(), goodEmbedded.state());
                compare(unmetOnPrometheus.state(), unmetEmbedded.state());
            }
        } finally {
            running.set(false);
            threads.shutdown();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Round by round, condition by condition, the same decision and close values: accuracy within 0.02 (a window
     * holds about 1,000 labelled rows), the error ratio within 0.03 (about 10 refusals a window: one more or less at
     * an edge moves it by 0.01), samples within 15%, and p99 latency, once at least 5 requests lie above it (the
     * last rounds), within 25% or in the same bucket of the servers' histogram (a quantile interpolated in the
     * sparse top of a histogram moves with a handful of slow requests: 1.27ms against 1.6ms in one run, both inside
     * (1ms, 2.5ms]). Observed: the same accuracy to 1e-15, p99 and samples within 1%, the error ratio within 0.01
     * in the first round and 0.0003 after.
     */
    private static void compare(GateState onPrometheus, GateState embedded) {
        for (int r = 0; r < onPrometheus.rounds().size(); r++) {
            List<Measurement> expected = onPrometheus.rounds().get(r).measurements();
            List<Measurement> actual = embedded.rounds().get(r).measurements();
            for (int c = 0; c < expected.size(); c++) {
                Measurement p = expected.get(c);
                Measurement e = actual.get(c);
                String what = "round " + (r + 1) + " " + p.condition() + ": Prometheus " + p.value() + " ("
                        + p.samples() + " samples), embedded " + e.value() + " (" + e.samples() + ")";
                assertThat(e.at()).isEqualTo(p.at());
                assertThat(e.decision()).as(what).isEqualTo(p.decision());
                assertThat((double) e.samples()).as(what).isCloseTo(p.samples(), within(0.15 * p.samples() + 2));
                switch (p.signal()) {
                    case "accuracy" -> assertThat(e.value()).as(what).isCloseTo(p.value(), within(0.02));
                    case "errorRate" -> assertThat(e.value()).as(what).isCloseTo(p.value(), within(0.03));
                    // The quantile's bucket is what the histogram knows; inside it histogram_quantile interpolates
                    // by rank, and on ~150 requests one slow request more or less moves a p99 across the bucket.
                    default -> {
                        // A tail quantile on a handful of requests above it is those requests: two scrapers whose
                        // windows start a scrape phase apart may hold different ones (observed: p99 2.97ms against
                        // 0.98ms on 148 requests in a 5 s first round). Compared once at least 5 lie above it.
                        if (p.samples() * (1 - quantile(p.signal())) >= 5) {
                            assertThat(e.value()).as(what).satisfiesAnyOf(
                                    v -> assertThat(bucket(v)).isEqualTo(bucket(p.value())),
                                    v -> assertThat(v).isCloseTo(p.value(), within(0.25 * p.value())));
                        }
                    }
                }
            }
        }
    }

    /** The servers' latency bucket bounds (ServingMetrics.LATENCY_BUCKETS, the histogram's {@code le}). */
    private static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static double quantile(String signal) {
        return switch (signal) {
            case "latencyP50" -> 0.5;
            case "latencyP95" -> 0.95;
            default -> 0.99;
        };
    }

    private static int bucket(double seconds) {
        int i = 0;
        while (i < LATENCY_BOUNDS.length && seconds > LATENCY_BOUNDS[i]) {
            i++;
        }
        return i;
    }

    private static CompletableFuture<Gate.Outcome> run(ExecutorService threads, GatePolicy policy,
                                                        Gate.Target target, Instant start, SignalSource source) {
        return CompletableFuture.supplyAsync(() -> Gate.run(policy, target, Gate.start(start), source,
                Gate.REAL_TIME, Progress.silent(), s -> { }), threads);
    }

    private static void awaitTargetUp(PrometheusClient client) {
        for (int i = 0; i < 100; i++) {
            if (client.query("up{job=\"modelops\"} == 1", Instant.now()).size() == 1) {
                return;
            }
            ServedIris.pause(200);
        }
        throw new AssertionError("Prometheus never scraped the model server");
    }
}
