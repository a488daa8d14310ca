package io.jenkins.plugins.modelops.monitor.rules;

import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusContract;

import java.util.List;
import java.util.Map;

/**
 * The alerts on a model's lifecycle status ({@code modelops_model_status}: pushed by trainModel and deployModel to a
 * Pushgateway, exposed by the server): training failed, training running longer than the limit, degraded, rolled
 * back. Sources are combined with {@code max by (model, version)}, so a Pushgateway's {@code running} and a server's
 * {@code degraded} for one version alert once. The cause comes from {@code modelops_model_status_cause}, the time
 * of a pushed state from {@code modelops_model_status_timestamp_seconds}.
 */
final class LifecycleAlerts {

    private static final String MODEL = "{{ $labels.model }}";
    private static final String VERSION = "{{ $labels.version }}";

    private final AlertRules.Request request;
    private final AlertText text;
    private final String matchers;

    LifecycleAlerts(AlertRules.Request request, AlertText text, String matchers) {
        this.request = request;
        this.text = text;
        this.matchers = matchers;
    }

    List<Rule> rules() {
        String forDuration = io.jenkins.plugins.modelops.monitor.signal.Signal.promDuration(request.forDuration());
        String timestamps = "max by (model, version) (" + StatusContract.STATUS_TIMESTAMP + "{" + matchers + "})";
        String limit = io.jenkins.plugins.modelops.monitor.signal.Signal.promDuration(request.trainingLimit());
        return List.of(
                alert("ModelTrainingFailed", ModelStatus.TRAINING_FAILED, is(ModelStatus.TRAINING_FAILED), forDuration,
                        "critical", MODEL + ": training failed", ": training failed at " + since() + ": " + cause(
                                ModelStatus.TRAINING_FAILED) + ". Fix it and train again (the build log has the rest)."),
                alert("ModelTrainingTooLong", ModelStatus.TRAINING, "(time() - " + timestamps + " > "
                        + request.trainingLimit().toSeconds() + ") and on (model, version) ("
                        + is(ModelStatus.TRAINING) + ")", forDuration, "warning",
                        MODEL + " has been training for more than " + limit, " has been training since " + since()
                                + ", more than " + limit + ": the run hangs, or died without reporting."),
                alert("ModelDegraded", ModelStatus.DEGRADED, is(ModelStatus.DEGRADED), forDuration, "critical",
                        MODEL + " " + VERSION + " is degraded", " is degraded at " + AlertText.NOW + ": "
                                + cause(ModelStatus.DEGRADED) + "."),
                // Only while the rollback is the model's latest news: a later deployment or training resolves it.
                alert("ModelRolledBack", ModelStatus.ROLLED_BACK, "(" + is(ModelStatus.ROLLED_BACK) + ") and on "
                        + "(model, version) (" + timestamps + " >= on (model) group_left max by (model) ("
                        + StatusContract.STATUS_TIMESTAMP + "{" + matchers + "}))", forDuration, "warning",
                        MODEL + " " + VERSION + " was rolled back", " was rolled back at " + since() + ": "
                                + cause(ModelStatus.ROLLED_BACK) + "; the previous version serves."));
    }

    private String is(ModelStatus status) {
        return "max by (model, version) (" + StatusContract.MODEL_STATUS + "{" + matchers + ",status=\""
                + status.label() + "\"}) == 1";
    }

    private Rule alert(String name, ModelStatus status, String expr, String forDuration, String severity,
                       String summary, String what) {
        Map<String, String> annotations = text.annotations(name, status.label(), summary, "Model " + MODEL
                + " (version " + VERSION + text.namespace() + ")" + what);
        return new Rule(null, name, expr, forDuration, text.labels(severity), annotations);
    }

    /** The pushed time of the version's status, as Prometheus' template engine renders it. */
    private static String since() {
        return "{{ with query (printf \"max(" + StatusContract.STATUS_TIMESTAMP + "{model=%q,version=%q})\" "
                + "$labels.model $labels.version) }}{{ . | first | value | humanizeTimestamp }}{{ end }}";
    }

    /** The cause pushed or exposed with the status, or a general one when there is none. */
    private static String cause(ModelStatus status) {
        return "{{ with query (printf \"max by (cause) (" + StatusContract.MODEL_STATUS_CAUSE
                + "{model=%q,version=%q,status=\\\"" + status.label() + "\\\"} == 1)\" $labels.model $labels.version) }}"
                + "{{ . | first | label \"cause\" }}{{ else }}no cause was reported{{ end }}";
    }
}
