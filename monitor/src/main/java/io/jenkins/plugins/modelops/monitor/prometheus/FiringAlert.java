package io.jenkins.plugins.modelops.monitor.prometheus;

import java.time.Instant;
import java.util.Map;

/** An alert Prometheus holds now ({@code /api/v1/alerts}): {@code pending} during its {@code for}, then {@code firing}. */
public record FiringAlert(Map<String, String> labels, Map<String, String> annotations, String state,
                          Instant activeAt, double value) {

    public FiringAlert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    public String name() {
        return labels.getOrDefault("alertname", "");
    }
}
