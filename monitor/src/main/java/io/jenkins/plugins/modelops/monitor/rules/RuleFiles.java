package io.jenkins.plugins.modelops.monitor.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule group in its two forms: a Prometheus rule file ({@code rule_files:} in prometheus.yml, checked by
 * {@code promtool check rules}), and a {@code PrometheusRule} (monitoring.coreos.com/v1) for prometheus-operator,
 * with the labels its {@code ruleSelector} picks rules by.
 */
public final class RuleFiles {

    public static final String API_VERSION = "monitoring.coreos.com/v1";
    public static final String KIND = "PrometheusRule";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private RuleFiles() {
    }

    /** {@code groups: [...]}: a file Prometheus loads through {@code rule_files}. */
    public static String ruleFile(RuleGroup group) {
        return yaml(Map.of("groups", List.of(group)));
    }

    /** The PrometheusRule object, named after the group, in {@code namespace}, with {@code labels} added. */
    public static String prometheusRule(RuleGroup group, String namespace, Map<String, String> labels) {
        return yaml(prometheusRuleObject(group, namespace, labels));
    }

    /** The same object as plain maps, for a Kubernetes client to create. */
    public static Map<String, Object> prometheusRuleObject(RuleGroup group, String namespace,
                                                           Map<String, String> labels) {
        Map<String, String> allLabels = new LinkedHashMap<>();
        allLabels.put("app.kubernetes.io/managed-by", "modelops");
        allLabels.putAll(labels);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", group.name());
        if (namespace != null && !namespace.isBlank()) {
            metadata.put("namespace", namespace);
        }
        metadata.put("labels", allLabels);
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", API_VERSION);
        object.put("kind", KIND);
        object.put("metadata", metadata);
        object.put("spec", Map.of("groups", List.of(group)));
        return object;
    }

    private static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
