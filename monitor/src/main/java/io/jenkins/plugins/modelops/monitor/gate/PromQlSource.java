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

    private final PrometheusClient prometheus;

    public PromQlSource(PrometheusClient prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public Reading read(Signal signal, String model, Optional<String> version, Signal.Source source,
                        Duration lookback, Instant at) {
        String matchers = "model=\"" + model + "\"" + version.map(v -> ",version=\"" + v + "\"").orElse("");
        String range = Signal.promDuration(lookback);
        String query = signal.query(matchers, range, source);
        try {
            List<Sample> values = prometheus.query(query, at);
            if (signal == Signal.ALERTS) {
                // No firing alert is an empty result: zero alerts, which Prometheus did answer.
                return new Reading(Optional.of(values.stream().mapToDouble(Sample::value).sum()), 1, query);
            }
            List<Sample> samples = prometheus.query(signal.sampleQuery(matchers, range, source), at);
            long count = Math.round(samples.stream().mapToDouble(Sample::value).filter(Double::isFinite).sum());
            if (values.isEmpty()) {
                return new Reading(Optional.empty(), count, query);
            }
            if (values.size() > 1) {
                // Several versions answered (no version given while two run): the gate cannot pick one for itself.
                return new Reading(Optional.of(Double.NaN), count, query + "  (" + values.size() + " series: give "
                        + "the version)");
            }
            return new Reading(Optional.of(values.get(0).value()), count, query);
        } catch (PrometheusException e) {
            throw new ReadingFailed(e.getMessage(), e.retryable(), e);
        }
    }

    @Override
    public String describe() {
        return "Prometheus at " + prometheus.url();
    }
}
