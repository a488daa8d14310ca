package io.jenkins.plugins.modelops.monitor.rules;

import java.util.List;

/** One deployment's rules: recording rules first, so the alerts after them read this evaluation's values. */
public record RuleGroup(String name, List<Rule> rules) {

    public RuleGroup {
        rules = List.copyOf(rules);
    }

    public List<Rule> alerts() {
        return rules.stream().filter(r -> r.alert() != null).toList();
    }

    public List<Rule> recordings() {
        return rules.stream().filter(r -> r.record() != null).toList();
    }
}
