package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusContract;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static io.jenkins.plugins.modelops.metrics.ServingContract.ALGORITHM;
import static io.jenkins.plugins.modelops.metrics.ServingContract.CODE;
import static io.jenkins.plugins.modelops.metrics.ServingContract.KERNEL;
import static io.jenkins.plugins.modelops.metrics.ServingContract.MODEL;
import static io.jenkins.plugins.modelops.metrics.ServingContract.MODEL_ID;
import static io.jenkins.plugins.modelops.metrics.ServingContract.OUTCOME;
import static io.jenkins.plugins.modelops.metrics.ServingContract.PROTOCOL;
import static io.jenkins.plugins.modelops.metrics.ServingContract.SOURCE;
import static io.jenkins.plugins.modelops.metrics.ServingContract.TASK;
import static io.jenkins.plugins.modelops.metrics.ServingContract.TRACK;
import static io.jenkins.plugins.modelops.metrics.ServingContract.VERSION;

/**
 * The server's Prometheus metrics. Names and labels are a contract (alert rules, dashboards and monitorModel read
 * them). Feedback series exist for the model's task only. Label values come from the server's own configuration,
 * the protocol, the status code and the model's classes only, never from a request's id or feature values, so
 * cardinality stays bounded. The deployment track ({@code stable}/{@code canary}) is a label of {@code
 * modelops_model_info} only: adding it to the other families would change the series users' dashboards and rules
 * match; a query splits them by track with {@code * on(instance) group_left(track) modelops_model_info}.
 */
public final class ServingMetrics {

