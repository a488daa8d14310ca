package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code latency<=baseline} on real servers, read both ways (Prometheus and the embedded scrape): a canary serving
 * the same one-row requests as its stable version passes; a canary whose clients send 2,000-row batches (slower, as
 * batches are) fails on the U test of the two latency histograms.
 */
class LatencyDistributionTest {

    private static final GatePolicy POLICY = GatePolicy.of(List.of(Condition.parse("latency<=baseline")),
            Duration.ofSeconds(8), Duration.ofSeconds(4)).withMinSamples(30);

    @Test
    void aSlowerCanaryFailsAndAnEqualOnePassesOnBothSources() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        AtomicInteger canaryRows = new AtomicInteger(1);
        try (ServedIris stable = ServedIris.start(0, "stable1"); ServedIris canary = ServedIris.start(0, "canary1");
             PrometheusServer prometheus = PrometheusServer.start(List.of("127.0.0.1:" + stable.port(),
                     "127.0.0.1:" + canary.port()));
             ScrapeSource embedded = ScrapeSource.start(ScrapeConfig.of(List.of(stable.url(), canary.url()),
                     Duration.ofSeconds(8)), Progress.silent())) {
            prometheus.awaitReady(Duration.ofSeconds(30));
            SignalSource promql = new PromQlSource(PrometheusClient.connect(PrometheusConfig.of(prometheus.url())));
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
                while (!Thread.currentThread().isInterrupted() && canaryRows.get() > 0) {
                    stable.predict(1);
                    int rows = canaryRows.get();
                    if (rows > 0) {
                        canary.predictBatch(rows);
                    }
                    ServedIris.pause(20);
                }
            }, threads);
            try {
                judge(threads, canaryRows, promql, embedded, new Gate.Target(stable.name(), Optional.of("canary1"),
                        Optional.of("stable1")));
            } finally {
                canaryRows.set(-1); // the traffic stops before its servers do
                traffic.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void judge(ExecutorService threads, AtomicInteger canaryRows, SignalSource promql,
                              SignalSource embedded, Gate.Target target) throws Exception {
        ServedIris.pause(2000); // both scrapers hold the traffic's first seconds
        Instant start = Instant.now();
        CompletableFuture<Gate.Outcome> equalOnPrometheus = gate(threads, target, start, promql);
        CompletableFuture<Gate.Outcome> equalEmbedded = gate(threads, target, start, embedded);
        for (Gate.Outcome equal : List.of(equalOnPrometheus.get(60, TimeUnit.SECONDS),
                equalEmbedded.get(60, TimeUnit.SECONDS))) {
            assertThat(equal.verdict()).as(equal.reason()).isEqualTo(Decision.PASS);
        }

        canaryRows.set(2000);
        ServedIris.pause(1000);
        start = Instant.now();
        CompletableFuture<Gate.Outcome> slowerOnPrometheus = gate(threads, target, start, promql);
        CompletableFuture<Gate.Outcome> slowerEmbedded = gate(threads, target, start, embedded);
        for (Gate.Outcome slower : List.of(slowerOnPrometheus.get(60, TimeUnit.SECONDS),
                slowerEmbedded.get(60, TimeUnit.SECONDS))) {
            assertThat(slower.verdict()).as(slower.reason()).isEqualTo(Decision.FAIL);
            assertThat(slower.reason()).contains("a request of canary1 is slower than one of stable1 in ",
                    "slower beyond chance and by more than a small effect");
            assertThat(slower.state().rounds().get(0).measurements().get(0).query())
                    .contains("modelops_request_duration_seconds_bucket{model=\"iris\",version=\"canary1\"}");
        }
    }

    private static CompletableFuture<Gate.Outcome> gate(ExecutorService threads, Gate.Target target, Instant start,
                                                        SignalSource source) {
        return CompletableFuture.supplyAsync(() -> Gate.run(POLICY, target, Gate.start(start), source,
                Gate.REAL_TIME, Progress.silent(), s -> { }), threads);
    }
}
