package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.data.Task;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An algorithm's hyperparameters with every default filled in and every value checked. Immutable; its sorted map is
 * what bundles record and what the model id hashes.
 */
public final class Hyperparameters {

    private final SortedMap<String, String> values;

    private Hyperparameters(SortedMap<String, String> values) {
        this.values = Collections.unmodifiableSortedMap(values);
    }

    /** Resolves user-given {@code key=value} pairs against the algorithm's parameters for a task. */
    public static Hyperparameters resolve(Algorithm algorithm, Task task, Map<String, String> given) {
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        for (ParamSpec spec : algorithm.params(task)) {
            specs.put(spec.name(), spec);
        }
        for (String key : given.keySet()) {
            if (!specs.containsKey(key)) {
                throw new InvalidInputException(Parameter.PARAMS, String.format(
                        "unknown hyperparameter '%s' for algorithm '%s'; valid keys (with defaults): %s",
                        key, algorithm.id(), describe(algorithm, task)));
            }
        }
        SortedMap<String, String> values = new TreeMap<>();
        for (ParamSpec spec : specs.values()) {
            String value = given.get(spec.name());
            values.put(spec.name(), value == null ? spec.defaultValue() : spec.validate(algorithm.id(), value));
        }
        return new Hyperparameters(values);
    }

    /** {@code max_depth=10, min_child_weight=5.0, ...}: the valid keys with their defaults. */
    public static String describe(Algorithm algorithm, Task task) {
        return algorithm.params(task).stream().map(p -> p.name() + "=" + p.defaultValue()).collect(Collectors.joining(", "));
    }

    /** Parses {@code key=value} strings (from {@code --param} or a Jenkinsfile); a malformed one names itself. */
    public static Map<String, String> parsePairs(Iterable<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new InvalidInputException(Parameter.PARAMS, "hyperparameter '" + pair + "' is not of the form key=value, "
                        + "e.g. max_depth=8");
            }
            String key = pair.substring(0, eq).strip();
            if (map.put(key, pair.substring(eq + 1).strip()) != null) {
                throw new InvalidInputException(Parameter.PARAMS, "hyperparameter '" + key + "' is given twice");
            }
        }
        return map;
    }

    public SortedMap<String, String> asMap() {
        return values;
    }

    public int getInt(String name) {
        return Integer.parseInt(get(name));
    }

    public double getDouble(String name) {
        return Double.parseDouble(get(name));
    }

    public boolean getBoolean(String name) {
        return Boolean.parseBoolean(get(name));
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no hyperparameter " + name);
        }
        return value;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
