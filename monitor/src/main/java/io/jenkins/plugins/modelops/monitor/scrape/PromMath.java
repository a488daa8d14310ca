package io.jenkins.plugins.modelops.monitor.scrape;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * PromQL's arithmetic on scraped samples, as Prometheus 2.42 computes it ({@code extrapolatedRate} in
 * promql/functions.go, {@code bucketQuantile} in promql/quantile.go), so that the embedded gate and a gate on
 * Prometheus measure the same quantity on the same samples.
 */
final class PromMath {

    /** One sample of one series: when it was scraped (epoch milliseconds) and its value. */
    record Point(long millis, double value) {
    }

    /** One classic bucket: its upper bound ({@code le}) and the (rate of the) cumulative count at or below it. */
    record Bucket(double upperBound, double count) {
    }

    private PromMath() {
    }

    /**
     * {@code rate()} ({@code perSecond}) or {@code increase()} of a counter over the range
     * {@code [rangeStart, rangeEnd]} (milliseconds, both ends included as in Prometheus 2.x) from the points inside
     * it, in time order. Empty with fewer than two points, as PromQL drops such a series. A value lower than the one
     * before it is a counter reset (a restarted replica): the count goes on from zero, never negative. The result is
     * extrapolated to the range's ends unless the first or last point is further from them than 1.1 average
     * intervals, and never past the counter's zero point.
     */
    static OptionalDouble extrapolatedRate(List<Point> points, long rangeStart, long rangeEnd, boolean perSecond) {
        if (points.size() < 2) {
            return OptionalDouble.empty();
        }
        Point first = points.get(0);
        Point last = points.get(points.size() - 1);
        double result = last.value() - first.value();
        double previous = 0;
        for (Point p : points) {
            if (p.value() < previous) {
                result += previous;
            }
            previous = p.value();
        }
        double durationToStart = (first.millis() - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - last.millis()) / 1000.0;
        double sampledInterval = (last.millis() - first.millis()) / 1000.0;
        double averageBetweenSamples = sampledInterval / (points.size() - 1);
        if (result > 0 && first.value() >= 0) {
            // A counter is never negative: extrapolate back no further than where it would have been zero.
            double durationToZero = sampledInterval * (first.value() / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double threshold = averageBetweenSamples * 1.1;
        double extrapolateTo = sampledInterval;
        extrapolateTo += durationToStart < threshold ? durationToStart : averageBetweenSamples / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetweenSamples / 2;
        double factor = extrapolateTo / sampledInterval;
        if (perSecond) {
            factor /= (rangeEnd - rangeStart) / 1000.0;
        }
        return OptionalDouble.of(result * factor);
    }

    /**
     * {@code histogram_quantile(q, ...)} over classic buckets: linear interpolation inside the bucket where the rank
     * falls (from 0 for the lowest bucket, unless its bound is at most 0: then that bound); the highest finite bound
     * when the rank falls into the {@code +Inf} bucket; NaN without a {@code +Inf} bucket, with fewer than two
     * buckets or with no observations. Counts that decrease with the bound (scrapes of the buckets racing an
     * observation) are raised to stay monotonic, as Prometheus does.
     */
    static double bucketQuantile(double q, List<Bucket> input) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> sorted = new ArrayList<>(input);
        sorted.sort(Comparator.comparingDouble(Bucket::upperBound));
        if (sorted.isEmpty() || sorted.get(sorted.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        List<Bucket> buckets = coalesce(sorted);
        ensureMonotonic(buckets);
        if (buckets.size() < 2) {
            return Double.NaN;
        }
        double observations = buckets.get(buckets.size() - 1).count();
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (b < buckets.size() - 1 && buckets.get(b).count() < rank) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return buckets.get(buckets.size() - 2).upperBound();
        }
        if (b == 0 && buckets.get(0).upperBound() <= 0) {
            return buckets.get(0).upperBound();
        }
        double bucketStart = 0;
        double bucketEnd = buckets.get(b).upperBound();
        double count = buckets.get(b).count();
        if (b > 0) {
            bucketStart = buckets.get(b - 1).upperBound();
            count -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }

    /** Buckets with the same bound (the same {@code le} from several series) become one, their counts added. */
    private static List<Bucket> coalesce(List<Bucket> sorted) {
        List<Bucket> out = new ArrayList<>();
        for (Bucket bucket : sorted) {
            Bucket last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.upperBound() == bucket.upperBound()) {
                out.set(out.size() - 1, new Bucket(last.upperBound(), last.count() + bucket.count()));
            } else {
                out.add(bucket);
            }
        }
        return out;
    }

    private static void ensureMonotonic(List<Bucket> buckets) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < buckets.size(); i++) {
            double count = buckets.get(i).count();
            if (count > max) {
                max = count;
            } else if (count < max) {
                buckets.set(i, new Bucket(buckets.get(i).upperBound(), max));
            }
        }
    }
}
