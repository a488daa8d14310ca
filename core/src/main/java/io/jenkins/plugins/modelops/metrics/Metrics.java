package io.jenkins.plugins.modelops.metrics;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code metrics.json} holds: the test-set metrics at the top level ({@code accuracy}, {@code f1_macro}, ... or
 * {@code rmse}, {@code mae}, {@code r2}; see {@link Metric}) and details beside them (per-class figures, confusion
 * matrix, cross-validation). Immutable, nested maps and lists included; built with {@link #builder()}. A metric that
 * is undefined on the test rows (ROC AUC of one class, R² of a constant label) is absent, never NaN.
 */
public final class Metrics {

    private final Map<String, Object> values;

    private Metrics(Map<String, Object> values) {
        this.values = frozenMap(values);
    }

    @JsonCreator
    static Metrics fromJson(Map<String, Object> values) {
        return new Metrics(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy with more entries (later ones win); this one is unchanged. */
    public Metrics with(Map<String, ?> more) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        all.putAll(more);
        return new Metrics(all);
    }

    @JsonAnyGetter
    public Map<String, Object> asMap() {
        return values;
    }

    /** The top-level numeric metrics (row counts excluded). */
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

    public boolean has(Metric metric) {
        return has(metric.id());
    }

    public double get(String name) {
        Object value = values.get(name);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("no numeric metric " + name);
        }
        return number.doubleValue();
    }

    public double get(Metric metric) {
        return get(metric.id());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metrics other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Collects a run's metrics in order; {@link #build()} freezes them. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        public Builder put(String name, Object value) {
            values.put(name, value);
            return this;
        }

        public Builder put(Metric metric, double value) {
            return put(metric.id(), value);
        }

        public Metrics build() {
            return new Metrics(values);
        }
    }

    private static Map<String, Object> frozenMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), frozen(v)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            return frozenMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(frozen(v)));
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof double[] array) {
            List<Object> copy = new ArrayList<>(array.length);
            for (double v : array) {
                copy.add(v);
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
