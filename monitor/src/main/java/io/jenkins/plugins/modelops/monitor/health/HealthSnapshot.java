package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.monitor.gate.GateState;

import java.util.List;
import java.util.Map;

/**
 * What the health page shows at one moment, as plain values: the JSON contract of docs/health-json.md, served by the
 * CLI's dashboard and by the plugin alike. A value that is not known is null (JSON has no NaN); a source that could
 * not be read is a {@code problems} entry, never an exception, so the page always has something to say.
 *
 * @param generatedAt ISO-8601 instant of the reading
 * @param problems what could not be read (Prometheus unreachable, a server gone): the page's banner
 */
public record HealthSnapshot(String generatedAt, Source source, Range range, List<String> problems,
                             List<ModelHealth> models, List<GateTimeline> gates, List<Mail> mailbox) {

    public HealthSnapshot {
        problems = List.copyOf(problems);
        models = List.copyOf(models);
        gates = List.copyOf(gates);
        mailbox = List.copyOf(mailbox);
    }

    /**
     * @param kind {@code prometheus} or {@code scrape} (the embedded default)
     * @param reachable false when nothing could be read from it at all
     */
    public record Source(String kind, String description, boolean reachable) {
    }

    /** The charts' time range and step, and the rate window every value is computed over ({@code 1m}). */
    public record Range(long seconds, long stepSeconds, String rateWindow) {
    }

    /**
     * One served version of a model: what Prometheus or the servers say of it.
     *
     * @param card the model card (Markdown) of a given bundle holding this model; null without one
     */
    public record ModelHealth(String name, String version, String task, Status status, Provenance provenance,
                              String card, List<String> instances, List<Card> cards, List<Chart> charts,
                              List<Alert> alerts) {
        public ModelHealth {
            instances = List.copyOf(instances);
            cards = List.copyOf(cards);
            charts = List.copyOf(charts);
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * The lifecycle state from {@code modelops_model_status} ({@code training}, {@code running}, {@code degraded},
     * {@code rolled_back}...), with its cause; {@code reported} false (and {@code state} {@code unknown}) where no
     * such metric is there.
     */
    public record Status(String state, String cause, boolean reported) {
        public static final Status UNREPORTED = new Status("unknown", null, false);
    }

    /** Where the model comes from; null where the source does not say. */
    public record Provenance(String modelId, String algorithm, String kernel, String track, String dataHash,
                             String imageDigest, String revision) {
    }

    /**
     * One current value: {@code signal} is a gate signal's id ({@code accuracy}, {@code latencyP99}...) or
     * {@code memory}; {@code unit} one of {@code ratio}, {@code seconds}, {@code perSecond}, {@code bytes},
     * {@code label} (the regression target's own unit).
     *
     * @param value null when there is no data (no traffic, no feedback) or it is not a number
     * @param query the PromQL (or the embedded scrape's description of it) behind the value
     */
    public record Card(String signal, String label, String unit, Double value, String query) {
    }

    /** One signal over the range: {@code [epoch seconds, value or null]} points, oldest first. */
    public record Chart(String signal, String label, String unit, List<Point> points) {
        public Chart {
            points = List.copyOf(points);
        }
    }

    public record Point(long t, Double v) {
        public static Point of(long epochSecond, double value) {
            return new Point(epochSecond, Double.isFinite(value) ? value : null);
        }
    }

    /** An alert Prometheus holds for the model, pending or firing. */
    public record Alert(String name, String state, String severity, String summary, String activeAt, Double value,
                        Map<String, String> labels) {
        public Alert {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * A gate's rounds from a state file ({@code modelops gate --state-file}), for the model it names when known.
     *
     * @param problem why the file could not be read (the other fields then null or empty)
     */
    public record GateTimeline(String name, String model, String file, GateState state, String problem) {
    }

    /** An alert message a receiver got (the demo's local SMTP sink): what the page's mailbox lists. */
    public record Mail(String receivedAt, String from, String to, String subject, String text) {
    }
}
