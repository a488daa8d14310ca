package io.jenkins.plugins.modelops.serving;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * One batch's predictions, stored by column: a class index and a row of scores per prediction (classification), or a
 * value (regression). Kernels fill the arrays directly and the binary tensor output copies them in bulk, so a batch
 * of thousands costs no object per row; as a {@code List<Result>} it makes each {@link Predictor.Result} on demand.
 */
public final class Predictions extends AbstractList<Predictor.Result> implements RandomAccess {

    private final List<String> classes;
    private final int size;
    private final int[] labels;
    private final double[] scores;
    private final double[] values;

    private Predictions(List<String> classes, int size) {
        this.classes = classes;
        this.size = size;
        boolean classification = !classes.isEmpty();
        this.labels = classification ? new int[size] : null;
        this.scores = classification ? new double[size * classes.size()] : null;
        this.values = classification ? null : new double[size];
    }

    /** Empty predictions to fill: classification if {@code classes} is not empty, else regression. */
    static Predictions of(List<String> classes, int size) {
        return new Predictions(classes, size);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Predictor.Result get(int i) {
        if (labels == null) {
            return new Predictor.Result(null, null, values[i]);
        }
        int width = classes.size();
        return new Predictor.Result(label(i), Arrays.copyOfRange(scores, i * width, (i + 1) * width), Double.NaN);
    }

    public String label(int i) {
        return classes.get(labels[i]);
    }

    /** Prediction {@code i}'s class as an index into the classes. */
    public int labelIndex(int i) {
        return labels[i];
    }

    public double score(int i, int c) {
        return scores[i * classes.size() + c];
    }

    public double value(int i) {
        return values[i];
    }

    /** Every score, row after row (the v2 [N, classes] tensor); not a copy. */
    double[] scores() {
        return scores;
    }

    /** Every value (regression); not a copy. */
    double[] values() {
        return values;
    }

    void set(int i, int label, double[] rowScores) {
        labels[i] = label;
        System.arraycopy(rowScores, 0, scores, i * classes.size(), classes.size());
    }

    void set(int i, double value) {
        values[i] = value;
    }
}
