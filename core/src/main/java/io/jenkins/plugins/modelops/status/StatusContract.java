package io.jenkins.plugins.modelops.status;

/**
 * The lifecycle metrics, by name and label: what the Pushgateway holds for {@code trainModel} and {@code
 * deployModel} (job {@link #JOB}, grouping key model and version) and what the model server exposes itself. The
 * alert rules and the alert routes' templates are written against these.
 */
public final class StatusContract {

    private StatusContract() {
    }

    /** The Pushgateway job every ModelOps push goes under. */
    public static final String JOB = "modelops";

    /** Gauge per {@link ModelStatus}: 1 for the current state, 0 for the others; labels model, version, status. */
    public static final String MODEL_STATUS = "modelops_model_status";
    /** Gauge 1 with why the model is in its state, for states that have a cause; labels model, version, status, cause. */
    public static final String MODEL_STATUS_CAUSE = "modelops_model_status_cause";
    /** Gauge: Unix time in seconds of the last status change; labels model, version (pushed only). */
    public static final String STATUS_TIMESTAMP = "modelops_model_status_timestamp_seconds";
    /** Gauge: how long the training run took, in seconds (pushed by trainModel). */
    public static final String TRAINING_DURATION = "modelops_training_duration_seconds";
    /** Gauge: the rows the training run read, after dropped rows (pushed by trainModel). */
    public static final String TRAINING_ROWS = "modelops_training_rows";
    /** Gauge: the headline test metric of the run, the metric's name in label {@link #METRIC} (pushed by trainModel). */
    public static final String TRAINING_TEST_METRIC = "modelops_training_test_metric";

    public static final String STATUS = "status";
    public static final String CAUSE = "cause";
    public static final String METRIC = "metric";

    /** Longest cause kept in a label: a whole stack of messages is for the build log, not a time series. */
    public static final int MAX_CAUSE = 200;

    /** A cause as a label value: one line, at most {@link #MAX_CAUSE} characters. */
    public static String causeLabel(String cause) {
        String line = cause == null ? "" : cause.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_CAUSE ? line : line.substring(0, MAX_CAUSE - 3) + "...";
    }
}
