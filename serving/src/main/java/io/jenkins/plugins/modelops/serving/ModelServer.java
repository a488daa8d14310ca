package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The model server: verifies and loads a bundle, serves it on Jetty 12 (core Handler API, chosen by
 * {@code bench/http-shootout.sh}) and stops gracefully on SIGTERM: readiness turns false, the connector stops
 * accepting, in-flight requests finish within the grace, and the process exits 0.
 *
 * <p>{@code java -jar modelops-serving.jar --bundle DIR [--host 127.0.0.1] [--port 8080] [--name NAME] ...}, the
 * container's entrypoint; {@code modelops serve} runs the same. Exit codes: 0 after a clean shutdown, 2 for a bad
 * bundle or flags (the reason on stderr and as a JSON log line), 3 for any other failure (e.g. the port is taken).
 */
public final class ModelServer implements AutoCloseable {

    public static final int OK = 0;
    public static final int BAD_INPUT = 2;
    public static final int FAILED = 3;

    private final Server jetty;
    private final ServerConnector connector;
    private final ServerConnector admin;
    private final InferenceApi api;
    private final ServerConfig config;
    private final JsonLog log;

    private ModelServer(Server jetty, ServerConnector connector, ServerConnector admin, InferenceApi api,
            ServerConfig config, JsonLog log) {
        this.jetty = jetty;
        this.connector = connector;
        this.admin = admin;
        this.api = api;
        this.config = config;
        this.log = log;
    }

