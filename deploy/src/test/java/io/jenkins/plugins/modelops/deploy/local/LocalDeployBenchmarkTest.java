package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Outcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Request;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Result;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Strategy;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy --local} start to ready (docs/benchmarks.md), not a test: run with
 * {@code -Dtest=LocalDeployBenchmarkTest -Dlocal.bench=true}. Each run is a first deployment under a new name (the
 * server's JVM start and model load; for docker also the image build with Jib from the offline base tarball, its
 * {@code docker load}, and the container's start), then a rolling update of it, each measured until
 * {@link LocalDeploy#run} returns with the server answering {@code /v2/health/ready}.
 */
@EnabledIfSystemProperty(named = "local.bench", matches = "true")
class LocalDeployBenchmarkTest {

    private static final int WARM_UP = 1;
    private static final int RUNS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path state;

    @Test
    void deployStartToReady() {
        bench("process", null);
        try (TestDocker docker = TestDocker.start()) {
            bench("docker", new LocalDeploy.Docker("tar://" + TestBaseImage.tarball(), docker.host()));
        }
    }

    private void bench(String runtime, LocalDeploy.Docker docker) {
        List<String> names = new ArrayList<>();
        report(runtime, "first deploy", measure(i -> {
            String name = runtime + "-" + i;
            names.add(name);
            return LocalDeploy.run(new Request(TestBundles.iris(), name, 0, state, Strategy.ROLLING, TIMEOUT)
                    .withDocker(docker), Progress.silent());
        }));
        report(runtime, "rolling update to a new model", measure(i -> LocalDeploy.run(new Request(
                i % 2 == 0 ? TestBundles.irisRetrained() : TestBundles.iris(), names.get(i), 0, state,
                Strategy.ROLLING, TIMEOUT), Progress.silent())));
        names.forEach(name -> LocalDeploy.undeploy(state, name, Progress.silent()));
    }

    private static List<Double> measure(IntFunction<Outcome> deploy) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < WARM_UP + RUNS; i++) {
            long start = System.nanoTime();
            Outcome outcome = deploy.apply(i);
            double took = (System.nanoTime() - start) / 1e6;
            assertThat(outcome.result()).as(outcome.reason()).isEqualTo(Result.ROLLED_OUT);
            if (i >= WARM_UP) {
                ms.add(took);
            }
        }
        ms.sort(Double::compare);
        return ms;
    }

    private static void report(String runtime, String what, List<Double> ms) {
        System.out.printf(Locale.ROOT, "LOCAL-BENCH %s, %s: n=%d min %.0f ms, median %.0f ms, max %.0f ms%n",
                runtime, what, ms.size(), ms.get(0), ms.get(ms.size() / 2), ms.get(ms.size() - 1));
    }
}
