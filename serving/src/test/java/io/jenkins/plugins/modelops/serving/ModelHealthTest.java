package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.status.ModelStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The window, the minimum and the thresholds of {@link ModelHealth}, on a clock the test moves. */
class ModelHealthTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private ModelHealth health(Metric metric, String operator, double threshold) {
        return new ModelHealth(new ModelHealth.Threshold(metric, operator, threshold), Duration.ofSeconds(60), 4,
                now::get);
    }

    @Test
    void accuracyBelowTheThresholdDegradesOnlyWithTheMinimumAndRecoversWhenTheWindowPasses() {
        ModelHealth health = health(Metric.ACCURACY, ">=", 0.9);
        for (int i = 0; i < 3; i++) {
            health.feedback(false);
        }
        assertThat(health.verdict().status()).isEqualTo(ModelStatus.RUNNING);
        health.feedback(false);
        assertThat(health.verdict()).isEqualTo(new ModelHealth.Verdict(ModelStatus.DEGRADED, "accuracy 0.0000 on 4 "
                + "feedback in the last 60s breaks the blessing's accuracy >= 0.9000"));
        now.addAndGet(59_000);
        assertThat(health.verdict().status()).isEqualTo(ModelStatus.DEGRADED);
        now.addAndGet(2_000);
        assertThat(health.verdict()).isEqualTo(new ModelHealth.Verdict(ModelStatus.RUNNING, null));
    }

    @Test
    void rmseAndMaeAreHeldToTheirThresholds() {
        ModelHealth rmse = health(Metric.RMSE, "<=", 2);
        ModelHealth mae = health(Metric.MAE, "<=", 2);
        for (double error : new double[] {0, 0, 0, 4}) {
            rmse.feedback(error);
            mae.feedback(-error);
        }
        assertThat(rmse.verdict().status()).isEqualTo(ModelStatus.RUNNING); // sqrt(16 / 4) = 2
        assertThat(mae.verdict().status()).isEqualTo(ModelStatus.RUNNING); // 1
        rmse.feedback(5);
        assertThat(rmse.verdict().status()).isEqualTo(ModelStatus.DEGRADED); // sqrt(41 / 5) = 2.86
    }

    @Test
    void aKernelMismatchDegradesForOneWindowWithoutAnyThreshold() {
        ModelHealth health = new ModelHealth(null, Duration.ofSeconds(60), 4, now::get);
        health.kernelMismatch();
        assertThat(health.verdict().status()).isEqualTo(ModelStatus.DEGRADED);
        assertThat(health.verdict().cause()).contains("kernel disagreed");
        now.addAndGet(60_000);
        assertThat(health.verdict().status()).isEqualTo(ModelStatus.RUNNING);
    }
}
