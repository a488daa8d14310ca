package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.metrics.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Test-set metrics from true and predicted values, in the shape of {@code metrics.json}. Computed here rather than by
 * Tribuo's evaluators so that averages follow scikit-learn's definitions: macro averages run over the classes present
 * in the test labels or the predictions, and a metric that is undefined on the test rows is left out.
 */
final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param truth the test rows' classes
     * @param predicted the predicted classes, row by row
     * @param positiveScores each row's score for {@code classes.get(1)}, for ROC AUC of a binary task; else null
     * @param classes the training classes, sorted
     */
    static Metrics classification(String[] truth, String[] predicted, double[] positiveScores, List<String> classes) {
        int n = truth.length;
        TreeSet<String> all = new TreeSet<>(classes);
        all.addAll(Arrays.asList(truth));
        all.addAll(Arrays.asList(predicted));
        List<String> labels = List.copyOf(all);
        Map<String, Integer> index = new LinkedHashMap<>();
        labels.forEach(l -> index.put(l, index.size()));
        long[][] confusion = new long[labels.size()][labels.size()];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            confusion[index.get(truth[i])][index.get(predicted[i])]++;
            correct += truth[i].equals(predicted[i]) ? 1 : 0;
        }
        // scikit-learn's labels=None: the classes that occur in the test labels or in the predictions.
        TreeSet<String> occurring = new TreeSet<>(Arrays.asList(truth));
        occurring.addAll(Arrays.asList(predicted));

        Map<String, Object> perClass = new LinkedHashMap<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        double weightedF1 = 0;
        for (String label : labels) {
            int k = index.get(label);
            long tp = confusion[k][k];
            long support = 0;
            long predictedAs = 0;
            for (int j = 0; j < labels.size(); j++) {
                support += confusion[k][j];
                predictedAs += confusion[j][k];
            }
            // zero_division=0, as scikit-learn reports it by default
            double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (occurring.contains(label)) {
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
            }
            weightedF1 += support * f1;
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("precision", precision);
            figures.put("recall", recall);
            figures.put("f1", f1);
            figures.put("support", support);
            perClass.put(label, figures);
        }
        double accuracy = (double) correct / n;
        Metrics.Builder metrics = Metrics.builder()
                .put(Metric.ACCURACY, accuracy)
                .put(Metric.F1_MACRO, f1Sum / occurring.size())
                .put(Metric.F1_WEIGHTED, weightedF1 / n)
                .put(Metric.PRECISION_MACRO, precisionSum / occurring.size())
                .put(Metric.RECALL_MACRO, recallSum / occurring.size());
        if (positiveScores != null && classes.size() == 2) {
            double auc = rocAuc(positiveScores, truth, classes.get(1));
            if (Double.isFinite(auc)) { // undefined when the test rows hold a single class: left out, not "NaN"
                metrics.put(Metric.ROC_AUC, auc).put("positive_class", classes.get(1));
            }
        }
        metrics.put("accuracy_ci95", wilson(accuracy, n));
        metrics.put("per_class", perClass);
        List<List<Long>> matrix = new ArrayList<>();
        for (long[] row : confusion) {
            matrix.add(Arrays.stream(row).boxed().toList());
        }
        metrics.put("confusion_matrix", Map.of("labels", labels, "rows", "true class", "columns", "predicted class",
                "counts", matrix));
        metrics.put("test_rows", n);
        return metrics.build();
    }

    static Metrics regression(double[] truth, double[] predicted) {
        int n = truth.length;
        double mean = Arrays.stream(truth).average().orElse(Double.NaN);
        double squares = 0;
        double absolute = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double error = predicted[i] - truth[i];
            squares += error * error;
            absolute += Math.abs(error);
            total += (truth[i] - mean) * (truth[i] - mean);
        }
        Metrics.Builder metrics = Metrics.builder()
                .put(Metric.RMSE, Math.sqrt(squares / n))
                .put(Metric.MAE, absolute / n);
        if (total > 0) { // with a constant test label there is no variance to explain: R² is undefined, left out
            metrics.put(Metric.R2, 1 - squares / total);
        }
        return metrics.put("test_rows", n).build();
    }

    /** ROC AUC as the Mann-Whitney statistic over the positive class's score; ties count half. NaN if undefined. */
    static double rocAuc(double[] scores, String[] truth, String positive) {
        int n = scores.length;
        for (double s : scores) {
            if (Double.isNaN(s)) { // a diverged model: no ranking to measure
                return Double.NaN;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + 1 + j) / 2.0; // average rank of the tie group, 1-based
            for (int k = i; k < j; k++) {
                if (truth[order[k]].equals(positive)) {
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
}
