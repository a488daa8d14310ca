package io.jenkins.plugins.modelops.monitor.gate;

import org.apache.commons.math3.special.Erf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Mann-Whitney U test of a canary's request latencies against the baseline's (Kayenta's judge), one-sided: are
 * the canary's latencies stochastically greater? Computed from the two histograms' bucket counts, not from raw
 * latencies (which no server keeps): requests in the same bucket are ties, ranked at their midpoint as a rank test
 * ranks equal values, with the tie correction of the variance and the normal approximation (fine from a few dozen
 * requests a side; the gate asks for its minimum samples on both).
 *
 * @param u pairs (canary request, baseline request) in which the canary's was slower, ties counted half
 * @param slower {@code u / (canary * baseline)}: the chance that a canary request is slower than a baseline one
 *               (0.5: no difference; Vargha and Delaney's A)
 * @param pValue the one-sided p-value of "the canary is no slower"
 * @param canary requests of the canary in the window (from {@code increase()}, so not always whole)
 * @param baseline requests of the baseline
 */
public record MannWhitney(double u, double slower, double z, double pValue, double canary, double baseline) {

    /**
     * @param canary, baseline cumulative request counts by bucket upper bound ({@code le}, seconds, +Inf last), as
     *                {@code sum by (le) (increase(..._bucket[w]))} answers
     */
    public static MannWhitney test(SortedMap<Double, Double> canary, SortedMap<Double, Double> baseline) {
        TreeSet<Double> union = new TreeSet<>(canary.keySet());
        union.addAll(baseline.keySet());
        List<Double> bounds = new ArrayList<>(union);
        double[] c = counts(canary, bounds);
        double[] b = counts(baseline, bounds);
        double n1 = sum(c);
        double n2 = sum(b);
        double u = 0;
        double below = 0;
        double ties = 0;
        for (int i = 0; i < bounds.size(); i++) {
            u += c[i] * (below + b[i] / 2);
            below += b[i];
            double t = c[i] + b[i];
            ties += t * t * t - t;
        }
        double n = n1 + n2;
        if (n1 <= 0 || n2 <= 0) {
            return new MannWhitney(u, Double.NaN, Double.NaN, Double.NaN, n1, n2);
        }
        double variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
        double mean = n1 * n2 / 2;
        // Every request in one bucket: nothing tells them apart, so nothing says the canary is slower.
        double z = variance <= 0 ? 0 : (u - mean - 0.5) / Math.sqrt(variance);
        double p = variance <= 0 ? 1 : 0.5 * Erf.erfc(z / Math.sqrt(2));
        return new MannWhitney(u, u / (n1 * n2), z, p, n1, n2);
    }

    /** Per-bucket counts on {@code bounds} from a cumulative histogram (a missing bound holds the count below it). */
    private static double[] counts(SortedMap<Double, Double> cumulative, List<Double> bounds) {
        TreeMap<Double, Double> steps = new TreeMap<>(cumulative);
        double[] counts = new double[bounds.size()];
        double previous = 0;
        for (int i = 0; i < bounds.size(); i++) {
            Map.Entry<Double, Double> upTo = steps.floorEntry(bounds.get(i));
            double at = upTo == null ? 0 : upTo.getValue();
            // increase() extrapolates each bucket alone: a count may dip below the one before; clamp as
            // histogram_quantile does.
            counts[i] = Math.max(0, at - previous);
            previous = Math.max(previous, at);
        }
        return counts;
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        return total;
    }
}
