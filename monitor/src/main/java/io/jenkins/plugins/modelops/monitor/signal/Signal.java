package io.jenkins.plugins.modelops.monitor.signal;

import io.jenkins.plugins.modelops.metrics.ServingContract;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a gate or an alert measures on a deployed model, and the PromQL that measures it over the server's metric
 * contract ({@link ServingContract}). Every expression aggregates {@code by (model, version)} (and {@code source}
 * where feedback is split by it), so that one query answers for a stable version and a canary side by side.
 */
public enum Signal {
    ACCURACY("accuracy", Unit.RATIO, "classification"),
    MAE("mae", Unit.LABEL, "regression"),
    RMSE("rmse", Unit.LABEL, "regression"),
    LATENCY_P50("latencyP50", Unit.SECONDS, null),
    LATENCY_P95("latencyP95", Unit.SECONDS, null),
    LATENCY_P99("latencyP99", Unit.SECONDS, null),
    ERROR_RATE("errorRate", Unit.RATIO, null),
    REQUEST_RATE("requestRate", Unit.PER_SECOND, null),
    ALERTS("alerts", Unit.COUNT, null),
    /** The whole latency distribution, compared with the baseline's by a Mann-Whitney U test: latency<=baseline. */
    LATENCY("latency", Unit.SECONDS, null);

    /** How a threshold is written: {@code 50ms}, {@code 1%}, a bare number in the signal's own unit. */
    public enum Unit { RATIO, SECONDS, PER_SECOND, COUNT, LABEL }

    /** Which feedback counts: ground truth by prediction id, the probe's evaluate form, or both. */
    public enum Source {
        LABEL, PROBE, ANY;

        String matcher() {
            return switch (this) {
                case LABEL -> ",source=\"" + ServingContract.SOURCE_LABEL + "\"";
                case PROBE -> ",source=\"" + ServingContract.SOURCE_PROBE + "\"";
                case ANY -> "";
            };
        }
    }

    private static final String BY = " by (model, version)";
    /** A feedback source matcher, which request series do not carry (compiled once: rules are made by the 1,000). */
    private static final java.util.regex.Pattern SOURCE_MATCHER = java.util.regex.Pattern.compile(
            ",source=\"[a-z]+\"");

    private final String id;
    private final Unit unit;
    private final String task;

    Signal(String id, Unit unit, String task) {
        this.id = id;
        this.unit = unit;
        this.task = task;
    }

    /** The name in gate expressions: {@code latencyP99}. */
    public String id() {
        return id;
    }

    public Unit unit() {
        return unit;
    }

    /** Whether the signal exists for a model of this task ({@code classification}, {@code regression}). */
    public boolean appliesTo(String modelTask) {
        return task == null || task.equals(modelTask);
    }

    public static Optional<Signal> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    public static String ids() {
        return Arrays.stream(values()).map(Signal::id).collect(Collectors.joining(", "));
    }

    /**
     * The PromQL for this signal over {@code window} (a PromQL duration such as {@code 5m}) on the series that
     * {@code matchers} select (e.g. {@code model="iris"}; never empty). {@link #ALERTS} counts our firing alerts.
     */
    public String query(String matchers, String window, Source source) {
        return expression(matchers + source.matcher(), window, BY);
    }

    /** Split by the feedback's {@code source} label: the recording rule a gate on one source reads. */
    public String querySplitBySource(String matchers, String window) {
        return expression(matchers, window, " by (model, version, source)");
    }

    /** Whether the signal comes from feedback, which carries a {@code source} label. */
    public boolean fromFeedback() {
        return this == ACCURACY || this == MAE || this == RMSE;
    }

