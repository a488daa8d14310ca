package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What the embedded gate scrapes and how: every replica's {@code /metrics} (a server's base URL is enough), every
 * {@code interval}, each scrape given up after {@code timeout}, scrapes kept for {@code retention}.
 *
 * @param retention how far back a reading can look: the gate's window and a margin ({@link #of})
 * @param caCertificate the private CA (PEM) the servers' HTTPS is signed with; empty: the JDK's roots
 */
public record ScrapeConfig(List<URI> endpoints, Duration interval, Duration timeout, Duration retention,
                           Optional<Path> caCertificate) {

    /** Prometheus' own choice for a fast local scrape, and what {@code PrometheusServer} in the tests uses. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    public ScrapeConfig {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new InvalidInputException(Parameter.ENDPOINT, "the embedded gate needs the servers to read: give "
                    + "each replica's URL with " + Parameter.ENDPOINT.ref() + " (e.g. http://127.0.0.1:8080, whose "
                    + "/metrics is read), or a Prometheus URL with " + Parameter.PROMETHEUS_URL.ref());
        }
        endpoints = List.copyOf(new LinkedHashSet<>(endpoints.stream().map(ScrapeConfig::metricsUrl).toList()));
        if (interval == null || interval.toMillis() < 100) {
            throw new InvalidInputException("the scrape interval " + millis(interval) + " must be at least 100ms");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new InvalidInputException("the scrape timeout " + millis(timeout) + " must be positive and at most "
                    + "the scrape interval " + millis(interval) + " (scrapes of one endpoint never overlap)");
        }
        if (retention == null || retention.compareTo(interval.multipliedBy(2)) < 0) {
            throw new InvalidInputException("the scrape retention " + millis(retention) + " must hold at least two "
                    + "scrapes (twice the interval " + millis(interval) + "): a rate needs two");
        }
        caCertificate = caCertificate == null ? Optional.empty() : caCertificate;
    }

    /**
     * For a gate observing {@code window}: a scrape a second (timeout the same), kept for the window and one more
     * minute, as a reading looks back at most one window from a due time that may come a little late.
     */
    public static ScrapeConfig of(List<URI> endpoints, Duration window) {
        return new ScrapeConfig(endpoints, DEFAULT_INTERVAL, DEFAULT_INTERVAL, window.plusMinutes(1), Optional.empty());
    }

    public ScrapeConfig withInterval(Duration value) {
        return new ScrapeConfig(endpoints, value, value.compareTo(timeout) < 0 ? value : timeout, retention,
                caCertificate);
    }

    public ScrapeConfig withCaCertificate(Path pem) {
        return new ScrapeConfig(endpoints, interval, timeout, retention, Optional.ofNullable(pem));
    }

    private static String millis(Duration duration) {
        return duration == null ? "(none)" : duration.toMillis() + "ms";
    }

    /** {@code http://host:port} and {@code http://host:port/} mean the server's {@code /metrics}; a path stays. */
    static URI metricsUrl(URI url) {
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme())
                || "https".equals(url.getScheme())) || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new InvalidInputException(Parameter.ENDPOINT, Parameter.ENDPOINT.ref() + " '" + url + "' is not a "
                    + "model server's URL: give "
                    + "http(s)://HOST:PORT (its /metrics is read) or the full URL of the metrics, e.g. "
                    + "http://127.0.0.1:8080 or http://10.0.0.7:9090/metrics");
        }
        String path = url.getRawPath();
        return path == null || path.isEmpty() || path.equals("/") ? url.resolve("/metrics") : url;
    }
}
