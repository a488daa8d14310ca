package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a gate reads its signals: Prometheus ({@link PromQlSource}) or, without one, the servers' own
 * {@code /metrics} (the embedded default). Both answer the same question the same way, so the verdict logic is one.
 */
public interface SignalSource {

    /**
     * The signal for {@code model} (and {@code version}, when given) over the {@code lookback} that ends at
     * {@code at}, and how many samples it rests on. Throws {@link ReadingFailed} when it cannot be read at all.
     */
    Reading read(Signal signal, String model, Optional<String> version, Signal.Source source, Duration lookback,
                 Instant at);

    /**
     * The requests of {@code model} version {@code version} over the {@code lookback} that ends at {@code at}, by
     * latency bucket: cumulative counts by upper bound in seconds (+Inf last), empty when it served nothing. What a
     * distribution test ({@code latency<=baseline}) compares.
     */
    default Histogram histogram(String model, String version, Duration lookback, Instant at) {
        throw new ReadingFailed(describe() + " cannot read latency histograms", false, null);
    }

    /** What this source is, for the evidence: {@code Prometheus at http://...} or {@code scrape of 2 endpoints}. */
    String describe();

    /**
     * @param value empty when there was no data (an empty result); NaN when the data divided nothing by nothing
     * @param query the resolved query, shown with the measurement
     */
    record Reading(Optional<Double> value, long samples, String query) {
    }

    /** Cumulative request counts by bucket bound, and the query (or computation) that gave them. */
    record Histogram(java.util.SortedMap<Double, Double> cumulative, String query) {

        public Histogram {
            cumulative = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(cumulative));
        }

        /** An {@code le} label's bound. */
        public static double bound(String le) {
            return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        }
    }

    /** The source could not answer (unreachable, 5xx, timeout): the measurement is an ERROR, never a guess. */
    final class ReadingFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final boolean retryable;

        public ReadingFailed(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
