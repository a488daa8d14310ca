package io.jenkins.plugins.modelops.serving;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Refuses predictions that are not finite numbers: an input so large that the model's arithmetic overflowed (a row of
 * 1e308) would otherwise answer 200 with NaN scores. The 400 names the row and the feature that overflowed, in strict
 * and non-strict mode alike.
 */
final class OutputCheck {

    private OutputCheck() {
    }

    /** Throws a 400 for the first row whose output is not finite; {@code where} names row {@code i} in the request. */
    static void finite(Predictor predictor, List<double[]> rows, Predictions results, IntFunction<String> where) {
        double[] outputs = predictor.classification() ? results.scores() : results.values();
        int width = predictor.classification() ? predictor.classes().size() : 1;
        for (int k = 0; k < outputs.length; k++) {
            if (!Double.isFinite(outputs[k])) {
                int row = k / width;
                throw Requests.bad(where.apply(row) + ": the model's output is not a finite number (" + outputs[k]
                        + ") because " + predictor.overflowing(rows.get(row)) + " is too large for it; send values of "
                        + "the magnitude the model was trained on");
            }
        }
    }
}