    /**
     * Verifies the bundle, starts listening (live, not ready), loads the model, then turns ready. A bundle that
     * fails to verify or load throws {@link InvalidInputException} and leaves nothing running.
     */
    public static ModelServer start(ServerConfig config, JsonLog log) throws Exception {
        long t0 = System.nanoTime();
        ModelBundle bundle = ModelBundle.open(config.bundle());
        BundleManifest manifest = bundle.manifest();
        String name = config.modelName();
        String version = config.version() != null ? config.version() : manifest.shortId();
        log.info("bundle_verified", "bundle " + config.bundle() + " verified (SHA-256 of every file)",
                "bundle", config.bundle().toString(), "model", name, "version", version, "track", config.track(),
                "model_id", manifest.modelId(),
                "algorithm", manifest.algorithm(), "task", manifest.task(), "blessing", manifest.blessing());

        ServingMetrics metrics = new ServingMetrics(name, version, manifest.modelId(), manifest.algorithm(), manifest.task(),
                config.track());
        ModelHealth health = ModelHealth.of(bundle, config.statusWindow(), config.statusMinFeedback());
        metrics.watch(health);
        log.info("status_checks", "modelops_model_status: degraded on kernel mismatches" + (health.threshold() == null
                ? " (the blessing holds no accuracy, mae or rmse threshold to check feedback against)"
                : " and on feedback breaking " + health.threshold().metric().id() + " " + health.threshold().operator()
                + " " + health.threshold().value()) + " over " + config.statusWindow().toSeconds() + " s, at least "
                + config.statusMinFeedback() + " feedback", "window_s", config.statusWindow().toSeconds());
        InferenceApi api = new InferenceApi(config, bundle, metrics, log);

        QueuedThreadPool pool = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()));
        pool.setName("http");
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector;
        if (config.tlsCert() != null) {
            // Clients reach the pod by IP or service name: no SNI host check against the certificate.
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(jetty,
                    new SslConnectionFactory(PemTls.sslContextFactory(config.tlsCert(), config.tlsKey()), "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        // Once stopping, Jetty closes connections idle for this long (its default, 1 s, also cut off uploads that
        // paused briefly); a connection nobody closes (a failed TLS handshake) delays the stop by as much.
        connector.setShutdownIdleTimeout(Math.max(1, Math.min(5_000, config.shutdownGrace().toMillis())));
        jetty.addConnector(connector);
        ServerConnector admin = null;
        if (config.adminPort() >= 0) {
            // Health and metrics on threads of their own: probes and scrapes answer however busy inference is.
            QueuedThreadPool adminPool = new QueuedThreadPool(8, 2);
            adminPool.setName("admin");
            admin = new ServerConnector(jetty, adminPool, null, null, 1, 1, new HttpConnectionFactory(http));
            admin.setHost(config.host());
            admin.setPort(config.adminPort());
            admin.setShutdownIdleTimeout(connector.getShutdownIdleTimeout());
            jetty.addConnector(admin);
            api.adminConnector(admin);
        }
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(api);
        jetty.setHandler(graceful);
        jetty.setErrorHandler(new JsonErrors());
        jetty.setStopTimeout(config.shutdownGrace().toMillis());
        jetty.setStopAtShutdown(false);
        jetty.start();
        ModelServer server = new ModelServer(jetty, connector, admin, api, config, log);
        String feedbackAccess = config.feedbackToken() != null ? "token"
                : config.openFeedback() || FeedbackAccess.loopback(config.host()) ? "open" : "refused";
        log.info("listening", "listening on " + server.baseUri() + " (live; ready once the model is loaded)",
                "url", server.baseUri().toString(), "tls", config.tlsCert() != null, "strict", config.strict(),
                "admin_port", server.adminPort(), "feedback", feedbackAccess, "prediction_ids", config.idKey() != null ? "shared key" : "per-process key");
        if (feedbackAccess.equals("refused")) {
            log.warn("feedback_refused", "feedback is refused (403): " + config.host() + " is not a loopback address "
                    + "and no feedback token is configured; set --feedback-token-file FILE or MODELOPS_FEEDBACK_TOKEN, "
                    + "or --open-feedback", "host", config.host());
        }

        long t1 = System.nanoTime();
        Predictor predictor;
        try {
            predictor = Predictor.load(bundle);
            api.ready(predictor);
        } catch (RuntimeException e) {
            jetty.stop();
            throw e;
        } catch (Error e) {
            // e.g. UnsatisfiedLinkError for XGBoost without libgomp: stop Jetty so the process exits, rather than
            // stay live and never ready, which no liveness probe would restart.
            jetty.stop();
            throw new IllegalStateException("the model could not be loaded: " + e, e);
        }
        Runtime runtime = Runtime.getRuntime();
        log.info("model_loaded", "model " + name + " " + version + " loaded; ready", "model", name, "version", version,
                "kernel", predictor.kernel(), "load_ms", (System.nanoTime() - t1) / 1_000_000, "startup_ms", (System.nanoTime() - t0) / 1_000_000,
                "heap_used_mib", (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        return server;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The admin port (health and metrics), or -1 without one. */
    public int adminPort() {
        return admin == null ? -1 : admin.getLocalPort();
    }

    public URI baseUri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create((config.tlsCert() != null ? "https" : "http") + "://" + host + ":" + port());
    }

    public String modelName() {
        return api.name();
    }

    public String modelVersion() {
        return api.version();
    }

    public boolean isReady() {
        return api.isReady();
    }

    /** Graceful stop: not ready, stop accepting, let in-flight requests finish within the grace, then stop. */
    @Override
    public void close() {
        api.stopping();
        log.info("stopping", "stopping: no new connections; in-flight requests get up to "
                + config.shutdownGrace().toMillis() + " ms", "grace_ms", config.shutdownGrace().toMillis());
        long t0 = System.nanoTime();
        try {
            jetty.stop();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!timedOut(e)) {
                throw new IllegalStateException("stopping the server failed: " + e, e);
            }
            // Jetty stopped anyway; what outlived the grace was cut off, as Kubernetes would have done.
            log.warn("grace_expired", "requests still in flight after the " + config.shutdownGrace().toMillis()
                    + " ms grace were cut off", "grace_ms", config.shutdownGrace().toMillis());
        }
        api.kernelCheck().close();
        log.info("stopped", "stopped", "stop_ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (timedOut(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Runs the server until SIGTERM or SIGINT, then stops gracefully. Returns the exit code; failures are logged as
     * JSON lines on {@code out} and said in a line on {@code err}.
     */
    public static int serve(ServeOptions options, PrintWriter out, PrintWriter err) {
        JsonLog log = new JsonLog(out);
        // Tribuo and Jetty log through java.util.logging / SLF4J; the JSON lines say what matters.
        Logger.getLogger("").setLevel(Level.WARNING);
        ModelServer server;
        try {
            ServerConfig config = options.toConfig();
            log.info("starting", "modelops-serving " + Versions.modelops() + " starting", "version",
                    Versions.modelops(), "tribuo", Versions.tribuo(), "java", System.getProperty("java.version"));
            server = start(config, log);
        } catch (InvalidInputException e) {
            log.error("start_failed", e.getMessage(), "exit_code", BAD_INPUT);
            err.println("error: " + e.getMessage());
            return BAD_INPUT;
        } catch (Exception e) {
            String reason = e instanceof java.io.IOException && e.getCause() instanceof java.net.BindException
                    ? "cannot listen on " + options.host + ":" + options.port + ": " + e.getCause().getMessage() : e.toString();
            log.error("start_failed", reason, "exit_code", FAILED);
            err.println("error: " + reason);
            return FAILED;
        }
        CountDownLatch stop = new CountDownLatch(1);
        onTermination(stop);
        try {
            stop.await();
            server.close();
            return OK;
        } catch (Exception e) {
            log.error("stop_failed", e.toString(), "exit_code", FAILED);
            err.println("error: " + e);
            return FAILED;
        }
    }

    /**
     * SIGTERM and SIGINT release the latch instead of exiting at once (the JVM's default would exit 143 without
     * draining), so the caller drains and exits 0. {@code sun.misc.Signal} lives in the jdk.unsupported module, which
     * the JDK keeps for exactly such uses; the compiler's warning about it cannot be suppressed.
     */
    private static void onTermination(CountDownLatch stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Signals are reserved (java -Xrs): a shutdown hook still drains, but the exit code is the JVM's.
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            }
        }
    }

    /** {@code java -jar modelops-serving.jar}: the container's entrypoint. */
    @Command(name = "modelops-serving", mixinStandardHelpOptions = true, sortOptions = false,
            versionProvider = Main.Version.class, defaultValueProvider = ServeOptions.Environment.class,
            description = {"Serve a model bundle: Open Inference Protocol v2 and KServe v1 REST, feedback, /metrics.",
                    "Exit codes: 0 clean shutdown (SIGTERM), 2 bad bundle or flags, 3 other failure."},
            footer = ServeOptions.ENVIRONMENT_HELP)
    static final class Main implements Callable<Integer> {
        @Mixin
        ServeOptions options;

        @Override
        public Integer call() {
            return serve(options, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        }

        static final class Version implements CommandLine.IVersionProvider {
            @Override
            public String[] getVersion() {
                return new String[] {"modelops-serving " + Versions.modelops() + " (Tribuo " + Versions.tribuo() + ")"};
            }
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