    // f: matchers for feedback series (the source matcher included); requests ignore the source
    private String expression(String f, String window, String by) {
        String m = SOURCE_MATCHER.matcher(f).replaceAll("");
        String feedback = ServingContract.FEEDBACK;
        String requests = ServingContract.REQUESTS;
        String abs = ServingContract.FEEDBACK_ABS_ERROR;
        return switch (this) {
            case ACCURACY -> "sum" + by + " (rate(" + feedback + "{" + f + ",outcome=\"" + ServingContract.CORRECT
                    + "\"}[" + window + "])) / sum" + by + " (rate(" + feedback + "{" + f + "}[" + window + "]))";
            case MAE -> "sum" + by + " (rate(" + abs + "_sum{" + f + "}[" + window + "])) / sum" + by + " (rate("
                    + abs + "_count{" + f + "}[" + window + "]))";
            case RMSE -> "sqrt(sum" + by + " (rate(" + ServingContract.FEEDBACK_SQUARED_ERROR + "{" + f + "}["
                    + window + "])) / sum" + by + " (rate(" + abs + "_count{" + f + "}[" + window + "])))";
            case LATENCY_P50, LATENCY_P95, LATENCY_P99 -> "histogram_quantile(" + quantile() + ", sum by (model, "
                    + "version, le) (rate(" + ServingContract.REQUEST_DURATION + "_bucket{" + m + "}[" + window
                    + "])))";
            // Without a single error there is no non-2xx series at all: "or 0 * all" makes that a 0, not no data.
            case ERROR_RATE -> "(sum" + BY + " (rate(" + requests + "{" + m + ",code!~\"2..\"}[" + window
                    + "])) or on (model, version) 0 * sum" + BY + " (rate(" + requests + "{" + m + "}[" + window
                    + "]))) / sum" + BY + " (rate(" + requests + "{" + m + "}[" + window + "]))";
            case REQUEST_RATE -> "sum" + BY + " (rate(" + requests + "{" + m + "}[" + window + "]))";
            case ALERTS -> "count by (model) (ALERTS{" + m + ",alertstate=\"firing\"})";
            // The requests of the window by bucket (cumulative, as histogram_quantile reads them): a distribution.
            case LATENCY -> "sum by (model, version, le) (increase(" + ServingContract.REQUEST_DURATION + "_bucket{"
                    + m + "}[" + window + "]))";
        };
    }

    /**
     * How many samples a measurement of this signal rests on, over the same window: labelled feedback for
     * accuracy and errors, requests for the rest. A gate needs enough of them before a value means anything.
     */
    public String sampleQuery(String matchers, String window, Source source) {
        return switch (this) {
            case ACCURACY -> "sum" + BY + " (increase(" + ServingContract.FEEDBACK + "{" + matchers + source.matcher()
                    + "}[" + window + "]))";
            case MAE, RMSE -> "sum" + BY + " (increase(" + ServingContract.FEEDBACK_ABS_ERROR + "_count{" + matchers
                    + source.matcher() + "}[" + window + "]))";
            case ALERTS -> "vector(1)";
            default -> "sum" + BY + " (increase(" + ServingContract.REQUESTS + "{" + matchers + "}[" + window + "]))";
        };
    }

    private String quantile() {
        return switch (this) {
            case LATENCY_P50 -> "0.5";
            case LATENCY_P95 -> "0.95";
            default -> "0.99";
        };
    }

    /**
     * The recording rule's name, {@code level:metric:operations}: {@code model_version:modelops_requests:rate5m};
     * the level is {@code model_version_source} for the rule split by feedback source.
     */
    public String recordName(String window, boolean splitBySource) {
        String level = splitBySource ? "model_version_source" : "model_version";
        return switch (this) {
            case ACCURACY -> level + ":modelops_feedback_accuracy:ratio_rate" + window;
            case MAE -> level + ":modelops_feedback_abs_error:mean_rate" + window;
            case RMSE -> level + ":modelops_feedback_squared_error:rmse_rate" + window;
            case LATENCY_P50 -> level + ":modelops_request_duration_seconds:p50_rate" + window;
            case LATENCY_P95 -> level + ":modelops_request_duration_seconds:p95_rate" + window;
            case LATENCY_P99 -> level + ":modelops_request_duration_seconds:p99_rate" + window;
            case ERROR_RATE -> level + ":modelops_request_errors:ratio_rate" + window;
            case REQUEST_RATE -> level + ":modelops_requests:rate" + window;
            case ALERTS, LATENCY -> throw new IllegalStateException(id + " is not recorded");
        };
    }

    /** A PromQL duration: {@code 5m}, {@code 90s}, {@code 1h}. */
    public static String promDuration(java.time.Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds > 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
