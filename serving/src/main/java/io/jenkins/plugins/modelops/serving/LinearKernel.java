package io.jenkins.plugins.modelops.serving;

import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

import java.util.ArrayList;
import java.util.List;

/**
 * Tribuo's SGD linear models (logistic, sgd) evaluated from their weight matrix. Tribuo builds a vector, a matrix
 * product, a label object and a score map per row (about 0.15 us for Iris); this does the same arithmetic in the same
 * order (features by id, bias last, then the softmax of Tribuo's ExpNormalizer) on flat arrays. {@link Predictor} checks it against Tribuo
 * on probe rows before using it.
 */
final class LinearKernel implements Predictor.Kernel {

    private final double[][] weights; // [output id][feature id], the bias in the last column
    private final boolean softmax;
    private final List<String> classes; // empty for regression
    private final int[] position; // classification: output id -> index in classes; null for regression

    private LinearKernel(double[][] weights, boolean softmax, List<String> classes, int[] position) {
        this.weights = weights;
        this.softmax = softmax;
        this.classes = classes;
        this.position = position;
    }

    /** The kernel for a linear SGD model, or null for any other model. */
    static LinearKernel of(Model<?> model, List<String> classes) {
        if (!(model instanceof AbstractLinearSGDModel<?> linear)) {
            return null;
        }
        DenseMatrix matrix = linear.getWeightsCopy();
        int width = model.getFeatureIDMap().size() + 1;
        if (matrix.getDimension2Size() != width) {
            return null; // no bias column: not the layout this kernel computes
        }
        double[][] weights = new double[matrix.getDimension1Size()][width];
        for (int o = 0; o < weights.length; o++) {
            for (int f = 0; f < width; f++) {
                weights[o][f] = matrix.get(o, f);
            }
        }
        if (classes.isEmpty()) {
            return weights.length == 1 ? new LinearKernel(weights, false, classes, null) : null;
        }
        @SuppressWarnings("unchecked")
        ImmutableOutputInfo<Label> outputs = (ImmutableOutputInfo<Label>) model.getOutputIDInfo();
        int[] position = new int[weights.length];
        for (int o = 0; o < weights.length; o++) {
            position[o] = classes.indexOf(outputs.getOutput(o).getLabel());
            if (position[o] < 0) {
                return null;
            }
        }
        // Tribuo's logistic models normalize with a softmax and say they generate probabilities; hinge ones do neither.
        return new LinearKernel(weights, model.generatesProbabilities(), classes, position);
    }

    @Override
    public Predictions predict(List<double[]> rows) {
        double[] z = new double[weights.length];
        double[] scores = new double[weights.length];
        Predictions results = Predictions.of(classes, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            double[] x = rows.get(i);
            int bias = x.length;
            for (int o = 0; o < weights.length; o++) {
                double[] w = weights[o];
                double sum = 0;
                for (int f = 0; f < bias; f++) {
                    double v = x[f];
                    if (v == v) { // an absent feature (NaN) adds nothing, as in Tribuo's sparse product
                        sum += w[f] * v;
                    }
                }
                z[o] = sum + w[bias];
            }
            if (position == null) {
                results.set(i, z[0]);
            } else {
                results.set(i, label(z, scores), scores);
            }
        }
        return results;
    }

    /** Normalizes {@code z} as Tribuo does, puts the scores in class order; returns the class index of the label. */
    private int label(double[] z, double[] scores) {
        if (softmax) {
            // As Tribuo's ExpNormalizer: shift by the max, exponentiate, divide by the sum.
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int o = 0; o < z.length; o++) {
                z[o] = Math.exp(z[o] - max);
                sum += z[o];
            }
            for (int o = 0; o < z.length; o++) {
                z[o] /= sum;
            }
        }
        int best = 0;
        for (int o = 0; o < z.length; o++) {
            scores[position[o]] = z[o];
            if (z[o] > z[best]) { // the first maximum in output-id order, as Tribuo picks it
                best = o;
            }
        }
        return position[best];
    }
}
