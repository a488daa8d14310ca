package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.metrics.ServingContract;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the model server is started with, checked once. Built from flags by {@link ServeOptions}.
 *
 * @param name the model's name in URLs and metrics; null means the bundle directory's name (see {@link #modelName})
 * @param version the version label in metrics and v2 metadata; null means the bundle's short model id
 * @param tlsCert PEM certificate (chain) file, or null for plain HTTP; needs {@code tlsKey}
 * @param shutdownGrace how long in-flight requests may take to finish after SIGTERM
 * @param maxBodyBytes request bodies above this size are refused with 413
 * @param strict reject numbers outside the training range and categories never seen in training
 * @param feedbackCacheSize answered prediction ids remembered to refuse a second feedback (0: no feedback by id)
 * @param feedbackTtl how long a prediction id accepts feedback
 * @param requestLogSample share of requests logged as JSON lines (0: none, 1: all)
 * @param noopEndpoint expose {@code POST /v2/noop}, the benchmark floor on the same server and stack
 * @param feedbackToken the token feedback must present as {@code Authorization: Bearer}, or null for none
 * @param openFeedback accept feedback without a token on a non-loopback address too
 * @param idKey the key prediction ids are signed with, shared by replicas; null for a random one per process
 * @param readTimeout how long a request body may take to arrive (408 after)
 * @param maxConcurrentRequests inference and feedback requests at once, reading included (503 with Retry-After over)
 * @param adminPort a second port answering health and metrics only, on its own threads; -1 for none
 * @param maxRows most rows per request; 0 for what the heap can answer ({@link #rowLimit})
 * @param kernelCheckRate share of served rows a compiled kernel is checked on against its reference (0: none)
 * @param track {@code stable} or {@code canary}: which pods of a deployment these are, the {@code track} label of
 *        {@code modelops_model_info}
 * @param statusWindow the window over which feedback is held to the blessing's threshold, and a kernel mismatch
 *        keeps the model {@code degraded} in {@code modelops_model_status}
 * @param statusMinFeedback feedback in the window before it can make the model {@code degraded}
 */
public record ServerConfig(Path bundle, String host, int port, String name, String version, Path tlsCert,
                           Path tlsKey, Duration shutdownGrace, long maxBodyBytes, boolean strict,
                           int feedbackCacheSize, Duration feedbackTtl, double requestLogSample,
                           boolean noopEndpoint, int maxThreads, Secret feedbackToken, boolean openFeedback,
                           Secret idKey, Duration readTimeout, int maxConcurrentRequests, int adminPort,
                           int maxRows, double kernelCheckRate, String track, Duration statusWindow,
                           int statusMinFeedback) {

    /** The defaults of {@code --status-window} and {@code --status-min-feedback}, as the alert rules' window and minimum. */
    public static final Duration DEFAULT_STATUS_WINDOW = Duration.ofMinutes(5);
    public static final int DEFAULT_STATUS_MIN_FEEDBACK = 20;

    /** A configuration with the default status checks. */
    public ServerConfig(Path bundle, String host, int port, String name, String version, Path tlsCert,
                        Path tlsKey, Duration shutdownGrace, long maxBodyBytes, boolean strict,
                        int feedbackCacheSize, Duration feedbackTtl, double requestLogSample,
                        boolean noopEndpoint, int maxThreads, Secret feedbackToken, boolean openFeedback,
                        Secret idKey, Duration readTimeout, int maxConcurrentRequests, int adminPort,
                        int maxRows, double kernelCheckRate, String track) {
        this(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes, strict, feedbackCacheSize,
                feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken, openFeedback, idKey, readTimeout,
                maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, DEFAULT_STATUS_WINDOW,
                DEFAULT_STATUS_MIN_FEEDBACK);
    }

    /** The values of {@code --track}. */
    public static final java.util.List<String> TRACKS = java.util.List.of(ServingContract.TRACK_STABLE,
            ServingContract.TRACK_CANARY);

    public ServerConfig {
        if (bundle == null) {
            throw new InvalidInputException("--bundle is required: the model bundle directory written by modelops train");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("--port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new InvalidInputException("--tls-cert and --tls-key go together: give both PEM files or neither");
        }
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new InvalidInputException("--name '" + name + "' is not a model name: use letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit, at most 63 characters");
        }
        if (shutdownGrace.isNegative()) {
            throw new InvalidInputException("--shutdown-grace must not be negative: " + shutdownGrace);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("--max-body-bytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                    + ": " + maxBodyBytes);
        }
        if (feedbackCacheSize < 0) {
            throw new InvalidInputException("--feedback-cache-size must not be negative: " + feedbackCacheSize);
        }
        if (feedbackTtl.isNegative() || feedbackTtl.isZero()) {
            throw new InvalidInputException("--feedback-ttl must be positive: " + feedbackTtl);
        }
        if (!(requestLogSample >= 0 && requestLogSample <= 1)) {
            throw new InvalidInputException("--request-log-sample must be between 0 and 1: " + requestLogSample);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new InvalidInputException("--read-timeout must be positive: " + readTimeout);
        }
        if (maxConcurrentRequests < 1) {
            throw new InvalidInputException("--max-concurrent-requests must be at least 1: " + maxConcurrentRequests);
        }
        if (adminPort < -1 || adminPort > 65535 || (adminPort > 0 && adminPort == port)) {
            throw new InvalidInputException("--admin-port " + adminPort + " is not a TCP port other than --port "
                    + "(0-65535; 0 picks a free one)");
        }
        if (!(kernelCheckRate >= 0 && kernelCheckRate <= 1)) {
            throw new InvalidInputException("--kernel-check-rate must be between 0 and 1: " + kernelCheckRate);
        }
        if (maxRows < 0) {
            throw new InvalidInputException("--max-rows must not be negative (0: as the heap allows): " + maxRows);
        }
        if (maxThreads < 4) {
            throw new InvalidInputException("--max-threads must be at least 4: " + maxThreads);
        }
        if (statusWindow == null || statusWindow.toMillis() < 1000) {
            throw new InvalidInputException("--status-window must be at least 1 second: " + statusWindow);
        }
        if (statusMinFeedback < 1) {
            throw new InvalidInputException("--status-min-feedback must be at least 1: " + statusMinFeedback);
        }
        if (track == null || !TRACKS.contains(track)) {
            throw new InvalidInputException("--track " + (track == null ? "is missing" : "'" + track + "' is not a track")
                    + ": use " + String.join(" or ", TRACKS) + " (the pods of a canary rollout beside the stable ones)");
        }
    }

    /** Defaults for everything but the bundle: 127.0.0.1:8080, no TLS, 30 s grace, 8 MiB bodies, not strict, stable. */
    public static ServerConfig of(Path bundle) {
        return new ServerConfig(bundle, "127.0.0.1", 8080, null, null, null, null, Duration.ofSeconds(30),
                8L << 20, false, 100_000, Duration.ofMinutes(10), 0, false, 200, null, false, null,
                Duration.ofSeconds(10), 64, -1, 0, 0.001, ServingContract.TRACK_STABLE, DEFAULT_STATUS_WINDOW,
                DEFAULT_STATUS_MIN_FEEDBACK);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bundle, host, newPort, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads,
                feedbackToken, openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withStrict(boolean newStrict) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                newStrict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads,
                feedbackToken, openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withTls(Path cert, Path key) {
        return new ServerConfig(bundle, host, port, name, version, cert, key, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads,
                feedbackToken, openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withLimits(long newMaxBodyBytes, int newFeedbackCacheSize, Duration newFeedbackTtl) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, newMaxBodyBytes,
                strict, newFeedbackCacheSize, newFeedbackTtl, requestLogSample, noopEndpoint, maxThreads,
                feedbackToken, openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withFeedbackAccess(Secret token, boolean open) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, token, open, idKey,
                readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withIdKey(Secret key) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, key, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withHostileClientLimits(Duration newReadTimeout, int newMaxConcurrentRequests, int newAdminPort) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, idKey, newReadTimeout, newMaxConcurrentRequests, newAdminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withMaxRows(int rows) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, rows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withKernelCheckRate(double rate) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, rate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withRequestLogSample(double rate) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, rate, noopEndpoint, maxThreads, feedbackToken, openFeedback,
                idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track, statusWindow, statusMinFeedback);
    }

    public ServerConfig withTrack(String newTrack) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, newTrack, statusWindow, statusMinFeedback);
    }

    public ServerConfig withStatusChecks(Duration window, int minFeedback) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, shutdownGrace, maxBodyBytes,
                strict, feedbackCacheSize, feedbackTtl, requestLogSample, noopEndpoint, maxThreads, feedbackToken,
                openFeedback, idKey, readTimeout, maxConcurrentRequests, adminPort, maxRows, kernelCheckRate, track,
                window, minFeedback);
    }

    /** Heap per row of a request's answer that the default row limit budgets: request tree, rows, response. */
    static final long HEAP_PER_ROW = 32 * 1024;

    /**
     * Most rows per request: {@code --max-rows}, else the heap over {@link #HEAP_PER_ROW} (8192 rows in a 256 MiB
     * heap), so that the requests that fit in the --max-concurrent-requests at once cannot run the heap out.
     */
    public int rowLimit() {
        return maxRows > 0 ? maxRows : rowLimit(Runtime.getRuntime().maxMemory());
    }

    static int rowLimit(long maxHeap) {
        return (int) Math.max(100, Math.min(1 << 20, maxHeap / HEAP_PER_ROW));
    }

    /** The served name: {@code --name}, else the bundle directory's name made URL- and label-safe. */
    public String modelName() {
        return name != null ? name : io.jenkins.plugins.modelops.status.ModelNames.of(bundle);
    }
}
