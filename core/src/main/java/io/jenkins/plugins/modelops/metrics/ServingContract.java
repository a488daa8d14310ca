package io.jenkins.plugins.modelops.metrics;

/**
 * The model server's Prometheus metrics, by name and label: a contract that users' dashboards and alert rules, and
 * our own rules, gate queries and dashboards, are written against. Defined here once, in the engine every module
 * depends on, so the server that registers them and the monitor that queries them cannot drift apart.
 */
public final class ServingContract {

    private ServingContract() {
    }

    /** Counter of answered requests, by model, version, protocol ({@code v1}, {@code v2}, ...) and HTTP code. */
    public static final String REQUESTS = "modelops_requests_total";
    /** Classic histogram of request latency in seconds, by model and version. */
    public static final String REQUEST_DURATION = "modelops_request_duration_seconds";
    /** Counter of predictions, by model, version and predicted label (classification). */
    public static final String PREDICTIONS = "modelops_predictions_total";
    /** Counter of scored feedback, by model, version, outcome ({@code correct}/{@code incorrect}) and source. */
    public static final String FEEDBACK = "modelops_feedback_total";
    /** Classic histogram of the absolute error of regression feedback, by model, version and source. */
    public static final String FEEDBACK_ABS_ERROR = "modelops_feedback_abs_error";
    /** Counter of squared errors of regression feedback, by model, version and source (RMSE with the count). */
    public static final String FEEDBACK_SQUARED_ERROR = "modelops_feedback_squared_error_total";
    /**
     * Gauge 1 with the served model's facts as labels: model, version, model_id, algorithm, task, kernel and track.
     * Only this family carries {@link #TRACK}: a query that splits another family by track joins on it by instance.
     */
    public static final String MODEL_INFO = "modelops_model_info";
    /** Counter of served rows predicted again by the reference to check the compiled kernel, by model and version. */
    public static final String KERNEL_CHECKS = "modelops_kernel_checks_total";
    /** Counter of checked rows on which the compiled kernel disagreed with its reference, by model and version. */
    public static final String KERNEL_MISMATCHES = "modelops_kernel_mismatches_total";

    public static final String MODEL = "model";
    public static final String VERSION = "version";
    public static final String PROTOCOL = "protocol";
    public static final String CODE = "code";
    public static final String LABEL = "label";
    public static final String OUTCOME = "outcome";
    /** Where feedback came from: {@code label} (ground truth by prediction id) or {@code probe} (evaluate form). */
    public static final String SOURCE = "source";
    public static final String MODEL_ID = "model_id";
    public static final String ALGORITHM = "algorithm";
    public static final String TASK = "task";
    /** Which kernel predicts: {@code linear}, {@code trees}, {@code tribuo}, {@code xgboost-native} or {@code loading}. */
    public static final String KERNEL = "kernel";
    /**
     * Which pods of a deployment serve: {@link #TRACK_STABLE} or {@link #TRACK_CANARY} ({@code --track}). A label of
     * {@link #MODEL_INFO} only, so the other families' labels (users' dashboards) stay as they were; split them with
     * {@code ... * on(instance) group_left(track) modelops_model_info}.
     */
    public static final String TRACK = "track";
    public static final String TRACK_STABLE = "stable";
    public static final String TRACK_CANARY = "canary";

    public static final String CORRECT = "correct";
    public static final String INCORRECT = "incorrect";
    public static final String SOURCE_LABEL = "label";
    public static final String SOURCE_PROBE = "probe";
}
