package io.jenkins.plugins.modelops.monitor.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.FileRuleRegistration;
import io.jenkins.plugins.modelops.monitor.rules.Rule;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard read back as Grafana would, and every query in it (panels, annotations, the model variable) run
 * against a real Prometheus that scrapes two real model servers with traffic: predictions, a few refused requests,
 * label feedback and probe traffic. Each must parse and return data. ALERTS: a rule group with an alert that always
 * fires for the model is registered beside the model's generated rules.
 */
class GrafanaDashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Condition> IRIS_GATE = List.of(Condition.parse("accuracy>=0.9"),
            Condition.parse("latencyP99<=50ms"), Condition.parse("errorRate<=5%"));
    private static final List<Condition> COURSES_GATE = List.of(Condition.parse("mae<=1.5"));
    private static ModelServers.Running iris;
    private static ModelServers.Running courses;
    private static PrometheusServer server;
    private static PrometheusClient prometheus;

    @BeforeAll
    static void start() throws Exception {
        iris = ModelServers.start(ModelServers.iris(), null);
        courses = ModelServers.start(ModelServers.courses(), null);
        server = PrometheusServer.start(List.of(iris.target(), courses.target())).awaitReady(Duration.ofSeconds(30));
        prometheus = PrometheusClient.connect(PrometheusConfig.of(server.url()));
        awaitScraped();
        register("iris", IRIS_GATE);
        register("courses", COURSES_GATE);
        traffic();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        iris.close();
        courses.close();
    }

    /** Prometheus hands new targets to its scrapers some seconds after start: traffic before that is never seen. */
    private static void awaitScraped() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (prometheus.query("count(up{job=\"modelops\"} == 1)", Instant.now()).stream()
                .noneMatch(s -> s.value() == 2)) {
            assertThat(Instant.now()).as("both model servers scraped").isBefore(deadline);
            Thread.sleep(250);
        }
    }

    /** The model's generated rules and an alert that always fires for it (ALERTS must have a series to show). */
    private static void register(String name, List<Condition> gate) {
        RuleGroup generated = AlertRules.generate(new AlertRules.Request(name, "ml", gate, Duration.ZERO,
                Duration.ofMinutes(1), "modelops", null, 20));
        List<Rule> rules = new ArrayList<>(generated.rules());
        rules.add(new Rule(null, "DashboardTestAlwaysFiring", "vector(1)", "0s", Map.of("severity", "info", "model",
                name), Map.of("summary", "fires so that the dashboard's alert panels have something to show")));
        FileRuleRegistration.register(new RuleGroup(generated.name(), rules), server.rulesDir(), prometheus,
                Duration.ofSeconds(30), Progress.silent());
    }

    /** Predictions, refused requests, feedback by id and probe traffic, over several scrapes. */
    private static void traffic() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String predicted = post(http, iris.url().resolve("/v1/models/iris:predict"), "{\"instances\": [{\"sepal_length\": "
                + "5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]}").body();
        String id = JSON.readTree(predicted).at("/predictions/0/id").asText();
        assertThat(post(http, iris.url().resolve("/v1/models/iris/feedback"), "{\"id\": \"" + id
                + "\", \"label\": \"setosa\"}").statusCode()).isEqualTo(200);
        for (ModelServers.Running running : List.of(iris, courses)) {
            // Refused requests: the error ratio's numerator has a series.
            assertThat(post(http, running.url().resolve("/v1/models/" + running.name() + ":predict"), "{}")
                    .statusCode()).isEqualTo(400);
        }
        Thread probeCourses = new Thread(() -> probe(courses, "course-satisfaction.csv"));
        probeCourses.start();
        probe(iris, "iris.csv");
        probeCourses.join();
    }

    private static void probe(ModelServers.Running running, String data) {
        try {
            ProbeTraffic.Outcome outcome = ProbeTraffic.run(ProbeTraffic.Request.of(running.url(), running.name(),
                    ModelServers.example(data)).withRate(50).withDuration(Duration.ofSeconds(4)), Progress.silent());
            assertThat(outcome.accepted()).isEqualTo(outcome.sent()).isPositive();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theJsonIsAGrafanaDashboardOnTheGatesQueries() throws Exception {
        JsonNode dashboard = JSON.readTree(GrafanaDashboard.json(new GrafanaDashboard.Request("iris",
                Optional.of(Task.CLASSIFICATION), IRIS_GATE)));

        assertThat(dashboard.path("uid").asText()).isEqualTo("modelops-iris");
        assertThat(dashboard.path("title").asText()).isEqualTo("ModelOps: iris");
        assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(dashboard.path("refresh").asText()).isEqualTo("30s");
        assertThat(dashboard.at("/time/from").asText()).isEqualTo("now-1h");
        JsonNode variables = dashboard.at("/templating/list");
        assertThat(variables.findValuesAsText("name")).containsExactly("datasource", "model");
        assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
        assertThat(variables.get(1).path("type").asText()).isEqualTo("query");
        assertThat(variables.get(1).at("/current/value").asText()).isEqualTo("iris");
        assertThat(variables.get(1).path("definition").asText()).isEqualTo("label_values(modelops_model_info, model)");

        List<String> titles = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        boolean[][] grid = new boolean[64][24];
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            assertThat(ids.add(panel.path("id").asInt())).as("unique id").isTrue();
            assertThat(panel.path("type").asText()).isIn("stat", "timeseries");
            assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
            JsonNode pos = panel.path("gridPos");
            assertThat(pos.path("x").asInt() + pos.path("w").asInt()).isLessThanOrEqualTo(24);
            for (int row = pos.path("y").asInt(); row < pos.path("y").asInt() + pos.path("h").asInt(); row++) {
                for (int col = pos.path("x").asInt(); col < pos.path("x").asInt() + pos.path("w").asInt(); col++) {
                    assertThat(grid[row][col]).as("panel %s overlaps another", panel.path("title")).isFalse();
                    grid[row][col] = true;
                }
            }
            assertThat(panel.path("targets")).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).contains("model=\"$model\"");
                assertThat(target.at("/datasource/uid").asText()).isEqualTo("${datasource}");
            }
        }
        assertThat(titles).contains("Accuracy", "Accuracy by feedback source", "Latency quantiles",
                "Requests by status", "Error ratio (not 2xx)", "Memory", "Feedback volume by source", "Firing alerts")
                .doesNotContain("MAE", "MAE and RMSE by feedback source");

        // The gate's own PromQL, and its thresholds: red below 90% accuracy, red above 50 ms p99.
        List<String> exprs = expressions(dashboard);
        String model = "model=\"$model\"";
        assertThat(exprs).contains(Signal.LATENCY_P99.query(model, "$__rate_interval", Signal.Source.ANY),
                Signal.ACCURACY.querySplitBySource(model, "$__rate_interval"),
                Signal.ERROR_RATE.query(model, "$__rate_interval", Signal.Source.ANY));
        JsonNode accuracy = panel(dashboard, "Accuracy");
        assertThat(accuracy.at("/fieldConfig/defaults/thresholds/steps").toString())
                .isEqualTo("[{\"color\":\"red\",\"value\":null},{\"color\":\"green\",\"value\":0.9}]");
        JsonNode latency = panel(dashboard, "Latency quantiles");
        assertThat(latency.at("/fieldConfig/defaults/thresholds/steps").toString())
                .isEqualTo("[{\"color\":\"green\",\"value\":null},{\"color\":\"red\",\"value\":0.05}]");
        assertThat(latency.at("/fieldConfig/defaults/custom/thresholdsStyle/mode").asText()).isEqualTo("line");

        // Without a task (no quality condition in the gate) both kinds of quality panel are there.
        JsonNode both = GrafanaDashboard.forModel("iris", List.of(Condition.parse("latencyP99<=50ms")));
        assertThat(both.path("panels").findValuesAsText("title")).contains("Accuracy", "MAE",
                "MAE and RMSE by feedback source", "Regression feedback volume by source");
        assertThat(GrafanaDashboard.uid("a-model-name-that-is-rather-long-for-grafana")).hasSize(40)
                .startsWith("modelops-a-model-name-that-is-");
    }

    @Test
    void everyQueryOfTheClassifiersDashboardParsesAndReturnsData() throws Exception {
        Map<String, List<Sample>> results = runAll(GrafanaDashboard.forModel("iris", IRIS_GATE), "iris");
        assertThat(results.get("Feedback volume by source")).extracting(s -> s.labels().get("source"))
                .contains("probe", "label");
        assertThat(results.get("Firing alerts")).extracting(s -> s.labels().get("alertname"))
                .contains("DashboardTestAlwaysFiring");
        assertThat(results.get("Memory")).allSatisfy(s -> assertThat(s.value()).isPositive());
    }

    @Test
    void everyQueryOfTheRegressorsDashboardParsesAndReturnsData() throws Exception {
        Map<String, List<Sample>> results = runAll(GrafanaDashboard.forModel("courses", COURSES_GATE), "courses");
        // The server exposes both sources from the start; only the probe sent any.
        assertThat(results.get("Regression feedback volume by source"))
                .filteredOn(s -> s.value() > 0).extracting(s -> s.labels().get("source")).containsOnly("probe");
        assertThat(results.get("MAE and RMSE by feedback source")).filteredOn(s -> "probe".equals(s.labels().get("source")))
                .isNotEmpty().allSatisfy(s -> assertThat(s.value()).isPositive());
    }

    /**
     * Every panel target, annotation and the model variable, with Grafana's variables substituted, as range queries
     * over the last two minutes (as Grafana asks); each must come back with at least one point. Retried while the
     * scrapes and rule evaluations catch up; a query Prometheus refuses fails at once.
     */
    private static Map<String, List<Sample>> runAll(JsonNode dashboard, String model) throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode annotation : dashboard.at("/annotations/list")) {
            if (annotation.has("expr")) {
                queries.put("annotation " + annotation.path("name").asText(), annotation.path("expr").asText());
            }
        }
        // label_values(modelops_model_info, model) is Grafana's; the same question in PromQL.
        queries.put("variable model", "group by (model) (modelops_model_info{model=\"$model\"})");
        assertThat(queries).hasSizeGreaterThan(15);

        Map<String, List<Sample>> byPanel = new LinkedHashMap<>();
        Instant deadline = Instant.now().plusSeconds(60);
        for (Map.Entry<String, String> query : queries.entrySet()) {
            String expr = query.getValue().replace("$model", model).replace("$__rate_interval", "1m")
                    .replace("$__interval", "15s").replace("$__range", "5m");
            assertThat(expr).doesNotContain("$");
            List<Sample> points = List.of();
            while (true) {
                Instant now = Instant.now();
                List<Sample> found = new ArrayList<>();
                prometheus.queryRange(expr, now.minusSeconds(120), now, Duration.ofSeconds(5)).forEach(found::addAll);
                points = found;
                if (!points.isEmpty() || now.isAfter(deadline)) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(points).as("%s: %s returned no data", query.getKey(), expr).isNotEmpty();
            byPanel.computeIfAbsent(query.getKey().substring(0, query.getKey().length() - 2), k -> new ArrayList<>())
                    .addAll(points);
        }
        return byPanel;
    }

    private static List<String> expressions(JsonNode dashboard) {
        return dashboard.path("panels").findValuesAsText("expr");
    }

    private static JsonNode panel(JsonNode dashboard, String title) {
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("title").asText().equals(title)) {
                return panel;
            }
        }
        throw new AssertionError("no panel " + title);
    }
}
