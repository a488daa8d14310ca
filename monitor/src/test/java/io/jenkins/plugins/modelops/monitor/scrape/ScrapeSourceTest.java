package io.jenkins.plugins.modelops.monitor.scrape;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The embedded scrape on real model servers driven with known traffic. Readings are taken at the time of a real
 * scrape over a lookback that starts at an earlier real scrape, so PromQL's extrapolation has nothing to stretch and
 * every increase and ratio is exactly the traffic sent.
 */
class ScrapeSourceTest {

    private static final Duration FAST = Duration.ofMillis(200);

    private static ScrapeSource scrape(List<URI> endpoints) {
        return ScrapeSource.start(ScrapeConfig.of(endpoints, Duration.ofMinutes(1)).withInterval(FAST),
                Progress.silent());
    }

    /** Waits (bounded) for the first successful scrape of {@code url} that started after {@code after}. */
    private static Scrape scrapeAfter(ScrapeSource source, URI url, Instant after) throws InterruptedException {
        return await(source, url, s -> s.succeeded() && s.at().isAfter(after));
    }

    private static Scrape await(ScrapeSource source, URI url, Predicate<Scrape> wanted) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<Scrape> found = source.scrapes(url).stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such scrape of " + url + " in 10 s: " + source.scrapes(url));
    }

    private static SignalSource.Reading read(ScrapeSource source, Signal signal, ServedIris iris, Signal.Source from,
                                             Scrape start, Scrape end) {
        return source.read(signal, iris.name(), Optional.of(iris.version()), from,
                Duration.between(start.at(), end.at()), end.at());
    }

    @Test
    void computesExactIncreasesRatesAndRatiosFromRealScrapes() throws Exception {
        try (ServedIris iris = ServedIris.start(); ScrapeSource source = scrape(List.of(iris.url()))) {
            // Every series exists before the range starts: PromQL does not count a new series' first value.
            iris.predict(1);
            iris.bad(1);
            iris.evaluate(1, 1);
            Scrape first = scrapeAfter(source, iris.metricsUrl(), Instant.now());
            iris.predict(30);
            iris.bad(3);
            iris.evaluate(12, 4);
            Scrape last = scrapeAfter(source, iris.metricsUrl(), Instant.now());
            // samples are stamped in milliseconds, as in Prometheus
            double seconds = (last.at().toEpochMilli() - first.at().toEpochMilli()) / 1000.0;

            SignalSource.Reading requests = read(source, Signal.REQUEST_RATE, iris, Signal.Source.ANY, first, last);
            // 30 predictions, 3 refused, 1 evaluate request
            assertThat(requests.samples()).isEqualTo(34);
            assertThat(requests.value().orElseThrow()).isCloseTo(34 / seconds, within(1e-9));
            assertThat(requests.query()).isEqualTo("sum by (model, version) (rate(modelops_requests_total{model=\"iris\","
                    + "version=\"" + iris.version() + "\"}[" + Signal.promDuration(Duration.between(first.at(),
                    last.at())) + "]))  (computed from the scrapes of 1 endpoint (" + iris.metricsUrl() + "))");
            assertThat(read(source, Signal.ERROR_RATE, iris, Signal.Source.ANY, first, last).value().orElseThrow())
                    .isCloseTo(3 / 34.0, within(1e-12));
            SignalSource.Reading accuracy = read(source, Signal.ACCURACY, iris, Signal.Source.ANY, first, last);
            assertThat(accuracy.value().orElseThrow()).isCloseTo(0.75, within(1e-12));
            assertThat(accuracy.samples()).isEqualTo(16);
            assertThat(read(source, Signal.ACCURACY, iris, Signal.Source.PROBE, first, last).value().orElseThrow())
                    .isCloseTo(0.75, within(1e-12));
            // No ground-truth feedback by prediction id came: nothing divided by nothing.
            SignalSource.Reading label = read(source, Signal.ACCURACY, iris, Signal.Source.LABEL, first, last);
            assertThat(label.value().orElseThrow()).isNaN();
            assertThat(label.samples()).isZero();
            // 34 requests timed: the p99 lies inside the server's buckets (10 s at most), and p50 below it.
            double p99 = read(source, Signal.LATENCY_P99, iris, Signal.Source.ANY, first, last).value().orElseThrow();
            double p50 = read(source, Signal.LATENCY_P50, iris, Signal.Source.ANY, first, last).value().orElseThrow();
            assertThat(p99).isGreaterThan(0).isLessThanOrEqualTo(10);
            assertThat(p50).isGreaterThan(0).isLessThanOrEqualTo(p99);
        }
    }

    @Test
    void protobufScrapesCarryTheValuesOfTheTextFormat() throws Exception {
        try (ServedIris iris = ServedIris.start(); ScrapeSource source = scrape(List.of(iris.url()))) {
            iris.predict(7);
            iris.evaluate(5, 2);
            Scrape scrape = scrapeAfter(source, iris.metricsUrl(), Instant.now());
            String v = ",version=\"" + iris.version() + "\"";
            String requests = "modelops_requests_total{code=\"200\",model=\"iris\",protocol=\"v1\"" + v + "}";
            assertThat(value(scrape, "modelops_requests_total", "protocol", "v1")).isEqualTo(iris.textMetric(requests))
                    .isEqualTo(7.0);
            String correct = "modelops_feedback_total{model=\"iris\",outcome=\"correct\",source=\"probe\"" + v + "}";
            assertThat(value(scrape, "modelops_feedback_total", "outcome", "correct", "source", "probe"))
                    .isEqualTo(iris.textMetric(correct)).isEqualTo(5.0);
            String count = "modelops_request_duration_seconds_count{model=\"iris\"" + v + "}";
            assertThat(value(scrape, "modelops_request_duration_seconds_count")).isEqualTo(iris.textMetric(count))
                    .isEqualTo(7.0);
            assertThat(value(scrape, "modelops_request_duration_seconds_bucket", "le", "+Inf")).isEqualTo(7.0);
            assertThat(value(scrape, "modelops_request_duration_seconds_bucket", "le", "10.0")).isEqualTo(7.0);
        }
    }

    private static double value(Scrape scrape, String name, String... labels) {
        return scrape.values().entrySet().stream().filter(e -> e.getKey().name().equals(name)).filter(e -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!e.getKey().label(labels[i]).equals(labels[i + 1])) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(e -> e.getValue()).sum();
    }

    @Test
    void replicasAreSummedLikeSeriesOfOneJob() throws Exception {
        try (ServedIris a = ServedIris.start(); ServedIris b = ServedIris.start();
             ScrapeSource source = scrape(List.of(a.url(), b.url()))) {
            for (ServedIris replica : List.of(a, b)) {
                replica.predict(1);
                replica.evaluate(1, 1);
            }
            // One scrape round stamps every endpoint with the same time: the range ends on both replicas' samples.
            Scrape first = scrapeAfter(source, a.metricsUrl(), Instant.now());
            await(source, b.metricsUrl(), s -> s.at().equals(first.at()));
            a.predict(10);
            a.evaluate(9, 1);
            b.predict(20);
            b.evaluate(10, 20);
            Scrape last = scrapeAfter(source, a.metricsUrl(), Instant.now());
            scrapeAfter(source, b.metricsUrl(), last.at().minusMillis(1));
            assertThat(source.scrapes(b.metricsUrl())).extracting(Scrape::at).contains(first.at(), last.at());

            SignalSource.Reading requests = read(source, Signal.REQUEST_RATE, a, Signal.Source.ANY, first, last);
            assertThat(requests.samples()).isEqualTo(32);
            // 19 correct of 40 over both replicas, not the mean of their accuracies (0.9 and 0.33)
            SignalSource.Reading accuracy = read(source, Signal.ACCURACY, a, Signal.Source.ANY, first, last);
            assertThat(accuracy.value().orElseThrow()).isCloseTo(19 / 40.0, within(1e-12));
            assertThat(accuracy.samples()).isEqualTo(40);
            assertThat(source.describe()).isEqualTo("the scrapes of 2 endpoints (" + a.metricsUrl() + ", "
                    + b.metricsUrl() + ")");
        }
    }

    @Test
    void anErrorFreeVersionHasAnErrorRatioOfZeroAndTwoVersionsNeedTheVersion() throws Exception {
        try (ServedIris stable = ServedIris.start(0, "v1"); ServedIris canary = ServedIris.start(0, "v2");
             ScrapeSource source = scrape(List.of(stable.url(), canary.url()))) {
            stable.predict(1);
            canary.predict(1);
            Scrape first = scrapeAfter(source, stable.metricsUrl(), Instant.now());
            await(source, canary.metricsUrl(), s -> s.at().equals(first.at()));
            stable.predict(5);
            canary.predict(5);
            Scrape last = scrapeAfter(source, stable.metricsUrl(), Instant.now());
            scrapeAfter(source, canary.metricsUrl(), last.at().minusMillis(1));
            // No non-2xx series exists at all: the ratio is 0, as "errors or on (model, version) 0 * all" makes it.
            SignalSource.Reading errors = read(source, Signal.ERROR_RATE, stable, Signal.Source.ANY, first, last);
            assertThat(errors.value()).contains(0.0);
            assertThat(errors.samples()).isEqualTo(5);
            assertThatThrownBy(() -> source.read(Signal.REQUEST_RATE, "iris", Optional.empty(), Signal.Source.ANY,
                    Duration.between(first.at(), last.at()), last.at()))
                    .isInstanceOf(SignalSource.ReadingFailed.class)
                    .hasMessage("2 versions of iris answered ([v1, v2]): give the version under test")
                    .matches(e -> !((SignalSource.ReadingFailed) e).retryable());
        }
    }

    @Test
    void aRestartedReplicaCountsOnFromZeroNeverBackwards() throws Exception {
        ServedIris iris = ServedIris.start();
        int port = iris.port();
        URI url = iris.metricsUrl();
        try (ScrapeSource source = scrape(List.of(iris.url()))) {
            iris.predict(1);
            Scrape first = scrapeAfter(source, url, Instant.now());
            iris.predict(20);
            scrapeAfter(source, url, Instant.now());
            Instant stopped = Instant.now();
            iris.close();
            await(source, url, s -> !s.succeeded() && s.at().isAfter(stopped));
            iris = ServedIris.start(port);
            // 5 after the restart: the counter reads 5 where it read 21, a reset, not 16 requests fewer.
            iris.predict(5);
            Scrape last = scrapeAfter(source, url, Instant.now());
            SignalSource.Reading requests = read(source, Signal.REQUEST_RATE, iris, Signal.Source.ANY, first, last);
            assertThat(requests.samples()).isEqualTo(25);
            assertThat(requests.value().orElseThrow()).isPositive();
        } finally {
            iris.close();
        }
    }

    @Test
    void aReplicaGoneLeavesTheOthersAndNoneLeftFailsTheReadingNamingEachUrl() throws Exception {
        ServedIris a = ServedIris.start();
        ServedIris b = ServedIris.start();
        URI aUrl = a.metricsUrl(); // a stopped server has no port to tell
        URI bUrl = b.metricsUrl();
        try (ScrapeSource source = scrape(List.of(a.url(), b.url()))) {
            a.predict(1);
            b.predict(1);
            Scrape first = scrapeAfter(source, aUrl, Instant.now());
            a.predict(4);
            b.predict(6);
            b.close();
            // (a first scrape may have failed too: slow while the JVM warms up)
            Scrape gone = await(source, bUrl, s -> !s.succeeded() && s.at().isAfter(first.at()));
            Scrape last = scrapeAfter(source, aUrl, gone.at());
            // b's samples until it went count, as its series' samples do in Prometheus until they go stale.
            // (b's part is extrapolated half an interval past its last sample: not an exact count)
            assertThat(read(source, Signal.REQUEST_RATE, a, Signal.Source.ANY, first, last).samples())
                    .isGreaterThanOrEqualTo(4);

            a.close();
            // (a stopping server answers 503 for a moment; then nothing listens)
            Optional<String> refused = Optional.of("connection refused");
            Scrape down = await(source, aUrl, s -> s.failure().equals(refused) && s.at().isAfter(last.at()));
            Scrape bDown = await(source, bUrl, s -> s.failure().equals(refused) && !s.at().isBefore(down.at()));
            Instant at = bDown.at().isAfter(down.at()) ? bDown.at() : down.at();
            assertThatThrownBy(() -> source.read(Signal.ACCURACY, "iris", Optional.empty(), Signal.Source.ANY,
                    Duration.ofSeconds(10), at))
                    .isInstanceOf(SignalSource.ReadingFailed.class)
                    .hasMessage("no endpoint could be read at " + at + ": " + aUrl + ": connection refused; "
                            + bUrl + ": connection refused")
                    .matches(e -> ((SignalSource.ReadingFailed) e).retryable());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void anEndpointThatIsNoModelServerIsSaid() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/metrics", exchange -> {
            byte[] body = "up 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        URI base = URI.create("http://127.0.0.1:" + other.getAddress().getPort());
        try (ScrapeSource source = scrape(List.of(base, base.resolve("/nothing")))) {
            Scrape text = await(source, base.resolve("/metrics"), s -> !s.succeeded());
            Scrape missing = await(source, base.resolve("/nothing"), s -> !s.succeeded());
            Instant at = text.at().isAfter(missing.at()) ? text.at() : missing.at();
            assertThatThrownBy(() -> source.read(Signal.REQUEST_RATE, "iris", Optional.empty(), Signal.Source.ANY,
                    Duration.ofSeconds(10), at))
                    .hasMessage("no endpoint could be read at " + at + ": " + base + "/metrics: answered Content-Type "
                            + "text/plain; version=0.0.4, not the Prometheus protobuf format it was asked for (is it a "
                            + "modelops model server?); " + base + "/nothing: answered HTTP 404");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void alertsNeedPrometheus() {
        String expected = "'alerts==0' needs Prometheus: alerts are its rule evaluation, which the servers' /metrics "
                + "do not have; give a Prometheus URL with prometheusUrl:, or gate on the signals themselves "
                + "(accuracy, mae, rmse, latencyP50|P95|P99, latency, errorRate, requestRate)";
        assertThatThrownBy(() -> ScrapeSource.check(List.of(Condition.parse("accuracy>=0.9"),
                Condition.parse("alerts==0")))).isInstanceOf(InvalidInputException.class).hasMessage(expected);
        try (ScrapeSource source = scrape(List.of(URI.create("http://127.0.0.1:9")))) {
            assertThatThrownBy(() -> source.read(Signal.ALERTS, "iris", Optional.empty(), Signal.Source.ANY,
                    Duration.ofSeconds(10), Instant.now())).isInstanceOf(InvalidInputException.class)
                    .hasMessage(expected.replace("'alerts==0'", "'alerts'"));
        }
    }

    @Test
    void configurationMistakesAreSaid() {
        assertThatThrownBy(() -> ScrapeConfig.of(List.of(), Duration.ofMinutes(5))).hasMessage("the embedded gate "
                + "needs the servers to read: give each replica's URL with endpoint: (e.g. http://127.0.0.1:8080, "
                + "whose /metrics is read), or a Prometheus URL with prometheusUrl:");
        assertThatThrownBy(() -> ScrapeConfig.of(List.of(URI.create("ftp://host/x")), Duration.ofMinutes(5)))
                .isInstanceOf(InvalidInputException.class).hasMessage("endpoint: 'ftp://host/x' is not a model "
                        + "server's URL: give http(s)://HOST:PORT (its /metrics is read) or the full URL of the "
                        + "metrics, e.g. http://127.0.0.1:8080 or http://10.0.0.7:9090/metrics");
        assertThatThrownBy(() -> ScrapeConfig.of(List.of(URI.create("http://h:1")), Duration.ofMinutes(5))
                .withInterval(Duration.ofMillis(10))).hasMessage("the scrape interval 10ms must be at least 100ms");
        assertThat(ScrapeConfig.of(List.of(URI.create("http://h:1"), URI.create("http://h:1/"),
                URI.create("http://h:2/custom")), Duration.ofMinutes(5)).endpoints())
                .containsExactly(URI.create("http://h:1/metrics"), URI.create("http://h:2/custom"));
    }
}
