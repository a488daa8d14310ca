package io.jenkins.plugins.modelops.monitor.rules;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.prometheus.RuleGroupStatus;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Registration with a real Prometheus: loaded and healthy, a refused file put back, removal. */
class FileRuleRegistrationTest {

    private static PrometheusServer server;
    private static PrometheusClient prometheus;
    private final List<String> log = new ArrayList<>();
    private final Progress progress = log::add;

    @BeforeAll
    static void start() throws Exception {
        server = PrometheusServer.start(List.of()).awaitReady(Duration.ofSeconds(30));
        prometheus = PrometheusClient.connect(PrometheusConfig.of(server.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static RuleGroup group(String name, String... gate) {
        return AlertRules.generate(new AlertRules.Request(name, "ml", List.of(gate).stream().map(Condition::parse)
                .toList(), Duration.ofSeconds(30), Duration.ofMinutes(1), null, null, 20));
    }

    @Test
    void aRegisteredGroupRunsHealthyAndIsRemovedAgain() {
        RuleGroup group = group("iris", "accuracy>=0.9", "latencyP99<=50ms");
        FileRuleRegistration.Outcome outcome = FileRuleRegistration.register(group, server.rulesDir(), prometheus,
                Duration.ofSeconds(30), progress);
        assertThat(outcome.file()).exists();
        assertThat(outcome.loaded().rules()).hasSize(group.rules().size())
                .allMatch(r -> r.health().equals("ok"));
        assertThat(log).singleElement().asString().contains("runs rule group modelops-iris");

        FileRuleRegistration.remove(group.name(), server.rulesDir(), prometheus, progress);
        assertThat(outcome.file()).doesNotExist();
        assertThat(prometheus.rules()).extracting(RuleGroupStatus::name).doesNotContain("modelops-iris");
    }

    @Test
    void aFilePrometheusRefusesIsReplacedByThePreviousOne() throws Exception {
        RuleGroup good = group("wine", "rmse<=0.8");
        FileRuleRegistration.register(good, server.rulesDir(), prometheus, Duration.ofSeconds(30), progress);
        String previous = Files.readString(FileRuleRegistration.fileOf(server.rulesDir(), good.name()));
        RuleGroup broken = new RuleGroup(good.name(), List.of(new Rule(null, "Broken", "sum(", "1m", Map.of(),
                Map.of())));

        assertThatThrownBy(() -> FileRuleRegistration.register(broken, server.rulesDir(), prometheus,
                Duration.ofSeconds(30), progress))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Prometheus at " + server.url() + " did not take rule group modelops-wine: "
                        + server.url() + "/-/reload answered 500: failed to reload config")
                .hasMessageEndingWith("; the previous " + FileRuleRegistration.fileOf(server.rulesDir(), "modelops-wine")
                        + " is back in place");
        assertThat(FileRuleRegistration.fileOf(server.rulesDir(), good.name())).hasContent(previous);
        assertThat(prometheus.rules()).filteredOn(g -> g.name().equals("modelops-wine")).singleElement()
                .satisfies(g -> assertThat(g.rules()).hasSize(good.rules().size()));
        FileRuleRegistration.remove(good.name(), server.rulesDir(), prometheus, progress);
    }

    @Test
    void aRollbackPutsThePreviousRulesBack() throws Exception {
        RuleGroup first = group("flowers", "accuracy>=0.9");
        RuleGroup second = group("flowers", "accuracy>=0.95", "latencyP99<=50ms");
        FileRuleRegistration.register(first, server.rulesDir(), prometheus, Duration.ofSeconds(30), progress);
        String firstFile = Files.readString(FileRuleRegistration.fileOf(server.rulesDir(), first.name()));
        FileRuleRegistration.register(second, server.rulesDir(), prometheus, Duration.ofSeconds(30), progress);
        FileRuleRegistration.restorePrevious(first.name(), server.rulesDir(), prometheus, progress);
        assertThat(FileRuleRegistration.fileOf(server.rulesDir(), first.name())).hasContent(firstFile);
        assertThat(prometheus.rules()).filteredOn(g -> g.name().equals("modelops-flowers")).singleElement()
                .satisfies(g -> assertThat(g.rules()).hasSize(first.rules().size()));
        FileRuleRegistration.restorePrevious(first.name(), server.rulesDir(), prometheus, progress);
        assertThat(FileRuleRegistration.fileOf(server.rulesDir(), first.name())).doesNotExist();
        assertThat(prometheus.rules()).extracting(RuleGroupStatus::name).doesNotContain("modelops-flowers");
    }

    @Test
    void aDirectoryPrometheusDoesNotReadIsSaidAndLeftClean(@TempDir Path elsewhere) {
        RuleGroup group = group("lost", "accuracy>=0.9");
        assertThatThrownBy(() -> FileRuleRegistration.register(group, elsewhere, prometheus, Duration.ofSeconds(2),
                progress))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Prometheus at " + server.url() + " did not take rule group modelops-lost: the group is "
                        + "not loaded after 2 s (does the Prometheus configuration's rule_files cover " + elsewhere
                        + "?); " + elsewhere.resolve("modelops-lost.yml") + " was removed again");
        assertThat(elsewhere.resolve("modelops-lost.yml")).doesNotExist();
    }
}
