package io.jenkins.plugins.modelops.metrics;

import io.jenkins.plugins.modelops.data.Task;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The test-set metrics a gate can name, defined once: their names in {@code metrics.json} and requirements, the task
 * they belong to, and which way is better. Which of them exist for a model is {@link #available}'s decision alone.
 */
public enum Metric {
    ACCURACY("accuracy", Task.CLASSIFICATION, true),
    F1_MACRO("f1_macro", Task.CLASSIFICATION, true),
    F1_WEIGHTED("f1_weighted", Task.CLASSIFICATION, true),
    PRECISION_MACRO("precision_macro", Task.CLASSIFICATION, true),
    RECALL_MACRO("recall_macro", Task.CLASSIFICATION, true),
    /** Binary classification only; undefined when the test rows hold a single class. */
    ROC_AUC("roc_auc", Task.CLASSIFICATION, true),
    RMSE("rmse", Task.REGRESSION, false),
    MAE("mae", Task.REGRESSION, false),
    /** Undefined when the test labels are all equal. */
    R2("r2", Task.REGRESSION, true);

    private final String id;
    private final Task task;
    private final boolean higherIsBetter;

    Metric(String id, Task task, boolean higherIsBetter) {
        this.id = id;
        this.task = task;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name in {@code metrics.json}, requirements and gates. */
    public String id() {
        return id;
    }

    public Task task() {
        return task;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metrics a model of this task and number of classes (0 for regression) reports when they are defined. */
    public static Set<Metric> available(Task task, int classes) {
        Set<Metric> metrics = EnumSet.noneOf(Metric.class);
        for (Metric m : values()) {
            if (m.task == task && (m != ROC_AUC || classes == 2)) {
                metrics.add(m);
            }
        }
        return metrics;
    }

    /** The first metric the model has in this order: accuracy, or rmse for a regressor; what a summary shows. */
    public static Optional<Metric> headline(Metrics metrics) {
        return Arrays.stream(values()).filter(metrics::has).findFirst();
    }

    public static Optional<Metric> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }
}