    /** Latency buckets in seconds: fine below a millisecond, where this server answers, up to 10 s. */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, 5, 10};
    /** Absolute regression error buckets: the label's scale is unknown, so roughly decades. */
    static final double[] ERROR_BUCKETS = {0.001, 0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 1000, 10000};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final String model;
    private final String version;
    private final Counter requests;
    private final DistributionDataPoint duration;
    private final Counter predictions;
    /** By {@link FeedbackSource}: correct and incorrect counts (classification) or errors (regression). */
    private final CounterDataPoint[] correct = new CounterDataPoint[FeedbackSource.values().length];
    private final CounterDataPoint[] incorrect = new CounterDataPoint[FeedbackSource.values().length];
    private final DistributionDataPoint[] absError = new DistributionDataPoint[FeedbackSource.values().length];
    private final CounterDataPoint[] squaredError = new CounterDataPoint[FeedbackSource.values().length];

    /**
     * Where feedback comes from, a label on every feedback series: ground truth for a served prediction ({@code
     * label}, by id) or probe traffic ({@code probe}, the evaluate form), different evidence a gate can choose between.
     */
    public enum FeedbackSource {
        LABEL(ServingContract.SOURCE_LABEL), PROBE(ServingContract.SOURCE_PROBE);

        final String label;

        FeedbackSource(String label) {
            this.label = label;
        }
    }
    private final String modelId;
    private final String algorithm;
    private final String task;
    private final String track;
    private final Gauge info;
    private String kernel = "loading";
    private final CounterDataPoint kernelChecks;
    private final CounterDataPoint kernelMismatches;
    private final GaugeDataPoint[] statusPoints = new GaugeDataPoint[ModelStatus.values().length];
    private final Gauge statusCause;
    private String[] causeLabels;
    private volatile ModelHealth health;
    private final ConcurrentMap<String, CounterDataPoint> requestPoints = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CounterDataPoint> predictionPoints = new ConcurrentHashMap<>();

    /** {@code track}: {@code stable} or {@code canary} ({@code --track}), in {@code modelops_model_info}. */
    public ServingMetrics(String model, String version, String modelId, String algorithm, String task, String track) {
        this.model = model;
        this.version = version;
        requests = Counter.builder().name(ServingContract.REQUESTS)
                .help("Inference and feedback requests by protocol (v1, v2, feedback) and HTTP status code")
                .labelNames(MODEL, VERSION, PROTOCOL, CODE).register(registry);
        duration = Histogram.builder().name(ServingContract.REQUEST_DURATION)
                .help("Time from request to response of inference requests (v1 predict, v2 infer)")
                // Classic only: Prometheus 2.42 scrapes classic buckets, and native ones cost time per request.
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .labelNames(MODEL, VERSION).register(registry).labelValues(model, version);
        predictions = Counter.builder().name(ServingContract.PREDICTIONS)
                .help("Predictions by predicted class (classification)")
                .labelNames(MODEL, VERSION, ServingContract.LABEL).register(registry);
        // Feedback series for the model's task only, so a dashboard never shows a metric that cannot move.
        boolean classification = "classification".equals(task);
        if (classification) {
            Counter feedback = Counter.builder().name(ServingContract.FEEDBACK)
                    .help("Ground-truth feedback on classification predictions: correct or incorrect, by source (label: "
                            + "feedback by prediction id; probe: the evaluate form)")
                    .labelNames(MODEL, VERSION, OUTCOME, SOURCE).register(registry);
            for (FeedbackSource source : FeedbackSource.values()) {
                correct[source.ordinal()] = feedback.labelValues(model, version, ServingContract.CORRECT, source.label);
                incorrect[source.ordinal()] = feedback.labelValues(model, version, ServingContract.INCORRECT, source.label);
            }
        } else {
            Histogram abs = Histogram.builder().name(ServingContract.FEEDBACK_ABS_ERROR)
                    .help("Absolute error of regression predictions that received ground-truth feedback, by source")
                    .classicOnly().classicUpperBounds(ERROR_BUCKETS).labelNames(MODEL, VERSION, SOURCE)
                    .register(registry);
            Counter squared = Counter.builder().name(ServingContract.FEEDBACK_SQUARED_ERROR)
                    .help("Sum of squared errors of regression predictions that received feedback, by source (RMSE: "
                            + "divide by modelops_feedback_abs_error_count, take the root)")
                    .labelNames(MODEL, VERSION, SOURCE).register(registry);
            for (FeedbackSource source : FeedbackSource.values()) {
                absError[source.ordinal()] = abs.labelValues(model, version, source.label);
                squaredError[source.ordinal()] = squared.labelValues(model, version, source.label);
            }
        }
        this.modelId = modelId;
        this.algorithm = algorithm;
        this.task = task;
        this.track = track;
        info = Gauge.builder().name(ServingContract.MODEL_INFO)
                .help("The served model: always 1, its identity in the labels, the kernel that predicts (once loaded) "
                        + "and the deployment track (stable or canary; join other series on instance to split by it)")
                .labelNames(MODEL, VERSION, MODEL_ID, ALGORITHM, TASK, KERNEL, TRACK).register(registry);
        info.labelValues(model, version, modelId, algorithm, task, "loading", track).set(1);
        Counter checks = Counter.builder().name(ServingContract.KERNEL_CHECKS)
                .help("Served rows predicted again with the reference to check the compiled kernel (--kernel-check-rate)")
                .labelNames(MODEL, VERSION).register(registry);
        kernelChecks = checks.labelValues(model, version);
        kernelMismatches = Counter.builder().name(ServingContract.KERNEL_MISMATCHES)
                .help("Checked rows on which the compiled kernel disagreed with the reference (the reference then predicts)")
                .labelNames(MODEL, VERSION).register(registry).labelValues(model, version);
        Gauge status = Gauge.builder().name(StatusContract.MODEL_STATUS)
                .help("The model's lifecycle status as this server sees it: running, or degraded while its own checks "
                        + "fail (feedback against the blessing's threshold, kernel mismatches); 1 for the current state")
                .labelNames(MODEL, VERSION, StatusContract.STATUS).register(registry);
        for (ModelStatus s : ModelStatus.values()) {
            statusPoints[s.ordinal()] = status.labelValues(model, version, s.label());
        }
        statusCause = Gauge.builder().name(StatusContract.MODEL_STATUS_CAUSE)
                .help("Why the model is degraded, in the cause label (1), or no cause (0)")
                .labelNames(MODEL, VERSION, StatusContract.STATUS, StatusContract.CAUSE).register(registry);
        health = new ModelHealth(null, java.time.Duration.ofMinutes(5), 20, System::currentTimeMillis);
        status();
        // Heap, non-heap, buffer pools, GC, threads, classes, process RSS and CPU: the model's memory use.
        JvmMetrics.builder().register(registry);
    }

    /** The kernel that predicts, in {@code modelops_model_info} (one series: the previous one goes). */
    public synchronized void kernel(String newKernel) {
        info.remove(model, version, modelId, algorithm, task, kernel, track);
        kernel = newKernel;
        info.labelValues(model, version, modelId, algorithm, task, kernel, track).set(1);
    }

    public void kernelCheck(boolean mismatch) {
        kernelChecks.inc();
        if (mismatch) {
            kernelMismatches.inc();
            health.kernelMismatch();
        }
    }

    /** The checks behind {@code modelops_model_status} (by default: kernel mismatches only, over 5 minutes). */
    void watch(ModelHealth modelHealth) {
        this.health = modelHealth;
    }

    /** Sets the status series from the health's verdict, as of now; a scrape calls it first. */
    synchronized ModelHealth.Verdict status() {
        ModelHealth.Verdict verdict = health.verdict();
        for (ModelStatus s : ModelStatus.values()) {
            statusPoints[s.ordinal()].set(s == verdict.status() ? 1 : 0);
        }
        String[] labels = {model, version, verdict.status().label(), StatusContract.causeLabel(verdict.cause())};
        if (causeLabels != null && !java.util.Arrays.equals(causeLabels, labels)) {
            statusCause.remove(causeLabels);
        }
        causeLabels = labels;
        statusCause.labelValues(labels).set(verdict.cause() == null ? 0 : 1);
        return verdict;
    }

    public void request(String protocol, int code) {
        requestPoints.computeIfAbsent(protocol + ' ' + code,
                k -> requests.labelValues(model, version, protocol, Integer.toString(code))).inc();
    }

    public void duration(long nanos) {
        duration.observe(nanos / 1e9);
    }

    public void predictions(String label, long count) {
        predictionPoints.computeIfAbsent(label, k -> predictions.labelValues(model, version, label)).inc(count);
    }

    public void feedback(boolean isCorrect, FeedbackSource source) {
        (isCorrect ? correct : incorrect)[source.ordinal()].inc();
        health.feedback(isCorrect);
    }

    public void feedback(double error, FeedbackSource source) {
        absError[source.ordinal()].observe(Math.abs(error));
        squaredError[source.ordinal()].inc(error * error);
        health.feedback(error);
    }

    /** The exposition for a scrape, in the format the Accept header asks for (OpenMetrics for Prometheus). */
    public Exposition scrape(String accept) throws IOException {
        status();
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape());
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    public record Exposition(String contentType, byte[] body) {
    }
}
