package io.jenkins.plugins.modelops.train;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code metrics.json} holds: the test-set metrics at the top level ({@code accuracy}, {@code f1_macro}, ... or
 * {@code rmse}, {@code mae}, {@code r2}) and details beside them (per-class figures, confusion matrix,
 * cross-validation). Gates read the top-level numbers.
 */
public final class Metrics {

    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Top-level metric names gates can use, per task (roc_auc for binary classification only). */
    public static final Set<String> CLASSIFICATION = Set.of("accuracy", "f1_macro", "f1_weighted", "precision_macro",
            "recall_macro", "roc_auc");
    public static final Set<String> REGRESSION = Set.of("rmse", "mae", "r2");

    public Metrics put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    @JsonAnySetter
    void set(String name, Object value) {
        values.put(name, value);
    }

    @JsonAnyGetter
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** The top-level numeric metrics. */
    public Set<String> numericNames() {
        Set<String> names = new TreeSet<>();
        values.forEach((k, v) -> {
            if (v instanceof Number && !k.endsWith("_rows")) {
                names.add(k);
            }
        });
        return names;
    }

    public boolean has(String name) {
        return values.get(name) instanceof Number;
    }

    public double get(String name) {
        Object value = values.get(name);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("no numeric metric " + name);
        }
        return number.doubleValue();
    }
}
