package io.jenkins.plugins.modelops.deploy.kube;

import io.jenkins.plugins.modelops.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploy start to healthy rollout on the mock (docs/benchmarks.md), not a test: run with
 * {@code -Dtest=KubeRolloutBenchmarkTest -Dkube.bench=true}. The mock's controller writes status on a 50 ms tick and
 * {@link Rollout} reads the Deployment from every {@link Rollout#FIRST_POLL} on, so the figures are mostly those periods plus
 * the API calls; they say what the engine adds, not how fast a real cluster rolls pods.
 */
@EnabledIfSystemProperty(named = "kube.bench", matches = "true")
class KubeRolloutBenchmarkTest {

    private static final int WARM_UP = 5;
    private static final int RUNS = 30;

    @Test
    void deployStartToHealthyRollout() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            Duration timeout = Duration.ofSeconds(30);
            report("first deploy (Secret, Service, Deployment created)", measure(i -> {
                String name = "m" + i;
                KubeOutcome o = KubeDeploy.run(DeploySpec.of("reg.example/iris:1", name, MockCluster.NS)
                        .withTimeout(timeout), cluster.client, Progress.silent());
                assertThat(o.status()).isEqualTo(KubeOutcome.Status.ROLLED_OUT);
                return o;
            }));
            report("update to a new image (rolling)", measure(i -> {
                KubeOutcome o = KubeDeploy.run(DeploySpec.of("reg.example/iris:" + (i + 2), "m0", MockCluster.NS)
                        .withTimeout(timeout), cluster.client, Progress.silent());
                assertThat(o.status()).isEqualTo(KubeOutcome.Status.ROLLED_OUT);
                return o;
            }));
            report("update that hits ProgressDeadlineExceeded, rolled back and healthy again", measure(i -> {
                KubeOutcome o = KubeDeploy.run(DeploySpec.of("reg.example/iris:deadline" + i, "m0", MockCluster.NS)
                        .withTimeout(timeout), cluster.client, Progress.silent());
                assertThat(o.status()).isEqualTo(KubeOutcome.Status.ROLLED_BACK);
                return o;
            }));
        }
    }

    private static List<Double> measure(IntFunction<KubeOutcome> deploy) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < WARM_UP + RUNS; i++) {
            long start = System.nanoTime();
            deploy.apply(i);
            double took = (System.nanoTime() - start) / 1e6;
            if (i >= WARM_UP) {
                ms.add(took);
            }
        }
        ms.sort(Double::compare);
        return ms;
    }

    private static void report(String what, List<Double> ms) {
        System.out.printf(Locale.ROOT, "KUBE-BENCH %s: n=%d min %.0f ms, median %.0f ms, p90 %.0f ms, max %.0f ms%n",
                what, ms.size(), ms.get(0), ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.9)),
                ms.get(ms.size() - 1));
    }
}
