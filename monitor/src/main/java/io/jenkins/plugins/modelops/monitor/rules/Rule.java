package io.jenkins.plugins.modelops.monitor.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * One Prometheus rule as a rule file writes it: a recording rule ({@code record}) or an alert ({@code alert} with
 * {@code for}, labels and annotations). Field names are Prometheus' own, so the value serializes as is.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"record", "alert", "expr", "for", "labels", "annotations"})
public record Rule(String record, String alert, String expr, String forDuration, Map<String, String> labels,
                   Map<String, String> annotations) {

    public Rule {
        labels = labels == null ? Map.of() : new java.util.TreeMap<>(labels);
        annotations = annotations == null ? Map.of() : new java.util.TreeMap<>(annotations);
    }

    static Rule recording(String name, String expr) {
        return new Rule(name, null, expr, null, Map.of(), Map.of());
    }

    /** Serialized as Prometheus' {@code for}, a Java keyword. */
    @com.fasterxml.jackson.annotation.JsonProperty("for")
    @Override
    public String forDuration() {
        return forDuration;
    }
}
