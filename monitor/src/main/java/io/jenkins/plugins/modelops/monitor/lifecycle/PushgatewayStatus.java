package io.jenkins.plugins.modelops.monitor.lifecycle;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusContract;
import io.jenkins.plugins.modelops.status.StatusEvent;
import io.jenkins.plugins.modelops.status.StatusReporter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The lifecycle status of short jobs ({@code trainModel}, {@code deployModel}, a gate's rollback) pushed to a
 * Prometheus Pushgateway with client_java's exporter: job {@code modelops}, grouping key model and version. Each
 * push adds to the group (POST), so a deployment's status keeps the training run's duration, rows and test metric
 * beside it. A Pushgateway that cannot be reached is a warning, never a failed job.
 *
 * <p>Credentials may be given in the URL ({@code https://user:password@host}); they go to the Pushgateway as basic
 * auth and never into a message.
 */
public final class PushgatewayStatus implements StatusReporter {

    /** The variable that configures a Pushgateway when {@code --pushgateway} is not given. */
    public static final String VARIABLE = "MODELOPS_PUSHGATEWAY";

    /** A push that takes longer is given up: the job it reports on must not wait for its monitoring. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI url;

    private PushgatewayStatus(URI url) {
        this.url = url;
    }

    /** A Pushgateway at an http(s) URL, e.g. {@code http://127.0.0.1:9091}. */
    public static PushgatewayStatus of(String url) {
        URI uri;
        try {
            uri = url == null ? null : new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getQuery() != null || uri.getFragment() != null) {
            String shown = url == null ? "" : url.contains("@") ? "(a URL with credentials)" : "'" + url + "'";
            throw new InvalidInputException(Parameter.PUSHGATEWAY, Parameter.PUSHGATEWAY.ref() + " " + shown
                    + " is not an http(s) URL: give the Pushgateway's address, e.g. http://127.0.0.1:9091");
        }
        return new PushgatewayStatus(uri);
    }

    /** {@code flag} when given, else {@code MODELOPS_PUSHGATEWAY} from {@code environment}, else nowhere. */
    public static StatusReporter configured(String flag, Map<String, String> environment) {
        String value = flag != null ? flag : environment.get(VARIABLE);
        return value == null || value.isBlank() ? StatusReporter.NONE : of(value);
    }

    /** The URL without credentials, as messages show it. */
    public String url() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public void report(StatusEvent event, Progress progress) {
        PrometheusRegistry registry = new PrometheusRegistry();
        String m = event.model();
        String v = event.version();
        Gauge status = Gauge.builder().name(StatusContract.MODEL_STATUS)
                .help("The model's lifecycle status: 1 for the current state, 0 for the others")
                .labelNames(ServingContract.MODEL, ServingContract.VERSION, StatusContract.STATUS).register(registry);
        for (ModelStatus s : ModelStatus.values()) {
            status.labelValues(m, v, s.label()).set(s == event.status() ? 1 : 0);
        }
        // Always one series, so a push without a cause replaces the previous state's (0: no cause).
        Gauge.builder().name(StatusContract.MODEL_STATUS_CAUSE)
                .help("Why the model is in its status, in the cause label (1), or no cause (0)")
                .labelNames(ServingContract.MODEL, ServingContract.VERSION, StatusContract.STATUS,
                        StatusContract.CAUSE).register(registry)
                .labelValues(m, v, event.status().label(), StatusContract.causeLabel(event.cause()))
                .set(event.cause() == null ? 0 : 1);
        gauge(registry, StatusContract.STATUS_TIMESTAMP, "Unix time of the last status change, in seconds", m, v)
                .set(event.time().toEpochMilli() / 1000.0);
        StatusEvent.Training training = event.training();
        if (training != null) {
            gauge(registry, StatusContract.TRAINING_DURATION, "How long the training run took, in seconds", m, v)
                    .set(training.duration().toMillis() / 1000.0);
            gauge(registry, StatusContract.TRAINING_ROWS, "Rows the training run read (after dropped rows)", m, v)
                    .set(training.rows());
            if (training.metric() != null) {
                Gauge.builder().name(StatusContract.TRAINING_TEST_METRIC)
                        .help("The headline test-set metric of the training run, named in the metric label")
                        .labelNames(ServingContract.MODEL, ServingContract.VERSION, StatusContract.METRIC)
                        .register(registry).labelValues(m, v, training.metric()).set(training.value());
            }
        }
        try {
            pushGateway(m, v).registry(registry).build().pushAdd();
        } catch (IOException | RuntimeException e) {
            progress.warn("could not push the status " + event.status().label() + " of model " + m + " " + v
                    + " to the Pushgateway at " + url() + ": " + message(e) + "; going on without it");
        }
    }

    @Override
    public void remove(String model, String version, Progress progress) {
        try {
            pushGateway(model, version).build().delete();
        } catch (IOException | RuntimeException e) {
            progress.warn("could not remove the status of model " + model + " " + version + " from the Pushgateway at "
                    + url() + ": " + message(e));
        }
    }

    private static io.prometheus.metrics.core.datapoints.GaugeDataPoint gauge(PrometheusRegistry registry, String name,
                                                                             String help, String model, String version) {
        return Gauge.builder().name(name).help(help).labelNames(ServingContract.MODEL, ServingContract.VERSION)
                .register(registry).labelValues(model, version);
    }

    private PushGateway.Builder pushGateway(String model, String version) {
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        PushGateway.Builder builder = PushGateway.builder()
                .address(url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + path)
                .scheme(url.getScheme().equalsIgnoreCase("https") ? Scheme.HTTPS : Scheme.HTTP)
                .job(StatusContract.JOB).groupingKey(ServingContract.MODEL, model)
                .groupingKey(ServingContract.VERSION, version).connectionTimeout(TIMEOUT).readTimeout(TIMEOUT);
        String userInfo = url.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            builder.basicAuth(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
                    colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
        }
        return builder;
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** The failure without the URL the exporter puts in it, which may hold credentials. */
    private String message(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return url.getRawUserInfo() == null ? text : text.replace(url.getRawUserInfo(), "***");
    }
}
