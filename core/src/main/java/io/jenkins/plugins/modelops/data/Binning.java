package io.jenkins.plugins.modelops.data;

import java.util.Arrays;

/**
 * Quantile binning of a continuous feature, as histogram-based boosters do. Tribuo's CART considers every distinct
 * value as a split point, which makes trees on continuous data slow (regression trees super-linearly); with at most
 * {@code bins} distinct values per feature the split search is bounded.
 */
public final class Binning {

    private Binning() {
    }

    /**
     * Cut points for sorted values: at most {@code bins - 1} distinct values at the quantiles. Returns null when the
     * feature has no more than {@code bins} distinct values already (binning would change nothing).
     */
    static double[] cutPoints(double[] sorted, int bins) {
        int distinct = 1;
        for (int i = 1; i < sorted.length && distinct <= bins; i++) {
            distinct += sorted[i] != sorted[i - 1] ? 1 : 0;
        }
        if (distinct <= bins) {
            return null;
        }
        double[] cuts = new double[bins - 1];
        int n = 0;
        for (int b = 1; b < bins; b++) {
            double cut = sorted[(int) ((long) b * (sorted.length - 1) / bins)];
            if (n == 0 || cut > cuts[n - 1]) {
                cuts[n++] = cut;
            }
        }
        return Arrays.copyOf(cuts, n);
    }

    /** The bin of a value: how many cut points are strictly below it. */
    static int bin(double[] cuts, double value) {
        int i = Arrays.binarySearch(cuts, value);
        return i >= 0 ? i : -(i + 1);
    }
}
