package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusException;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Signals from Prometheus: the same PromQL the recording rules use, over the measurement's own lookback. */
public final class PromQlSource implements SignalSource {

    /** The label that tells the value's series from the sample count's in the combined answer. */
    static final String PART = "modelops_part";

    private final PrometheusClient prometheus;

    public PromQlSource(PrometheusClient prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public Reading read(Signal signal, String model, Optional<String> version, Signal.Source source,
                        Duration lookback, Instant at) {
        String matchers = "model=\"" + model + "\"" + version.map(v -> ",version=\"" + v + "\"").orElse("");
        String range = Signal.promDuration(lookback);
        String value = signal.query(matchers, range, source);
        try {
            if (signal == Signal.ALERTS) {
                // No firing alert is an empty result: zero alerts, which Prometheus did answer.
                List<Sample> alerts = prometheus.query(value, at);
                return new Reading(Optional.of(alerts.stream().mapToDouble(Sample::value).sum()), 1, value);
            }
            // The value and its sample count in one query (one round trip per signal): tagged apart by a label.
            String query = "label_replace(" + value + ", \"" + PART + "\", \"value\", \"\", \"\") or label_replace("
                    + signal.sampleQuery(matchers, range, source) + ", \"" + PART + "\", \"samples\", \"\", \"\")";
            List<Sample> answer = prometheus.query(query, at);
            List<Sample> values = answer.stream().filter(s -> "value".equals(s.labels().get(PART))).toList();
            long count = Math.round(answer.stream().filter(s -> "samples".equals(s.labels().get(PART)))
                    .mapToDouble(Sample::value).filter(Double::isFinite).sum());
            if (values.isEmpty()) {
                return new Reading(Optional.empty(), count, query);
            }
            if (values.size() > 1) {
                // Several versions answered (no version given while two run): the gate cannot pick one for itself.
                throw new ReadingFailed(values.size() + " versions of " + model + " answered ("
                        + values.stream().map(v -> v.labels().getOrDefault("version", "?")).toList()
                        + "): give the version under test", false, null);
            }
            return new Reading(Optional.of(values.get(0).value()), count, query);
        } catch (PrometheusException e) {
            throw new ReadingFailed(e.getMessage(), e.retryable(), e);
        }
    }

    @Override
    public Histogram histogram(String model, String version, Duration lookback, Instant at) {
        String query = Signal.LATENCY.query("model=\"" + model + "\",version=\"" + version + "\"",
                Signal.promDuration(lookback), Signal.Source.ANY);
        try {
            java.util.SortedMap<Double, Double> cumulative = new java.util.TreeMap<>();
            for (Sample sample : prometheus.query(query, at)) {
                String le = sample.labels().get("le");
                if (le != null && Double.isFinite(sample.value())) {
                    cumulative.merge(Histogram.bound(le), sample.value(), Double::sum);
                }
            }
            return new Histogram(cumulative, query);
        } catch (PrometheusException e) {
            throw new ReadingFailed(e.getMessage(), e.retryable(), e);
        }
    }

    @Override
    public String describe() {
        return "Prometheus at " + prometheus.url();
    }
}
