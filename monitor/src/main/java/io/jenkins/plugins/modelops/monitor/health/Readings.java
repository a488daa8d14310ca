package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.monitor.prometheus.FiringAlert;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a source answers for one snapshot: Prometheus ({@link PrometheusReadings}) or the servers' own metrics
 * ({@link ScrapeReadings}). {@link HealthReader} builds the snapshot from it once for both. A method that cannot
 * read throws; the reader turns that into a problem on the page. Values are keyed by {@code [model, version]}.
 */
interface Readings extends AutoCloseable {

    /** {@code prometheus} or {@code scrape}, and what it is for the page. */
    String kind();

    String describe();

    /** The series of a gauge family ({@link io.jenkins.plugins.modelops.monitor.signal.Gauges}) at {@code at}. */
    List<Sample> gauges(String family, Instant at);

    Map<List<String>, Double> current(Panel panel, Set<List<String>> models, Duration window, Instant at);

    Map<List<String>, List<HealthSnapshot.Point>> series(Panel panel, Set<List<String>> models, Duration window,
                                                         Instant start, Instant end, long stepSeconds);

    /** The PromQL (or the scrape's account of it) behind a model's value. */
    String query(Panel panel, String model, String version, Duration window);

    List<FiringAlert> alerts();

    /** Parts that cannot be read now although the source answers: a target down, a server gone. */
    List<String> problems(Instant at);

    @Override
    void close();
}
