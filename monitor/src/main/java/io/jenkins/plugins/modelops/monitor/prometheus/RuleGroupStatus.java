package io.jenkins.plugins.modelops.monitor.prometheus;

import java.util.List;

/** A rule group as Prometheus has loaded it ({@code /api/v1/rules}). */
public record RuleGroupStatus(String name, String file, List<RuleStatus> rules) {

    public RuleGroupStatus {
        rules = List.copyOf(rules);
    }

    /** @param health {@code ok}, {@code err} or {@code unknown} (not evaluated yet) */
    public record RuleStatus(String name, String type, String health, String lastError, String state) {
    }
}
