package io.jenkins.plugins.modelops.monitor.scrape;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One scrape of one endpoint, stamped with the time it started (as Prometheus stamps its samples): the values of the
 * series the gate reads, or what went wrong.
 *
 * @param failure what the endpoint answered instead of metrics (a status, a refused connection, a timeout)
 */
record Scrape(Instant at, Map<Series, Double> values, Optional<String> failure) {

    Scrape {
        values = Map.copyOf(values);
    }

    static Scrape ok(Instant at, Map<Series, Double> values) {
        return new Scrape(at, values, Optional.empty());
    }

    static Scrape failed(Instant at, String failure) {
        return new Scrape(at, Map.of(), Optional.of(failure));
    }

    boolean succeeded() {
        return failure.isEmpty();
    }
}
