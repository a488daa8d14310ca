package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.prometheus.FiringAlert;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.Sample;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusContract;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds a {@link HealthSnapshot} from Prometheus or from the embedded scrape: the models ({@code modelops_model_info},
 * and {@code modelops_model_status} for versions that no longer serve), their lifecycle state, a card and a chart a
 * panel, their alerts, and the gate timelines asked for. Whatever cannot be read becomes a problem on the page, never
 * an exception. Thread-safe as its source is; {@link #close} stops an embedded scrape.
 */
public final class HealthReader implements AutoCloseable {

    /** When several states are reported for one version (server and Pushgateway), the most telling wins. */
    private static final List<String> PRECEDENCE = java.util.stream.Stream.of(ModelStatus.ROLLED_BACK,
            ModelStatus.DEGRADED, ModelStatus.TRAINING_FAILED, ModelStatus.RUNNING, ModelStatus.DEPLOYING,
            ModelStatus.TRAINED, ModelStatus.TRAINING).map(ModelStatus::label).toList();

    private final Readings readings;

    private HealthReader(Readings readings) {
        this.readings = readings;
    }

    public static HealthReader prometheus(PrometheusClient client) {
        return new HealthReader(new PrometheusReadings(client));
    }

    /** Over a started scrape, whose retention bounds how far back the charts reach; closed with this reader. */
    public static HealthReader scrape(ScrapeSource source) {
        return new HealthReader(new ScrapeReadings(source));
    }

    public HealthSnapshot read(HealthRequest request, Instant now) {
        Set<String> problems = new LinkedHashSet<>();
        HealthSnapshot.Range range = new HealthSnapshot.Range(request.range().toSeconds(), request.stepSeconds(),
                Signal.promDuration(request.rateWindow()));
        List<HealthSnapshot.GateTimeline> gates = GateTimelines.read(request.gates());
        List<Sample> info;
        try {
            info = readings.gauges(ServingContract.MODEL_INFO, now);
        } catch (RuntimeException unreachable) {
            problems.add(readings.describe() + " cannot be read: " + unreachable.getMessage());
            return new HealthSnapshot(now.toString(), source(false), range, List.copyOf(problems), List.of(), gates,
                    request.mailbox());
        }
        List<Sample> statuses = attempt(() -> readings.gauges(StatusContract.MODEL_STATUS, now), problems, List.of());
        List<Sample> causes = attempt(() -> readings.gauges(StatusContract.MODEL_STATUS_CAUSE, now), problems,
                List.of());
        problems.addAll(attempt(() -> readings.problems(now), problems, List.of()));

        Map<List<String>, List<Sample>> served = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        info.forEach(s -> served.computeIfAbsent(key(s), k -> new ArrayList<>()).add(s));
        statuses.stream().filter(s -> s.value() == 1).forEach(s -> served.computeIfAbsent(key(s), k -> new ArrayList<>()));

        Map<Panel, Map<List<String>, Double>> current = new LinkedHashMap<>();
        Map<Panel, Map<List<String>, List<HealthSnapshot.Point>>> charts = new LinkedHashMap<>();
        Instant start = now.minus(request.range());
        for (Panel panel : Panel.all()) {
            current.put(panel, attempt(() -> readings.current(panel, served.keySet(), request.rateWindow(), now),
                    problems, Map.of()));
            charts.put(panel, attempt(() -> readings.series(panel, served.keySet(), request.rateWindow(), start, now,
                    request.stepSeconds()), problems, Map.of()));
        }
        List<FiringAlert> alerts = attempt(readings::alerts, problems, List.of());
        List<ModelCards.Card> bundles = ModelCards.read(request.bundles(), problems);

        List<HealthSnapshot.ModelHealth> models = new ArrayList<>();
        served.forEach((key, infos) -> {
            Map<String, String> facts = infos.isEmpty() ? Map.of() : infos.get(0).labels();
            String task = facts.get(ServingContract.TASK);
            List<HealthSnapshot.Card> cards = new ArrayList<>();
            List<HealthSnapshot.Chart> series = new ArrayList<>();
            for (Panel panel : Panel.forTask(task)) {
                Double value = current.get(panel).get(key);
                cards.add(new HealthSnapshot.Card(panel.id(), panel.label(), panel.unit(),
                        value == null || !Double.isFinite(value) ? null : value,
                        readings.query(panel, key.get(0), key.get(1), request.rateWindow())));
                series.add(new HealthSnapshot.Chart(panel.id(), panel.label(), panel.unit(),
                        charts.get(panel).getOrDefault(key, List.of())));
            }
            String modelId = facts.get(ServingContract.MODEL_ID);
            java.util.Optional<ModelCards.Card> bundle = ModelCards.of(bundles, modelId, key.get(1));
            models.add(new HealthSnapshot.ModelHealth(key.get(0), key.get(1), task, status(key, statuses, causes),
                    new HealthSnapshot.Provenance(modelId, facts.get(ServingContract.ALGORITHM),
                            facts.get(ServingContract.KERNEL), facts.get(ServingContract.TRACK),
                            bundle.map(ModelCards.Card::dataHash).orElse(null), null, null),
                    bundle.map(ModelCards.Card::text).orElse(null),
                    infos.stream().map(s -> s.labels().getOrDefault("instance", "")).distinct().sorted().toList(),
                    cards, series, alerts(key, alerts)));
        });
        return new HealthSnapshot(now.toString(), source(true), range, List.copyOf(problems), models, gates,
                request.mailbox());
    }

    private HealthSnapshot.Source source(boolean reachable) {
        return new HealthSnapshot.Source(readings.kind(), readings.describe(), reachable);
    }

    private static HealthSnapshot.Status status(List<String> key, List<Sample> statuses, List<Sample> causes) {
        String state = statuses.stream().filter(s -> s.value() == 1 && key(s).equals(key))
                .map(s -> s.labels().getOrDefault(StatusContract.STATUS, "")).filter(PRECEDENCE::contains)
                .min(Comparator.comparingInt(PRECEDENCE::indexOf)).orElse(null);
        if (state == null) {
            return HealthSnapshot.Status.UNREPORTED;
        }
        String cause = causes.stream().filter(s -> s.value() == 1 && key(s).equals(key)
                && state.equals(s.labels().get(StatusContract.STATUS))).map(s -> s.labels().get(StatusContract.CAUSE))
                .findFirst().orElse(null);
        return new HealthSnapshot.Status(state, cause, true);
    }

    /** The model's alerts: those labelled with its name, and with its version or none. */
    private static List<HealthSnapshot.Alert> alerts(List<String> key, List<FiringAlert> alerts) {
        return alerts.stream().filter(a -> key.get(0).equals(a.labels().get(ServingContract.MODEL))
                        && key.get(1).equals(a.labels().getOrDefault(ServingContract.VERSION, key.get(1))))
                .map(a -> new HealthSnapshot.Alert(a.name(), a.state(), a.labels().get("severity"),
                        a.annotations().getOrDefault("summary", a.annotations().get("description")),
                        a.activeAt() == null ? null : a.activeAt().toString(),
                        Double.isFinite(a.value()) ? a.value() : null, a.labels()))
                .toList();
    }

    private static List<String> key(Sample sample) {
        return List.of(sample.labels().getOrDefault(ServingContract.MODEL, ""),
                sample.labels().getOrDefault(ServingContract.VERSION, ""));
    }

    private static <T> T attempt(Supplier<T> read, Set<String> problems, T otherwise) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
            return otherwise;
        }
    }

    @Override
    public void close() {
        readings.close();
    }
}
