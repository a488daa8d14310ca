package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.monitor.scrape.PromMath.Bucket;
import io.jenkins.plugins.modelops.monitor.scrape.PromMath.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** PromQL's rate, increase and histogram_quantile on samples whose answers are worked out by hand. */
class PromMathTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    private static double increase(long start, long end, Point... points) {
        return PromMath.extrapolatedRate(List.of(points), start, end, false).orElseThrow();
    }

    @Test
    void samplesOnTheRangeEndsGiveTheExactIncreaseAndRate() {
        // 10 s range, samples at 0, 5 and 10 s: nothing to extrapolate.
        assertThat(increase(0, 10_000, new Point(0, 100), new Point(5_000, 130), new Point(10_000, 160)))
                .isEqualTo(60.0);
        assertThat(PromMath.extrapolatedRate(List.of(new Point(0, 100), new Point(10_000, 160)), 0, 10_000, true)
                .orElseThrow()).isEqualTo(6.0);
    }

    @Test
    void extrapolatesToTheRangeEndsWhenTheSamplesAreCloseToThem() {
        // Range 0..10 s, samples at 1..9 s every 2 s (avg 2 s, threshold 2.2 s): 1 s to either end is close, so the
        // 80 counted over 8 s are stretched over 10 s: 100; the rate is 10/s.
        Point[] points = {new Point(1_000, 1000), new Point(3_000, 1020), new Point(5_000, 1040),
            new Point(7_000, 1060), new Point(9_000, 1080)};
        assertThat(increase(0, 10_000, points)).isCloseTo(100.0, within(1e-9));
        assertThat(PromMath.extrapolatedRate(List.of(points), 0, 10_000, true).orElseThrow())
                .isCloseTo(10.0, within(1e-9));
    }

    @Test
    void extrapolatesHalfAnIntervalWhenTheSamplesStopFarFromTheEnd() {
        // Range 0..20 s, samples at 0..8 s every 2 s (a replica gone at 8 s): 12 s to the end is beyond 2.2 s, so only
        // half an interval (1 s) is added: 40 over 8 s becomes 40 * 9 / 8 = 45.
        assertThat(increase(0, 20_000, new Point(0, 0.5), new Point(2_000, 10.5), new Point(4_000, 20.5),
                new Point(6_000, 30.5), new Point(8_000, 40.5))).isCloseTo(45.0, within(1e-9));
    }

    @Test
    void neverExtrapolatesBeforeTheCounterWasZero() {
        // Range 0..10 s, samples at 2 s (value 2) and 10 s (value 18): slope 2/s, zero at 1 s; 2 s to the start is
        // within 1.1 * 8 s but the counter started 1 s before the first sample: 16 * 9 / 8 = 18.
        assertThat(increase(0, 10_000, new Point(2_000, 2), new Point(10_000, 18))).isCloseTo(18.0, within(1e-9));
    }

    @Test
    void aCounterResetCountsOnFromZeroNeverNegative() {
        // A replica restarts between 4 and 6 s: 10, 20, 30, then 5, 15. Increase: 30 - 10 + 5 + 10 = 35 over 0..8 s.
        assertThat(increase(0, 8_000, new Point(0, 10), new Point(2_000, 20), new Point(4_000, 30),
                new Point(6_000, 5), new Point(8_000, 15))).isEqualTo(35.0);
    }

    @Test
    void oneSampleIsNoRate() {
        assertThat(PromMath.extrapolatedRate(List.of(new Point(0, 5)), 0, 10_000, true)).isEmpty();
        assertThat(PromMath.extrapolatedRate(List.of(), 0, 10_000, true)).isEmpty();
    }

    @Test
    void quantileInterpolatesInsideTheBucketOfTheRank() {
        // 100 observations: 50 up to 1 ms, 40 in (1, 2.5] ms, 10 in (2.5, 5] ms, none above.
        List<Bucket> buckets = List.of(new Bucket(0.001, 50), new Bucket(0.0025, 90), new Bucket(0.005, 100),
                new Bucket(INF, 100));
        // p50: rank 50 in the first bucket, interpolated from 0: 0.001 * 50/50.
        assertThat(PromMath.bucketQuantile(0.5, buckets)).isCloseTo(0.001, within(1e-12));
        // p25: rank 25, half way through the first bucket.
        assertThat(PromMath.bucketQuantile(0.25, buckets)).isCloseTo(0.0005, within(1e-12));
        // p70: rank 70, 20 of the second bucket's 40: 0.001 + 0.0015 * 0.5.
        assertThat(PromMath.bucketQuantile(0.7, buckets)).isCloseTo(0.00175, within(1e-12));
        // p99: rank 99, 9 of the third bucket's 10: 0.0025 + 0.0025 * 0.9.
        assertThat(PromMath.bucketQuantile(0.99, buckets)).isCloseTo(0.00475, within(1e-12));
    }

    @Test
    void quantileInTheInfBucketIsTheHighestFiniteBound() {
        // 10 of 100 above 5 ms: p99 falls into +Inf, which has no width to interpolate in.
        List<Bucket> buckets = List.of(new Bucket(0.001, 50), new Bucket(0.005, 90), new Bucket(INF, 100));
        assertThat(PromMath.bucketQuantile(0.99, buckets)).isEqualTo(0.005);
    }

    @Test
    void aLowestBucketAtOrBelowZeroIsNotInterpolated() {
        List<Bucket> buckets = List.of(new Bucket(-1, 10), new Bucket(1, 20), new Bucket(INF, 20));
        assertThat(PromMath.bucketQuantile(0.25, buckets)).isEqualTo(-1.0);
    }

    @Test
    void quantileIsNaNWithoutObservationsOrAnInfBucket() {
        assertThat(PromMath.bucketQuantile(0.5, List.of(new Bucket(0.001, 0), new Bucket(INF, 0)))).isNaN();
        assertThat(PromMath.bucketQuantile(0.5, List.of(new Bucket(0.001, 5), new Bucket(0.01, 9)))).isNaN();
        assertThat(PromMath.bucketQuantile(0.5, List.of(new Bucket(INF, 9)))).isNaN();
    }

    @Test
    void bucketsOfTheSameBoundAreAddedAndCountsKeptMonotonic() {
        // Two replicas' buckets summed by le arrive as one list; a count that dips (a racing scrape) is raised.
        List<Bucket> buckets = List.of(new Bucket(INF, 60), new Bucket(0.001, 20), new Bucket(0.002, 70),
                new Bucket(0.001, 30), new Bucket(INF, 40));
        // Coalesced: 0.001 -> 50, 0.002 -> 70, +Inf -> 100; p50 is rank 50: the top of the first bucket.
        assertThat(PromMath.bucketQuantile(0.5, buckets)).isCloseTo(0.001, within(1e-12));
        List<Bucket> dipping = List.of(new Bucket(0.001, 50), new Bucket(0.002, 48), new Bucket(INF, 100));
        // 0.002 raised to 50: p60 (rank 60) is in +Inf, the highest finite bound.
        assertThat(PromMath.bucketQuantile(0.6, dipping)).isEqualTo(0.002);
    }
}
