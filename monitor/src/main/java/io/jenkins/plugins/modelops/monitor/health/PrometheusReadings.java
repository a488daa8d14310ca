package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.prometheus.FiringAlert;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;
import io.jenkins.plugins.modelops.monitor.signal.Gauges;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The page's figures from Prometheus: one instant and one range query a panel for every model at once. */
final class PrometheusReadings implements Readings {

    /** Every model's series: the signals' queries need a matcher, and this one selects them all. */
    private static final String EVERY_MODEL = ServingContract.MODEL + "!=\"\"";

    private final PrometheusClient client;

    PrometheusReadings(PrometheusClient client) {
        this.client = client;
    }

    @Override
    public String kind() {
        return "prometheus";
    }

    @Override
    public String describe() {
        return "Prometheus at " + client.url();
    }

    @Override
    public List<Sample> gauges(String family, Instant at) {
        return client.query(family, at);
    }

    @Override
    public Map<List<String>, Double> current(Panel panel, Set<List<String>> models, Duration window, Instant at) {
        Map<List<String>, Double> values = new LinkedHashMap<>();
        for (Sample sample : client.query(promql(panel, EVERY_MODEL, window), at)) {
            values.put(key(sample.labels()), sample.value());
        }
        return values;
    }

    @Override
    public Map<List<String>, List<HealthSnapshot.Point>> series(Panel panel, Set<List<String>> models,
                                                                Duration window, Instant start, Instant end,
                                                                long stepSeconds) {
        Map<List<String>, List<HealthSnapshot.Point>> series = new LinkedHashMap<>();
        for (List<Sample> points : client.queryRange(promql(panel, EVERY_MODEL, window), start, end,
                Duration.ofSeconds(stepSeconds))) {
            if (!points.isEmpty()) {
                series.put(key(points.get(0).labels()), points.stream()
                        .map(p -> HealthSnapshot.Point.of(p.time().getEpochSecond(), p.value())).toList());
            }
        }
        return series;
    }

    @Override
    public String query(Panel panel, String model, String version, Duration window) {
        return promql(panel, ServingContract.MODEL + "=\"" + escape(model) + "\"," + ServingContract.VERSION + "=\""
                + escape(version) + "\"", window);
    }

    @Override
    public List<FiringAlert> alerts() {
        return client.alerts();
    }

    @Override
    public List<String> problems(Instant at) {
        List<String> problems = new ArrayList<>();
        for (Sample down : client.query("up == 0", at)) {
            problems.add("scrape target " + down.labels().getOrDefault("instance", "?") + " (job "
                    + down.labels().getOrDefault("job", "?") + ") is down: Prometheus cannot read its metrics");
        }
        return problems;
    }

    /** The panel's PromQL; memory joins the JVM's series (no model label) to the model by instance. */
    static String promql(Panel panel, String matchers, Duration window) {
        if (panel.signal() == null) {
            return "sum by (model, version) (" + Gauges.RESIDENT_MEMORY + " * on (instance, job) group_left (model, "
                    + "version) max by (instance, job, model, version) (" + ServingContract.MODEL_INFO + "{"
                    + matchers + "}))";
        }
        return panel.signal().query(matchers, Signal.promDuration(window), Signal.Source.ANY);
    }

    private static List<String> key(Map<String, String> labels) {
        return List.of(labels.getOrDefault(ServingContract.MODEL, ""), labels.getOrDefault(ServingContract.VERSION, ""));
    }

    /** A PromQL string literal's content: backslash and double quote escaped. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        // the client holds no resources of its own
    }
}
