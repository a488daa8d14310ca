package io.jenkins.plugins.modelops.monitor.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generated rule groups checked by the real promtool: syntax, and alerts that fire and resolve on series. */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private static AlertRules.Request request(String... gate) {
        return new AlertRules.Request("iris", "ml", List.of(gate).stream().map(Condition::parse).toList(),
                Duration.ofMinutes(5), Duration.ofMinutes(5), null, null, 20);
    }

    /** The group's rules pass promtool's unit test of {@code tests} (evaluated every minute). */
    private void passesPromtoolTest(AlertRules.Request request, String tests) throws Exception {
        Files.writeString(dir.resolve("rules.yml"), RuleFiles.ruleFile(AlertRules.generate(request)));
        Files.writeString(dir.resolve("test.yml"), "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n" + tests);
        Promtool.Run test = Promtool.run(dir, "test", "rules", "test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void everyGroupPassesPromtool() throws Exception {
        for (AlertRules.Request request : List.of(request("accuracy>=0.9", "latencyP99<=50ms"),
                request("rmse<=12.5", "mae<=10", "errorRate<=1%", "requestRate>1"), request(),
                request("accuracy>=baseline-0.02", "latencyP99<=baseline*1.2", "alerts==0"))) {
            Path file = dir.resolve("rules.yml");
            Files.writeString(file, RuleFiles.ruleFile(AlertRules.generate(request)));
            Promtool.Run check = Promtool.run(dir, "check", "rules", "rules.yml");
            assertThat(check.exitCode()).as(check.output() + "\n" + Files.readString(file)).isZero();
            assertThat(check.output()).contains("SUCCESS");
        }
    }

    @Test
    void alertsCarryTheirLabelsAnnotationsAndForAndRecordingRulesAreNamedByLevel() {
        RuleGroup group = AlertRules.generate(request("accuracy>=0.9", "latencyP99<=50ms"));
        assertThat(group.name()).isEqualTo("modelops-iris");
        assertThat(group.alerts()).extracting(Rule::alert).containsExactly("ModelAccuracyLow",
                "ModelLatencyP99High", "ModelErrorRateHigh", "ModelNoTraffic", "ModelTargetDown",
                "ModelKernelMismatch", "ModelTrainingFailed", "ModelTrainingTooLong", "ModelDegraded",
                "ModelRolledBack");
        for (Rule alert : group.alerts()) {
            assertThat(alert.forDuration()).as(alert.alert()).isEqualTo("5m");
            assertThat(alert.labels()).as(alert.alert()).containsEntry("model", "iris").containsEntry("namespace", "ml")
                    .containsKey("severity");
            assertThat(alert.annotations()).as(alert.alert()).containsKeys("summary", "description", "runbook_url",
                    "status");
            assertThat(alert.annotations().get("runbook_url")).startsWith(AlertRules.Request.DEFAULT_RUNBOOK + "#model-");
            assertThat(alert.annotations().get("description")).contains("humanizeTimestamp");
        }
        assertThat(group.recordings()).extracting(Rule::record).allMatch(n -> n.matches("[a-z_]+:[a-z_]+:[a-z0-9_]+"))
                .contains("model_version:modelops_feedback_accuracy:ratio_rate5m",
                        "model_version_source:modelops_feedback_accuracy:ratio_rate5m",
                        "model_version:modelops_request_duration_seconds:p99_rate5m",
                        "model_version:modelops_request_errors:ratio_rate5m", "model_version:modelops_requests:rate5m")
                .noneMatch(n -> n.contains("abs_error"));
        Rule accuracy = group.alerts().get(0);
        assertThat(accuracy.expr()).isEqualTo("(model_version:modelops_feedback_accuracy:ratio_rate5m{model=\"iris\"} "
                + "< 0.9) and on (model, version) (sum by (model, version) (increase(modelops_feedback_total"
                + "{model=\"iris\"}[5m])) >= 20)");
    }

    @Test
    void theAccuracyAlertFiresAndResolvesOnSeries() throws Exception {
        // One minute per step: 60 correct a minute for 10 minutes, then half wrong for 20, then right again.
        passesPromtoolTest(request("accuracy>=0.9"), """
                  - interval: 1m
                    input_series:
                      - series: 'modelops_feedback_total{model="iris",version="v1",outcome="correct",source="probe"}'
                        values: '0+60x10 630+30x19 1260+60x29'
                      - series: 'modelops_feedback_total{model="iris",version="v1",outcome="incorrect",source="probe"}'
                        values: '0x10 30+30x19 600x29'
                    alert_rule_test:
                      - eval_time: 9m
                        alertname: ModelAccuracyLow
                        exp_alerts: []
                      - eval_time: 25m
                        alertname: ModelAccuracyLow
                        exp_alerts:
                          - exp_labels: {severity: critical, model: iris, namespace: ml, version: v1}
                            exp_annotations:
                              summary: 'iris v1 is degraded: accuracy 50% < 90%'
                              description: 'Model iris (version v1, namespace ml) is degraded at 1970-01-01 00:25:00 +0000 UTC: the share of correct predictions among labelled feedback over the last 5m is 50%, which breaks the gate condition accuracy>=0.9.'
                              status: degraded
                              runbook_url: 'https://github.com/jenkinsci/modelops-plugin/blob/main/docs/runbook.md#model-accuracy-low'
                      - eval_time: 55m
                        alertname: ModelAccuracyLow
                        exp_alerts: []
                """);
    }

    @Test
    void theDegradedAlertFiresWhileTheServerSaysDegradedWithItsCauseAndResolves() throws Exception {
        // The server's own series (job iris) beside the Pushgateway's (job modelops) that says running.
        passesPromtoolTest(request("accuracy>=0.9"), """
                  - interval: 1m
                    input_series:
                      - series: 'modelops_model_status{model="iris",version="v1",status="degraded",job="iris",instance="a:8080"}'
                        values: '0x5 1x10 0x10'
                      - series: 'modelops_model_status{model="iris",version="v1",status="running",job="iris",instance="a:8080"}'
                        values: '1x5 0x10 1x10'
                      - series: 'modelops_model_status{model="iris",version="v1",status="degraded",job="modelops",instance=""}'
                        values: '0x25'
                      - series: 'modelops_model_status{model="iris",version="v1",status="running",job="modelops",instance=""}'
                        values: '1x25'
                      - series: 'modelops_model_status_cause{model="iris",version="v1",status="degraded",cause="accuracy 0.5000 on 40 feedback in the last 300s breaks the blessing''s accuracy >= 0.9000",job="iris",instance="a:8080"}'
                        values: '0x5 1x10 0x10'
                    alert_rule_test:
                      - eval_time: 4m
                        alertname: ModelDegraded
                        exp_alerts: []
                      - eval_time: 12m
                        alertname: ModelDegraded
                        exp_alerts:
                          - exp_labels: {severity: critical, model: iris, namespace: ml, version: v1}
                            exp_annotations:
                              summary: 'iris v1 is degraded'
                              description: 'Model iris (version v1, namespace ml) is degraded at 1970-01-01 00:12:00 +0000 UTC: accuracy 0.5000 on 40 feedback in the last 300s breaks the blessing''s accuracy >= 0.9000.'
                              status: degraded
                              runbook_url: 'https://github.com/jenkinsci/modelops-plugin/blob/main/docs/runbook.md#model-degraded'
                      - eval_time: 22m
                        alertname: ModelDegraded
                        exp_alerts: []
                """);
    }

    @Test
    void theTrainingAlertsFireOnPushedStatusAndARollbackOnlyWhileItIsTheModelsLatestNews() throws Exception {
        // Pushed series: a run training since 0 (limit 1h), a failed run, a rollback of v2 that a deployment of v3
        // at 30m makes old news.
        passesPromtoolTest(new AlertRules.Request(
                "iris", null, List.of(), Duration.ofMinutes(1), Duration.ofMinutes(5), null, null, 20,
                Duration.ofHours(1)), """
                  - interval: 1m
                    input_series:
                      - series: 'modelops_model_status{model="iris",version="none",status="training",job="modelops"}'
                        values: '1x90'
                      - series: 'modelops_model_status_timestamp_seconds{model="iris",version="none",job="modelops"}'
                        values: '0x90'
                      - series: 'modelops_model_status{model="iris",version="v2",status="rolled_back",job="modelops"}'
                        values: '1x90'
                      - series: 'modelops_model_status_timestamp_seconds{model="iris",version="v2",job="modelops"}'
                        values: '60x90'
                      - series: 'modelops_model_status{model="iris",version="v3",status="running",job="modelops"}'
                        values: '_x29 1x60'
                      - series: 'modelops_model_status_timestamp_seconds{model="iris",version="v3",job="modelops"}'
                        values: '_x29 1800x60'
                      - series: 'modelops_model_status_cause{model="iris",version="v2",status="rolled_back",cause="not ready within 2m",job="modelops"}'
                        values: '1x90'
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: ModelRolledBack
                        exp_alerts:
                          - exp_labels: {severity: warning, model: iris, version: v2}
                            exp_annotations:
                              summary: 'iris v2 was rolled back'
                              description: 'Model iris (version v2) was rolled back at 1970-01-01 00:01:00 +0000 UTC: not ready within 2m; the previous version serves.'
                              status: rolled_back
                              runbook_url: 'https://github.com/jenkinsci/modelops-plugin/blob/main/docs/runbook.md#model-rolled-back'
                      - eval_time: 40m
                        alertname: ModelRolledBack
                        exp_alerts: []
                      - eval_time: 59m
                        alertname: ModelTrainingTooLong
                        exp_alerts: []
                      - eval_time: 62m
                        alertname: ModelTrainingTooLong
                        exp_alerts:
                          - exp_labels: {severity: warning, model: iris, version: none}
                            exp_annotations:
                              summary: 'iris has been training for more than 1h'
                              description: 'Model iris (version none) has been training since 1970-01-01 00:00:00 +0000 UTC, more than 1h: the run hangs, or died without reporting.'
                              status: training
                              runbook_url: 'https://github.com/jenkinsci/modelops-plugin/blob/main/docs/runbook.md#model-training-too-long'
                """);
    }

    @Test
    void theErrorRatioIsZeroWithoutErrorsNotMissingAndCountsErrorsWhenThereAre() throws Exception {
        // PromQL's classic pitfall: with no non-2xx series at all, errors/total is no data, which a gate must not
        // read as "no evidence"; the rule makes it 0.
        Files.writeString(dir.resolve("rules.yml"), RuleFiles.ruleFile(AlertRules.generate(request())));
        Files.writeString(dir.resolve("test.yml"), """
                rule_files: [rules.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'modelops_requests_total{model="iris",version="v1",protocol="v1",code="200"}'
                        values: '0+60x20'
                      - series: 'modelops_requests_total{model="iris",version="v2",protocol="v1",code="200"}'
                        values: '0+45x20'
                      - series: 'modelops_requests_total{model="iris",version="v2",protocol="v1",code="500"}'
                        values: '0+15x20'
                    promql_expr_test:
                      - expr: model_version:modelops_request_errors:ratio_rate5m
                        eval_time: 10m
                        exp_samples:
                          - labels: 'model_version:modelops_request_errors:ratio_rate5m{model="iris",version="v1"}'
                            value: 0
                          - labels: 'model_version:modelops_request_errors:ratio_rate5m{model="iris",version="v2"}'
                            value: 0.25
                """);
        Promtool.Run test = Promtool.run(dir, "test", "rules", "test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @Test
    void thePrometheusRuleCarriesTheSameGroupAndTheSelectorsLabels() throws Exception {
        RuleGroup group = AlertRules.generate(request("accuracy>=0.9"));
        JsonNode object = YAML.readTree(RuleFiles.prometheusRule(group, "ml", Map.of("release", "kube-prometheus")));
        assertThat(object.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(object.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(object.path("metadata").path("name").asText()).isEqualTo("modelops-iris");
        assertThat(object.path("metadata").path("namespace").asText()).isEqualTo("ml");
        assertThat(object.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus");
        assertThat(object.path("spec")).isEqualTo(YAML.readTree(RuleFiles.ruleFile(group)));
    }

    @Test
    void everyAlertsRunbookAnchorIsAHeadingOfTheRunbook() throws Exception {
        Path runbook = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && runbook == null; d = d.getParent()) {
            runbook = Files.isRegularFile(d.resolve("docs/runbook.md")) ? d.resolve("docs/runbook.md") : null;
        }
        assertThat(runbook).as("docs/runbook.md above " + Path.of("").toAbsolutePath()).isNotNull();
        List<String> headings = Files.readAllLines(runbook).stream().filter(l -> l.startsWith("## "))
                .map(l -> l.substring(3).strip()).toList();
        for (RuleGroup group : List.of(AlertRules.generate(request("accuracy>=0.9", "latencyP50<=1s",
                "latencyP95<=1s", "latencyP99<=1s", "requestRate>1")), AlertRules.generate(request("mae<=1", "rmse<=1")))) {
            for (Rule alert : group.alerts()) {
                String url = alert.annotations().get("runbook_url");
                assertThat(headings).as(alert.alert()).contains(url.substring(url.indexOf('#') + 1));
            }
        }
    }

    @Test
    void refusesAGateThatMixesTasks() {
        assertThatThrownBy(() -> AlertRules.generate(request("accuracy>=0.9", "rmse<=3")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("gate: mixes accuracy (a classifier's) with mae or rmse (a regressor's); one model has "
                        + "one of them");
    }
}
