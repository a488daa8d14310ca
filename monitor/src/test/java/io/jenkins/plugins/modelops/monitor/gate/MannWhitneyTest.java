package io.jenkins.plugins.modelops.monitor.gate;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The U test on histograms against two independent implementations on the raw values: SciPy's (ties and
 * continuity corrected, one-sided, as ours) and commons-math's U statistic.
 */
class MannWhitneyTest {

    /** Cumulative counts on the bounds 1, 2, 3 ... ({@code +Inf} last) from per-bucket counts. */
    private static SortedMap<Double, Double> histogram(int... counts) {
        SortedMap<Double, Double> cumulative = new TreeMap<>();
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            total += counts[i];
            cumulative.put(i == counts.length - 1 ? Double.POSITIVE_INFINITY : i + 1.0, total);
        }
        return cumulative;
    }

    /*
     * Expected values from SciPy 1.17.1 on the same data as raw values (bucket index repeated by its count):
     *   scipy.stats.mannwhitneyu(np.repeat(np.arange(6), c), np.repeat(np.arange(6), b), alternative='greater',
     *                            use_continuity=True, method='asymptotic')
     */
    @Test
    void agreesWithSciPyOnTiedData() {
        MannWhitney shifted = MannWhitney.test(histogram(5, 20, 40, 30, 5, 0), histogram(20, 40, 30, 8, 2, 0));
        assertThat(shifted.u()).isEqualTo(7165.0);
        assertThat(shifted.slower()).isCloseTo(0.7165, within(1e-12));
        assertThat(shifted.pValue()).isCloseTo(1.794208286687243e-08, within(1e-12));

        MannWhitney same = MannWhitney.test(histogram(10, 30, 40, 15, 5, 0), histogram(10, 30, 40, 15, 5, 0));
        assertThat(same.u()).isEqualTo(5000.0);
        assertThat(same.pValue()).isCloseTo(0.5005124633729169, within(1e-9));

        MannWhitney faster = MannWhitney.test(histogram(30, 40, 20, 8, 2, 0), histogram(5, 20, 40, 30, 5, 0));
        assertThat(faster.u()).isEqualTo(2410.0);
        assertThat(faster.pValue()).isCloseTo(0.9999999999712802, within(1e-9));
    }

    @Test
    void theStatisticIsCommonsMathsOnRawValuesWhereEveryValueHasItsBucket() {
        Random random = new Random(7);
        double[] canary = random.doubles(300).map(x -> 1.2 * x).toArray();
        double[] baseline = random.doubles(400).toArray();
        SortedMap<Double, Double> c = new TreeMap<>();
        SortedMap<Double, Double> b = new TreeMap<>();
        double[] all = java.util.stream.DoubleStream.concat(Arrays.stream(canary), Arrays.stream(baseline)).sorted()
                .toArray();
        for (double bound : all) { // a bucket per value: no ties, the rank test on raw values
            c.put(bound, (double) Arrays.stream(canary).filter(x -> x <= bound).count());
            b.put(bound, (double) Arrays.stream(baseline).filter(x -> x <= bound).count());
        }
        MannWhitney ours = MannWhitney.test(c, b);
        double commons = new MannWhitneyUTest().mannWhitneyU(canary, baseline); // max(U1, U2)
        assertThat(Math.max(ours.u(), 300.0 * 400 - ours.u())).isEqualTo(commons);
        assertThat(ours.slower()).isGreaterThan(0.5);
    }

    @Test
    void everyRequestInOneBucketSaysNothingAndAnEmptySideHasNoAnswer() {
        MannWhitney oneBucket = MannWhitney.test(histogram(0, 50, 0), histogram(0, 80, 0));
        assertThat(oneBucket.pValue()).isEqualTo(1.0);
        assertThat(oneBucket.slower()).isEqualTo(0.5);
        MannWhitney empty = MannWhitney.test(histogram(0, 0, 0), histogram(10, 5, 0));
        assertThat(empty.slower()).isNaN();
        assertThat(empty.canary()).isZero();
    }

    @Test
    void differentBucketBoundsAreMergedAndDipsFromExtrapolationClamped() {
        SortedMap<Double, Double> canary = new TreeMap<>();
        canary.put(0.1, 10.0);
        canary.put(0.5, 9.7); // increase() extrapolated this bucket a little lower than the one below
        canary.put(Double.POSITIVE_INFINITY, 20.0);
        SortedMap<Double, Double> baseline = new TreeMap<>();
        baseline.put(0.1, 10.0);
        baseline.put(0.25, 15.0);
        baseline.put(Double.POSITIVE_INFINITY, 20.0);
        MannWhitney test = MannWhitney.test(canary, baseline);
        assertThat(test.canary()).isEqualTo(20.0);
        assertThat(test.baseline()).isEqualTo(20.0);
        // bounds 0.1, 0.25, 0.5, +Inf: canary 10, 0, 0, 10; baseline 10, 5, 0, 5
        assertThat(test.u()).isEqualTo(10 * 5 + 10 * (15 + 2.5));
    }
}
