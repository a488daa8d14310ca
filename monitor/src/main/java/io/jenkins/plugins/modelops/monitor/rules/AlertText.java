package io.jenkins.plugins.modelops.monitor.rules;

import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each alert is called and says. The seed asks an alert to carry the model's name, its status, the time and
 * the cause in words; Alertmanager's templates (the alerts issue) pass these annotations on to people.
 */
final class AlertText {

    private static final java.util.regex.Pattern CAMEL_HUMP = java.util.regex.Pattern.compile("([a-z0-9])([A-Z])");

    /** The evaluation time, rendered by Prometheus' template engine (it has no "now" of its own). */
    static final String NOW = "{{ with query \"time()\" }}{{ . | first | value | humanizeTimestamp }}{{ end }}";
    private static final String MODEL = "{{ $labels.model }}";
    private static final String VERSION = "{{ $labels.version }}";

    private final AlertRules.Request request;
    private final String window;

    AlertText(AlertRules.Request request, String window) {
        this.request = request;
        this.window = window;
    }

    String alertName(Signal signal) {
        return switch (signal) {
            case ACCURACY -> "ModelAccuracyLow";
            case MAE -> "ModelMaeHigh";
            case RMSE -> "ModelRmseHigh";
            case LATENCY_P50 -> "ModelLatencyP50High";
            case LATENCY_P95 -> "ModelLatencyP95High";
            case LATENCY_P99 -> "ModelLatencyP99High";
            case ERROR_RATE -> "ModelErrorRateHigh";
            case REQUEST_RATE -> "ModelRequestRateOutOfRange";
            case ALERTS, LATENCY -> throw new IllegalArgumentException(signal.id() + " compares or counts; no "
                    + "alert of its own");
        };
    }

    Map<String, String> labels(String severity) {
        Map<String, String> labels = AlertRules.ordered("severity", severity, "model", request.name());
        if (request.namespace() != null && !request.namespace().isBlank()) {
            labels.put("namespace", request.namespace());
        }
        return labels;
    }

    Map<String, String> thresholdAnnotations(Condition condition) {
        Signal signal = condition.signal();
        String value = value(signal);
        String threshold = threshold(signal, condition.operand());
        String broken = condition.comparison().violation();
        String what = switch (signal) {
            case ACCURACY -> "the share of correct predictions among labelled feedback";
            case MAE -> "the mean absolute error on labelled feedback";
            case RMSE -> "the root mean squared error on labelled feedback";
            case LATENCY_P50, LATENCY_P95, LATENCY_P99 -> "the " + signal.id().substring("latency".length())
                    .toLowerCase(Locale.ROOT) + " latency of inference requests";
            case ERROR_RATE -> "the share of requests answered with an error (not 2xx)";
            case REQUEST_RATE -> "the request rate";
            case ALERTS, LATENCY -> throw new IllegalArgumentException();
        };
        return annotations(alertName(signal), "degraded",
                MODEL + " " + VERSION + " is degraded: " + signal.id() + " " + value + " " + broken + " " + threshold,
                "Model " + MODEL + " (version " + VERSION + namespace() + ") is degraded at " + NOW + ": " + what
                        + " over the last " + window + " is " + value + ", which breaks the gate condition "
                        + condition.expression() + ".");
    }

    /** The alerts every model has, whatever its gate. */
    List<Rule> standing(String matchers) {
        String info = ServingContract.MODEL_INFO + "{" + matchers + "}";
        String requests = ServingContract.REQUESTS + "{" + matchers + "}";
        String noTraffic = "(sum by (model, version) (rate(" + requests + "[" + window + "])) == 0) or (sum by (model, "
                + "version) (" + info + ") unless on (model, version) " + requests + ")";
        String down = "(up{job=\"" + request.job() + "\"} == 0) or absent(" + info + ")";
        String mismatches = "increase(" + ServingContract.KERNEL_MISMATCHES + "{" + matchers + "}[" + window
                + "]) > 0";
        String forDuration = Signal.promDuration(request.forDuration());
        return List.of(
                new Rule(null, "ModelNoTraffic", noTraffic, forDuration, labels("warning"), annotations(
                        "ModelNoTraffic", "idle", MODEL + " " + VERSION + " has had no requests for " + window,
                        "Model " + MODEL + " (version " + VERSION + namespace() + ") is idle at " + NOW
                                + ": it answered no request in the last " + window + ". Check the clients and the "
                                + "Service in front of it.")),
                new Rule(null, "ModelTargetDown", down, forDuration, labels("critical"), annotations(
                        "ModelTargetDown", "down", request.name() + " is down: Prometheus cannot scrape it",
                        "Model " + request.name() + " (" + (request.namespace() == null ? "" : "namespace "
                                + request.namespace() + ", ") + "job " + request.job() + ") is down at " + NOW
                                + ": its servers are not scraped (up == 0) or expose no " + ServingContract.MODEL_INFO
                                + " for it. Check that its pods run and are ready.")),
                new Rule(null, "ModelKernelMismatch", mismatches, forDuration, labels("warning"), annotations(
                        "ModelKernelMismatch", "degraded", MODEL + " " + VERSION + ": the compiled kernel disagreed "
                                + "with Tribuo {{ $value | printf \"%.0f\" }} times",
                        "Model " + MODEL + " (version " + VERSION + namespace() + ") is degraded at " + NOW
                                + ": on {{ $value | printf \"%.0f\" }} checked rows in the last " + window + " the "
                                + "compiled kernel's prediction differed from Tribuo's; the server now predicts with "
                                + "Tribuo. Report it with the model bundle.")));
    }

    Map<String, String> annotations(String alert, String status, String summary, String description) {
        return AlertRules.ordered("summary", summary, "description", description, "status", status,
                "runbook_url", request.runbookUrl() + "#" + anchor(alert));
    }

    String namespace() {
        return request.namespace() == null || request.namespace().isBlank() ? ""
                : ", namespace " + request.namespace();
    }

    /** {@code ModelAccuracyLow} to {@code model-accuracy-low}, the runbook's heading anchor. */
    static String anchor(String alert) {
        return CAMEL_HUMP.matcher(alert).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String value(Signal signal) {
        return switch (signal.unit()) {
            case RATIO -> "{{ $value | humanizePercentage }}";
            case SECONDS -> "{{ $value | humanizeDuration }}";
            default -> "{{ $value | printf \"%.4g\" }}";
        };
    }

    /** 0.9 as 90, 0.05 s as 50 ms: decimal shifts, so that no binary rounding shows (0.9 * 100 is 90.00000000000001). */
    private static String shifted(double value, int places) {
        return java.math.BigDecimal.valueOf(value).movePointRight(places).stripTrailingZeros().toPlainString();
    }

    private static String threshold(Signal signal, double value) {
        return switch (signal.unit()) {
            case RATIO -> shifted(value, 2) + "%";
            case SECONDS -> value < 1 ? shifted(value, 3) + "ms" : Numbers.format(value) + "s";
            default -> Numbers.format(value);
        };
    }
}
