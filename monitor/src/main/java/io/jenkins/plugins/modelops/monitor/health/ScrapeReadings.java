package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;
import io.jenkins.plugins.modelops.monitor.prometheus.FiringAlert;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.signal.Gauges;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The page's figures without Prometheus: the embedded scrape's readings, each computed as the signal's PromQL would
 * compute it (the gate's own {@link ScrapeSource}), at every point of a chart. No alerts: they are Prometheus' rule
 * evaluation.
 */
final class ScrapeReadings implements Readings {

    private final ScrapeSource source;

    ScrapeReadings(ScrapeSource source) {
        this.source = source;
    }

    @Override
    public String kind() {
        return "scrape";
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public List<Sample> gauges(String family, Instant at) {
        return source.gauges(family, at);
    }

    @Override
    public Map<List<String>, Double> current(Panel panel, Set<List<String>> models, Duration window, Instant at) {
        Map<List<String>, Double> values = new LinkedHashMap<>();
        for (List<String> model : models) {
            value(panel, model, window, at).ifPresent(v -> values.put(model, v));
        }
        return values;
    }

    @Override
    public Map<List<String>, List<HealthSnapshot.Point>> series(Panel panel, Set<List<String>> models,
                                                                Duration window, Instant start, Instant end,
                                                                long stepSeconds) {
        // Before the first scrape there is nothing: the chart starts when the dashboard did.
        Instant first = source.oldestScrape().orElse(end);
        long from = Math.max(start.getEpochSecond(), first.getEpochSecond());
        from = from + Math.floorMod(end.getEpochSecond() - from, stepSeconds); // points on the same grid as the end
        Map<List<String>, List<HealthSnapshot.Point>> series = new LinkedHashMap<>();
        for (List<String> model : models) {
            List<HealthSnapshot.Point> points = new ArrayList<>();
            for (long t = from; t <= end.getEpochSecond(); t += stepSeconds) {
                Double value = value(panel, model, window, Instant.ofEpochSecond(t)).orElse(Double.NaN);
                points.add(HealthSnapshot.Point.of(t, value));
            }
            series.put(model, points);
        }
        return series;
    }

    private Optional<Double> value(Panel panel, List<String> model, Duration window, Instant at) {
        if (panel.signal() == null) {
            return memory(model, at);
        }
        try {
            return source.read(panel.signal(), model.get(0), Optional.of(model.get(1)), Signal.Source.ANY, window, at)
                    .value();
        } catch (SignalSource.ReadingFailed unreadable) {
            return Optional.empty(); // no endpoint answered then: the problems say which and why
        }
    }

    /** The resident memory of the servers that serve the model at {@code at}, summed as the PromQL join does. */
    private Optional<Double> memory(List<String> model, Instant at) {
        Set<String> instances = new java.util.HashSet<>();
        for (Sample info : source.gauges(ServingContract.MODEL_INFO, at)) {
            if (model.equals(List.of(info.labels().getOrDefault(ServingContract.MODEL, ""),
                    info.labels().getOrDefault(ServingContract.VERSION, "")))) {
                instances.add(info.labels().get("instance"));
            }
        }
        return source.gauges(Gauges.RESIDENT_MEMORY, at).stream()
                .filter(s -> instances.contains(s.labels().get("instance"))).map(Sample::value)
                .reduce(Double::sum);
    }

    @Override
    public String query(Panel panel, String model, String version, Duration window) {
        String matchers = ServingContract.MODEL + "=\"" + model + "\"," + ServingContract.VERSION + "=\"" + version
                + "\"";
        return PrometheusReadings.promql(panel, matchers, window) + "  (computed from " + source.describe() + ")";
    }

    @Override
    public List<FiringAlert> alerts() {
        return List.of();
    }

    @Override
    public List<String> problems(Instant at) {
        return source.failures(at).stream().map(failure -> "server " + failure).toList();
    }

    @Override
    public void close() {
        source.close();
    }
}
