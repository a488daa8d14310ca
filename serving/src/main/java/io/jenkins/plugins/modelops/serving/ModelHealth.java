package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.status.ModelStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The server's own verdict on its model, {@code running} or {@code degraded}: degraded while the feedback of the
 * last window (at least a minimum count of it) breaks the bundle's blessing threshold on accuracy (a classifier) or
 * on mae or rmse (a regressor), or while a kernel mismatch happened in the window. A bundle blessed on no such
 * metric is judged on kernel mismatches only. Feedback is kept as per-second sums, so the memory is bounded by
 * the window's seconds, not by the traffic.
 */
final class ModelHealth {

    /** The blessing's requirement the feedback is held to: {@code accuracy >= 0.9}, {@code rmse <= 12.5}. */
    record Threshold(Metric metric, String operator, double value) {

        boolean broken(double observed) {
            return switch (operator) {
                case ">=" -> observed < value;
                case ">" -> observed <= value;
                case "<=" -> observed > value;
                default -> observed >= value;
            };
        }
    }

    /** What the server reports: the status and, when degraded, why. */
    record Verdict(ModelStatus status, String cause) {
    }

    private final Threshold threshold;
    private final long windowMillis;
    private final int minFeedback;
    private final LongSupplier clock;
    /** Per second with feedback: {second, count, sum}; the sum is of correct answers, |error| or error². */
    private final ArrayDeque<double[]> seconds = new ArrayDeque<>();
    private long lastMismatch = Long.MIN_VALUE;

    ModelHealth(Threshold threshold, Duration window, int minFeedback, LongSupplier clock) {
        this.threshold = threshold;
        this.windowMillis = window.toMillis();
        this.minFeedback = minFeedback;
        this.clock = clock;
    }

    /** The health of a bundle's model, held to its blessing's threshold when it has one on feedback's metric. */
    static ModelHealth of(ModelBundle bundle, Duration window, int minFeedback) {
        return new ModelHealth(threshold(bundle.dir()), window, minFeedback, System::currentTimeMillis);
    }

    /** The first passed or failed requirement on accuracy, mae or rmse in {@code blessing.json}, or null. */
    static Threshold threshold(Path bundleDir) {
        Path file = bundleDir.resolve(ModelBundle.BLESSING);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Blessing blessing = Json.MAPPER.readValue(file.toFile(), Blessing.class);
            for (Blessing.Check check : blessing.checks()) {
                Metric metric = Metric.byId(check.metric()).orElse(null);
                if (check.threshold() != null && (metric == Metric.ACCURACY || metric == Metric.MAE
                        || metric == Metric.RMSE)) {
                    return new Threshold(metric, check.operator(), check.threshold());
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    Threshold threshold() {
        return threshold;
    }

    /** A classifier's feedback: right or wrong. */
    synchronized void feedback(boolean correct) {
        add(correct ? 1 : 0);
    }

    /** A regressor's feedback: the prediction's error. */
    synchronized void feedback(double error) {
        add(threshold != null && threshold.metric() == Metric.RMSE ? error * error : Math.abs(error));
    }

    synchronized void kernelMismatch() {
        lastMismatch = clock.getAsLong();
    }

    synchronized Verdict verdict() {
        long now = clock.getAsLong();
        expire(now);
        if (lastMismatch != Long.MIN_VALUE && now - lastMismatch < windowMillis) {
            return new Verdict(ModelStatus.DEGRADED, "the compiled kernel disagreed with Tribuo on a checked row in "
                    + "the last " + seconds(windowMillis) + "; Tribuo predicts now");
        }
        long count = 0;
        double sum = 0;
        for (double[] second : seconds) {
            count += (long) second[1];
            sum += second[2];
        }
        if (threshold == null || count < minFeedback) {
            return new Verdict(ModelStatus.RUNNING, null);
        }
        double observed = threshold.metric() == Metric.RMSE ? Math.sqrt(sum / count) : sum / count;
        if (!threshold.broken(observed)) {
            return new Verdict(ModelStatus.RUNNING, null);
        }
        return new Verdict(ModelStatus.DEGRADED, threshold.metric().id() + " " + Numbers.fixed(observed, 4) + " on "
                + count + " feedback in the last " + seconds(windowMillis) + " breaks the blessing's "
                + threshold.metric().id() + " " + threshold.operator() + " " + Numbers.fixed(threshold.value(), 4));
    }

    private void add(double value) {
        long now = clock.getAsLong();
        expire(now);
        double second = Math.floorDiv(now, 1000);
        double[] last = seconds.peekLast();
        if (last != null && last[0] == second) {
            last[1]++;
            last[2] += value;
        } else {
            seconds.addLast(new double[] {second, 1, value});
        }
    }

    /** Drops the seconds that ended before the window began. */
    private void expire(long now) {
        while (!seconds.isEmpty() && (seconds.peekFirst()[0] + 1) * 1000 <= now - windowMillis) {
            seconds.removeFirst();
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : Numbers.format(millis / 1000.0) + "s";
    }
}
