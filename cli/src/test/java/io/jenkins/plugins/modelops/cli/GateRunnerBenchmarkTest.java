package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateRunner;
import io.jenkins.plugins.modelops.monitor.gate.PromQlSource;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/benchmarks.md "Gates": 100 gates at once from one process on 4 threads, against a real Prometheus scraping a
 * real server with probe traffic. Prints the threads used, the verdicts, how late each verdict came after its window
 * and the queries Prometheus answered. Run with
 * {@code ./mvnw -B verify -pl cli -am -Dtest=GateRunnerBenchmarkTest -Dgate.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "gate.bench", matches = "true")
class GateRunnerBenchmarkTest {

    private static final int GATES = 100;
    private static final int THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void hundredGatesOnFourThreads() throws Exception {
        Path bundle = dir.resolve("iris");
        assertThat(ModelOps.run(new String[] {"train", "--data", LiveModel.iris().toString(), "--label", "species",
                "--out", bundle.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
                .isZero();
        try (LiveModel live = LiveModel.start(bundle, dir.resolve("state")).probe(Duration.ofMillis(100))
                .predict(Duration.ofMillis(100), Duration.ZERO);
             GateRunner runner = new GateRunner(THREADS)) {
            Thread.sleep(8_000); // the first scrapes
            PromQlSource source = new PromQlSource(PrometheusClient.connect(PrometheusConfig.of(
                    live.prometheus.url())));
            GatePolicy policy = GatePolicy.of(List.of(Condition.parse("accuracy>=0.9"),
                    Condition.parse("latencyP99<=1s"), Condition.parse("errorRate<=5%")), Duration.ofSeconds(20),
                    Duration.ofSeconds(5)).withMinSamples(20);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int threadsBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();
            Instant start = Instant.now();
            List<CompletableFuture<Instant>> done = new ArrayList<>();
            List<CompletableFuture<Gate.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < GATES; i++) {
                CompletableFuture<Gate.Outcome> outcome = runner.submit(policy, new Gate.Target("iris",
                        Optional.empty(), Optional.empty()), Gate.start(start), source, Progress.silent(), s -> { });
                outcomes.add(outcome);
                done.add(outcome.thenApply(o -> Instant.now()));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
            long pass = outcomes.stream().filter(o -> o.join().verdict() == Decision.PASS).count();
            long latestMillis = done.stream().mapToLong(f -> Duration.between(start.plus(policy.window()), f.join())
                    .toMillis()).max().orElseThrow();
            System.out.printf("gates %d, threads %d, verdicts PASS %d of %d, thread count before %d, peak %d, "
                            + "latest verdict %d ms after its window (interval %d ms)%n", GATES, THREADS, pass, GATES,
                    threadsBefore, threads.getPeakThreadCount(), latestMillis, policy.interval().toMillis());
            assertThat(pass).isEqualTo(GATES);
        }
    }
}
