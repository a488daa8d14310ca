package io.jenkins.plugins.modelops.train;

import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.ConfusionMatrix;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.regression.Regressor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test-set metrics from predictions, in the shape of {@code metrics.json}. */
final class Evaluation {

    private Evaluation() {
    }

    static Metrics classification(Model<Label> model, List<Prediction<Label>> predictions, DataProvenance data,
                                  List<String> classes) {
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, predictions, data);
        ConfusionMatrix<Label> confusion = evaluation.getConfusionMatrix();
        Metrics metrics = new Metrics();
        int n = predictions.size();
        double accuracy = evaluation.accuracy();
        metrics.put("accuracy", accuracy);
        metrics.put("f1_macro", evaluation.macroAveragedF1());
        double weighted = 0;
        for (String c : classes) {
            Label label = new Label(c);
            weighted += confusion.support(label) * zeroIfNaN(evaluation.f1(label));
        }
        metrics.put("f1_weighted", weighted / n);
        metrics.put("precision_macro", evaluation.macroAveragedPrecision());
        metrics.put("recall_macro", evaluation.macroAveragedRecall());
        double auc = classes.size() == 2 ? rocAuc(predictions, classes.get(1)) : Double.NaN;
        if (Double.isFinite(auc)) { // undefined when the test rows hold a single class: left out, not "NaN"
            metrics.put("roc_auc", auc);
            metrics.put("positive_class", classes.get(1));
        }
        metrics.put("accuracy_ci95", wilson(accuracy, n));
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (String c : classes) {
            Label label = new Label(c);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("precision", zeroIfNaN(evaluation.precision(label)));
            figures.put("recall", zeroIfNaN(evaluation.recall(label)));
            figures.put("f1", zeroIfNaN(evaluation.f1(label)));
            figures.put("support", (long) confusion.support(label));
            perClass.put(c, figures);
        }
        metrics.put("per_class", perClass);
        List<List<Long>> matrix = new ArrayList<>();
        for (String truth : classes) {
            List<Long> row = new ArrayList<>();
            for (String predicted : classes) {
                row.add((long) confusion.confusion(new Label(predicted), new Label(truth)));
            }
            matrix.add(row);
        }
        metrics.put("confusion_matrix", Map.of("labels", classes, "rows", "true class", "columns", "predicted class",
                "counts", matrix));
        metrics.put("test_rows", n);
        return metrics;
    }

    static Metrics regression(List<Prediction<Regressor>> predictions) {
        int n = predictions.size();
        double[] truth = new double[n];
        double[] predicted = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            Prediction<Regressor> p = predictions.get(i);
            truth[i] = p.getExample().getOutput().getValues()[0];
            predicted[i] = p.getOutput().getValues()[0];
            mean += truth[i];
        }
        mean /= n;
        double squares = 0;
        double absolute = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double error = predicted[i] - truth[i];
            squares += error * error;
            absolute += Math.abs(error);
            total += (truth[i] - mean) * (truth[i] - mean);
        }
        Metrics metrics = new Metrics();
        metrics.put("rmse", Math.sqrt(squares / n));
        metrics.put("mae", absolute / n);
        metrics.put("r2", total == 0 ? 0.0 : 1 - squares / total);
        metrics.put("test_rows", n);
        return metrics;
    }

    /** ROC AUC as the Mann-Whitney statistic over the positive class's score; ties count half. */
    static double rocAuc(List<Prediction<Label>> predictions, String positive) {
        int n = predictions.size();
        double[][] scored = new double[n][2];
        for (int i = 0; i < n; i++) {
            Prediction<Label> p = predictions.get(i);
            Label score = p.getOutputScores().get(positive);
            scored[i][0] = score == null ? Double.NEGATIVE_INFINITY : score.getScore();
            scored[i][1] = p.getExample().getOutput().getLabel().equals(positive) ? 1 : 0;
        }
        Arrays.sort(scored, (a, b) -> Double.compare(a[0], b[0]));
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scored[j][0] == scored[i][0]) {
                j++;
            }
            double rank = (i + 1 + j) / 2.0; // average rank of the tie group, 1-based
            for (int k = i; k < j; k++) {
                if (scored[k][1] == 1) {
                    rankSum += rank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** The 95% Wilson score interval of a proportion: how much a small test set's accuracy can be trusted. */
    static List<Double> wilson(double p, int n) {
        double z = 1.959964;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        return List.of(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    private static double zeroIfNaN(double value) {
        return Double.isNaN(value) ? 0.0 : value;
    }
}
