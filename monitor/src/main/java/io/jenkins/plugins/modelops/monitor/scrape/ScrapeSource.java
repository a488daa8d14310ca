package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The embedded default: without a Prometheus, the gate reads the model servers' own {@code /metrics}. Every
 * endpoint (replica) is scraped in the background each interval and its recent scrapes are kept in memory; a
 * reading at {@code at} over {@code lookback} computes the signal from the scrapes in {@code [at - lookback, at]}
 * exactly as {@link Signal#query}'s PromQL does on Prometheus ({@link SignalMath}, {@link PromMath}), summing the
 * replicas. One scheduler thread (it also runs the HTTP client's callbacks); {@link #close} stops it.
 *
 * <p>What it cannot do: {@code alerts} (Prometheus' rule evaluation; refused), and remember scrapes across a restart
 * of the gate (a resumed gate reads what was scraped since; earlier rounds keep their evidence).
 */
public final class ScrapeSource implements SignalSource, AutoCloseable {

    private final ScrapeConfig config;
    private final Progress progress;
    private final ScheduledExecutorService scheduler;
    private final HttpClient client;
    private final List<Endpoint> endpoints;

    /** One endpoint's recent scrapes, oldest first, and whether a scrape of it is under way. */
    private static final class Endpoint {
        final URI url;
        final Deque<Scrape> scrapes = new ArrayDeque<>();
        final AtomicBoolean busy = new AtomicBoolean();
        boolean down;

        Endpoint(URI url) {
            this.url = url;
        }

        synchronized void add(Scrape scrape, Instant oldest) {
            scrapes.addLast(scrape);
            while (!scrapes.isEmpty() && scrapes.peekFirst().at().isBefore(oldest)) {
                scrapes.removeFirst();
            }
        }

        synchronized List<Scrape> snapshot() {
            return List.copyOf(scrapes);
        }
    }

    private ScrapeSource(ScrapeConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "modelops-scrape");
            thread.setDaemon(true);
            return thread;
        });
        this.client = io.jenkins.plugins.modelops.monitor.tls.TrustedCa.trust(HttpClient.newBuilder()
                .executor(scheduler).connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NORMAL),
                config.caCertificate()).build();
        this.endpoints = config.endpoints().stream().map(Endpoint::new).toList();
    }

    /** Starts scraping at once; the first reading should come an interval or more later (a rate needs two). */
    public static ScrapeSource start(ScrapeConfig config, Progress progress) {
        ScrapeSource source = new ScrapeSource(config, progress);
        progress.info("Embedded gate (no Prometheus): scraping " + source.urls() + " every "
                + config.interval().toMillis() + "ms");
        source.scheduler.scheduleAtFixedRate(source::scrapeAll, 0, config.interval().toMillis(),
                TimeUnit.MILLISECONDS);
        return source;
    }

    /**
     * Refuses, before a gate starts, conditions the servers' metrics cannot answer: {@code alerts} are Prometheus'
     * rule evaluation, not a server's.
     */
    public static void check(Collection<Condition> conditions) {
        conditions.stream().filter(c -> c.signal() == Signal.ALERTS).findFirst().ifPresent(c -> {
            throw alertsRefused(c.expression());
        });
    }

    private static InvalidInputException alertsRefused(String what) {
        return new InvalidInputException(Parameter.GATE, "'" + what + "' needs Prometheus: alerts are its rule "
                + "evaluation, which the servers' /metrics do not have; give a Prometheus URL with "
                + Parameter.PROMETHEUS_URL.ref() + ", or gate on the signals themselves (accuracy, mae, rmse, "
                + "latencyP50|P95|P99, latency, errorRate, requestRate)");
    }

    @Override
    public Reading read(Signal signal, String model, Optional<String> version, Signal.Source source,
                        Duration lookback, Instant at) {
        if (signal == Signal.ALERTS) {
            throw alertsRefused(signal.id());
        }
        String matchers = "model=\"" + model + "\"" + version.map(v -> ",version=\"" + v + "\"").orElse("");
        String query = signal.query(matchers, Signal.promDuration(lookback), source) + "  (computed from "
                + describe() + ")";
        SignalMath math = math(model, version, source, lookback, at);
        Map<List<String>, Double> values = math.value(signal);
        long samples = Math.round(math.samples(signal).values().stream().mapToDouble(Double::doubleValue)
                .filter(Double::isFinite).sum());
        if (values.isEmpty()) {
            return new Reading(Optional.empty(), samples, query);
        }
        if (values.size() > 1) {
            // Several versions answered (no version given while two run): the gate cannot pick one, as on Prometheus.
            throw new ReadingFailed(values.size() + " versions of " + model + " answered (" + values.keySet().stream()
                    .map(group -> group.get(1)).sorted().toList() + "): give the version under test", false, null);
        }
        return new Reading(Optional.of(values.values().iterator().next()), samples, query);
    }

    @Override
    public Histogram histogram(String model, String version, Duration lookback, Instant at) {
        String query = Signal.LATENCY.query("model=\"" + model + "\",version=\"" + version + "\"",
                Signal.promDuration(lookback), Signal.Source.ANY) + "  (computed from " + describe() + ")";
        java.util.SortedMap<Double, Double> cumulative = new java.util.TreeMap<>();
        math(model, Optional.of(version), Signal.Source.ANY, lookback, at).buckets().forEach((group, count) ->
                cumulative.merge(Histogram.bound(group.get(2)), count, Double::sum));
        return new Histogram(cumulative, query);
    }

    /** The scrapes of every endpoint that answered at {@code at}, over the lookback; none answering is a failure. */
    private SignalMath math(String model, Optional<String> version, Signal.Source source, Duration lookback,
                            Instant at) {
        long end = at.toEpochMilli();
        long start = at.minus(lookback).toEpochMilli();
        List<List<Scrape>> answered = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            List<Scrape> scrapes = endpoint.snapshot();
            Optional<String> problem = problemAt(scrapes, at);
            if (problem.isPresent()) {
                failures.add(endpoint.url + ": " + problem.get());
                continue;
            }
            answered.add(scrapes.stream().filter(s -> s.succeeded() && s.at().toEpochMilli() >= start
                    && s.at().toEpochMilli() <= end).toList());
        }
        if (answered.isEmpty()) {
            throw new ReadingFailed("no endpoint could be read at " + at + ": " + String.join("; ", failures), true,
                    null);
        }
        return new SignalMath(answered, model, version, source, start, end);
    }

    /**
     * Why an endpoint cannot count at {@code at}: its last scrape by then failed, none was made yet, or the last one
     * is too old (scraping stalled). Empty when it answered.
     */
    private Optional<String> problemAt(List<Scrape> scrapes, Instant at) {
        Scrape last = null;
        for (Scrape scrape : scrapes) {
            if (!scrape.at().isAfter(at)) {
                last = scrape;
            }
        }
        if (last == null) {
            return Optional.of("not scraped by then (scraping started later, or those scrapes are older than the "
                    + "retention " + config.retention().toSeconds() + "s)");
        }
        if (last.failure().isPresent()) {
            return last.failure();
        }
        Duration stale = config.interval().multipliedBy(3).plus(config.timeout());
        if (last.at().isBefore(at.minus(stale))) {
            return Optional.of("last scraped at " + last.at() + ", over " + stale.toMillis() + "ms before");
        }
        return Optional.empty();
    }

    private void scrapeAll() {
        Instant now = Instant.now();
        for (Endpoint endpoint : endpoints) {
            if (!endpoint.busy.compareAndSet(false, true)) {
                continue; // the last scrape of it is still under way: never two at once, as in Prometheus
            }
            HttpRequest request = HttpRequest.newBuilder(endpoint.url).timeout(config.timeout())
                    .header("Accept", Exposition.ACCEPT).GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
                Scrape scrape = error != null ? Scrape.failed(now, failure(error)) : parse(now, response);
                endpoint.add(scrape, Instant.now().minus(config.retention()));
                changed(endpoint, scrape);
                endpoint.busy.set(false);
                return null;
            });
        }
    }

    private static Scrape parse(Instant at, HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            return Scrape.failed(at, "answered HTTP " + response.statusCode());
        }
        String type = response.headers().firstValue("Content-Type").orElse("none");
        if (!type.startsWith(Exposition.CONTENT_TYPE)) {
            return Scrape.failed(at, "answered Content-Type " + type + ", not the Prometheus protobuf format it was "
                    + "asked for (is it a modelops model server?)");
        }
        try {
            return Scrape.ok(at, Exposition.parse(response.body()));
        } catch (IOException | RuntimeException e) {
            return Scrape.failed(at, "answered metrics that do not parse as Prometheus protobuf: " + e.getMessage());
        }
    }

    private String failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + config.timeout().toMillis() + "ms";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "its certificate is not trusted (" + cause.getMessage() + "): give the CA it is signed with ("
                    + io.jenkins.plugins.modelops.Parameter.SERVER_CA.ref() + " PEM)";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** Says when an endpoint stops or starts answering, once, not at every scrape. */
    private void changed(Endpoint endpoint, Scrape scrape) {
        boolean down = !scrape.succeeded();
        if (down != endpoint.down) {
            endpoint.down = down;
            if (down) {
                progress.warn("scrape of " + endpoint.url + " failed: " + scrape.failure().orElseThrow());
            } else {
                progress.info("scrape of " + endpoint.url + " answers again");
            }
        }
    }

    private String urls() {
        return endpoints.stream().map(e -> e.url.toString()).collect(Collectors.joining(", "));
    }

    @Override
    public String describe() {
        return "the scrapes of " + endpoints.size() + " endpoint" + (endpoints.size() == 1 ? "" : "s") + " ("
                + urls() + ")";
    }

    /**
     * The gauges named {@code name} (one of {@link io.jenkins.plugins.modelops.monitor.signal.Gauges#ALL}) as each
     * endpoint's last scrape at or before {@code at} had them, with the endpoint as the {@code instance} label; an
     * endpoint whose last scrape failed or is stale has none, as a target that is down has no series in Prometheus.
     */
    public List<io.jenkins.plugins.modelops.monitor.prometheus.Sample> gauges(String name, Instant at) {
        List<io.jenkins.plugins.modelops.monitor.prometheus.Sample> samples = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            List<Scrape> scrapes = endpoint.snapshot();
            if (problemAt(scrapes, at).isPresent()) {
                continue;
            }
            Scrape last = scrapes.stream().filter(s -> !s.at().isAfter(at)).reduce((a, b) -> b).orElseThrow();
            last.values().forEach((series, value) -> {
                if (series.name().equals(name)) {
                    Map<String, String> labels = new java.util.HashMap<>(series.labels());
                    labels.put("instance", endpoint.url.getAuthority());
                    samples.add(new io.jenkins.plugins.modelops.monitor.prometheus.Sample(labels, last.at(), value));
                }
            });
        }
        return samples;
    }

    /** Each endpoint that cannot be read now and why ({@code URL: connection refused}); empty when all answer. */
    public List<String> failures(Instant at) {
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            problemAt(endpoint.snapshot(), at).ifPresent(problem -> failures.add(endpoint.url + ": " + problem));
        }
        return failures;
    }

    /** The oldest scrape kept of any endpoint: readings before it have nothing to rest on. */
    public Optional<Instant> oldestScrape() {
        return endpoints.stream().flatMap(e -> e.snapshot().stream().limit(1)).map(Scrape::at)
                .min(java.util.Comparator.naturalOrder());
    }

    /** The scrapes kept for one endpoint, oldest first (tests read the real timestamps off them). */
    List<Scrape> scrapes(URI metricsUrl) {
        return endpoints.stream().filter(e -> e.url.equals(metricsUrl)).findFirst().orElseThrow().snapshot();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
