package io.jenkins.plugins.modelops.serving;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The server's flags, one definition for {@code java -jar modelops-serving.jar} and {@code modelops serve} (a picocli
 * mixin). Durations take a number of seconds ({@code 30}) or an ISO-8601 duration ({@code PT30S}). Every flag can
 * also come from the environment ({@link Environment}); a command that mixes these in names it as its default
 * provider. On/off flags take an optional value ({@code --strict}, {@code --strict=false}) so that the command line
 * can turn off what the environment turned on.
 */
public final class ServeOptions {

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "model bundle directory (modelops train --out)")
    Path bundle;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default 127.0.0.1; 0.0.0.0 in a container)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default 8080; 0 picks a free one)")
    int port;

    @Option(names = "--name", paramLabel = "NAME", description = "model name in URLs and metrics (default: the bundle directory's name)")
    String name;

    @Option(names = "--model-version", paramLabel = "V", description = "version label in metrics (default: the bundle's short model id)")
    String version;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "serve HTTPS with this PEM certificate (chain)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "the PEM private key (PKCS#8 or PKCS#1) for --tls-cert")
    Path tlsKey;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "on SIGTERM, time for in-flight requests to finish (default 30)")
    String shutdownGrace;

    @Option(names = "--max-body-bytes", defaultValue = "8388608", paramLabel = "N",
            description = "larger request bodies get 413 (default 8 MiB)")
    long maxBodyBytes;

    @Option(names = "--strict", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "reject values outside the training range and unseen categories")
    boolean strict;

    @Option(names = "--feedback-cache-size", defaultValue = "100000", paramLabel = "N",
            description = "answered prediction ids remembered, so each takes one feedback (default 100000; 0: no feedback by id)")
    int feedbackCacheSize;

    @Option(names = "--feedback-ttl", defaultValue = "600", paramLabel = "SECONDS",
            description = "how long a prediction id accepts feedback (default 600)")
    String feedbackTtl;

    @Option(names = "--request-log-sample", defaultValue = "0", paramLabel = "RATE",
            description = "share of requests logged as JSON lines, 0 to 1 (default 0: off)")
    double requestLogSample;

    @Option(names = "--noop-endpoint", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "expose POST /v2/noop (benchmark floor: same server, no model)")
    boolean noopEndpoint;

    @Option(names = "--max-threads", defaultValue = "200", paramLabel = "N", description = "Jetty's thread pool maximum (default 200)")
    int maxThreads;

    @Option(names = "--feedback-token-file", paramLabel = "FILE",
            description = "feedback must send 'Authorization: Bearer <the token in FILE>' (or set MODELOPS_FEEDBACK_TOKEN)")
    Path feedbackTokenFile;

    @Option(names = "--open-feedback", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "accept feedback without a token on a non-loopback address (default: refused with 403)")
    boolean openFeedback;

    @Option(names = "--id-key-file", paramLabel = "FILE",
            description = "key that signs prediction ids, the same for every replica (or set MODELOPS_ID_KEY; default: "
                    + "a random key per process, so only this process takes feedback for its ids)")
    Path idKeyFile;

    @Option(names = "--read-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "time for a request body to arrive; slower clients get 408 (default 10)")
    String readTimeout;

    @Option(names = "--max-concurrent-requests", defaultValue = "64", paramLabel = "N",
            description = "inference and feedback requests at once, reading included; more get 503 with Retry-After (default 64)")
    int maxConcurrentRequests;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "also answer health and /metrics on this port, on threads of its own (default: none; 0 picks one)")
    Integer adminPort;

    @Option(names = "--max-rows", defaultValue = "0", paramLabel = "N",
            description = "most rows per request, more get 413 (default 0: the heap / 32 KiB, 8192 rows in 256 MiB)")
    int maxRows;

    @Option(names = "--kernel-check-rate", defaultValue = "0.001", paramLabel = "RATE",
            description = "share of served rows a compiled kernel is checked on against Tribuo in the background (default 0.001)")
    double kernelCheckRate;

    @Option(names = "--track", defaultValue = "stable", paramLabel = "TRACK",
            description = "stable or canary: which pods of a deployment these are, the 'track' label of modelops_model_info (default stable)")
    String track;

    @Option(names = "--status-window", defaultValue = "300", paramLabel = "SECONDS",
            description = "window of feedback held to the bundle's blessing threshold, and of kernel mismatches, for "
                    + "modelops_model_status running/degraded (default 300)")
    String statusWindow;

    @Option(names = "--status-min-feedback", defaultValue = "20", paramLabel = "N",
            description = "feedback in the window before it can make the model degraded (default 20)")
    int statusMinFeedback;

    /** The variable that holds the prediction id key itself. */
    public static final String ID_KEY_VARIABLE = "MODELOPS_ID_KEY";

    /** The variable that holds the feedback token itself (a secret is not a flag: flags show in ps). */
    public static final String FEEDBACK_TOKEN_VARIABLE = "MODELOPS_FEEDBACK_TOKEN";

    public ServerConfig toConfig() {
        return toConfig(System.getenv());
    }

    /** The configuration, with secrets given by value taken from {@code environment}. */
    ServerConfig toConfig(Map<String, String> environment) {
        return new ServerConfig(bundle, host, port, name, version, tlsCert, tlsKey, duration("--shutdown-grace", shutdownGrace),
                maxBodyBytes, strict, feedbackCacheSize, duration("--feedback-ttl", feedbackTtl), requestLogSample,
                noopEndpoint, maxThreads, secret("--feedback-token-file", feedbackTokenFile, FEEDBACK_TOKEN_VARIABLE,
                environment), openFeedback,
                secret("--id-key-file", idKeyFile, ID_KEY_VARIABLE, environment), duration("--read-timeout", readTimeout),
                maxConcurrentRequests, adminPort == null ? -1 : adminPort, maxRows,
                kernelCheckRate, track, duration("--status-window", statusWindow), statusMinFeedback);
    }

    /** A secret from its file flag or its variable; both at once is a mistake worth stopping for. */
    private static Secret secret(String flag, Path file, String variable, Map<String, String> environment) {
        String value = environment.get(variable);
        if (file != null && value != null) {
            throw new io.jenkins.plugins.modelops.InvalidInputException(flag + " and " + variable
                    + " are both set; give the secret one way");
        }
        return file != null ? Secret.fromFile(flag, file) : value != null ? Secret.of(variable, value) : null;
    }

    /** The footer of the commands that take these flags. */
    public static final String ENVIRONMENT_HELP = "Every flag can also be set by an environment variable MODELOPS_<FLAG> "
            + "(--port: MODELOPS_PORT, --feedback-ttl: MODELOPS_FEEDBACK_TTL); a flag on the command line wins.";

    /**
     * Defaults from the environment: {@code --feedback-ttl} from {@code MODELOPS_FEEDBACK_TTL}, and so on for every
     * flag, as a container is configured ("configuration through environment variables, never hard-coded
     * secrets"). A flag on the command line wins; without either, the flag's own default applies.
     */
    public static final class Environment implements CommandLine.IDefaultValueProvider {
        private final Map<String, String> variables;

        /** Picocli makes it by this constructor: the process's environment. */
        public Environment() {
            this(System.getenv());
        }

        public Environment(Map<String, String> variables) {
            this.variables = Map.copyOf(variables);
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
                return null;
            }
            return variables.get(variable(option.longestName()));
        }

        /** {@code --feedback-ttl} to {@code MODELOPS_FEEDBACK_TTL}. */
        public static String variable(String flag) {
            return "MODELOPS_" + flag.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
        }
    }

    static Duration duration(String flag, String text) {
        try {
            return text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                    : Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        } catch (RuntimeException e) {
            throw new io.jenkins.plugins.modelops.InvalidInputException(flag + " '" + text
                    + "' is not a duration: give seconds (30, 0.5) or ISO-8601 (PT30S)");
        }
    }
}
