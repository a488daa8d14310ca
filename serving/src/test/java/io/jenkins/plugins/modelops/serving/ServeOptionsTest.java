package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every serve flag from MODELOPS_&lt;FLAG&gt;, the command line winning: the container is configured this way. */
class ServeOptionsTest {

    private static final Path TOKEN_FILE;

    static {
        try {
            TOKEN_FILE = java.nio.file.Files.createTempFile("feedback-token", "");
            java.nio.file.Files.writeString(TOKEN_FILE, "token-from-a-file-0123456789\n");
            TOKEN_FILE.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A value for every flag, none of them its default. */
    static final Map<String, String> EVERY_FLAG = Map.ofEntries(
            Map.entry("MODELOPS_BUNDLE", "/models/iris"), Map.entry("MODELOPS_HOST", "0.0.0.0"),
            Map.entry("MODELOPS_PORT", "9000"), Map.entry("MODELOPS_NAME", "flowers"),
            Map.entry("MODELOPS_MODEL_VERSION", "v7"), Map.entry("MODELOPS_TLS_CERT", "/tls/cert.pem"),
            Map.entry("MODELOPS_TLS_KEY", "/tls/key.pem"), Map.entry("MODELOPS_SHUTDOWN_GRACE", "PT5S"),
            Map.entry("MODELOPS_MAX_BODY_BYTES", "1024"), Map.entry("MODELOPS_STRICT", "true"),
            Map.entry("MODELOPS_FEEDBACK_CACHE_SIZE", "10"), Map.entry("MODELOPS_FEEDBACK_TTL", "60"),
            Map.entry("MODELOPS_REQUEST_LOG_SAMPLE", "0.5"), Map.entry("MODELOPS_NOOP_ENDPOINT", "true"),
            Map.entry("MODELOPS_MAX_THREADS", "16"), Map.entry("MODELOPS_FEEDBACK_TOKEN_FILE", TOKEN_FILE.toString()),
            Map.entry("MODELOPS_OPEN_FEEDBACK", "true"), Map.entry("MODELOPS_ID_KEY_FILE", TOKEN_FILE.toString()),
            Map.entry("MODELOPS_READ_TIMEOUT", "3"), Map.entry("MODELOPS_MAX_CONCURRENT_REQUESTS", "8"),
            Map.entry("MODELOPS_ADMIN_PORT", "9090"), Map.entry("MODELOPS_MAX_ROWS", "500"),
            Map.entry("MODELOPS_KERNEL_CHECK_RATE", "0.5"), Map.entry("MODELOPS_TRACK", "canary"),
            Map.entry("MODELOPS_STATUS_WINDOW", "120"), Map.entry("MODELOPS_STATUS_MIN_FEEDBACK", "50"));

    private static ServeOptions parse(Map<String, String> environment, String... args) {
        ModelServer.Main main = new ModelServer.Main();
        CommandLine cli = new CommandLine(main);
        assertThat(cli.getCommandSpec().defaultValueProvider()).isInstanceOf(ServeOptions.Environment.class);
        cli.setDefaultValueProvider(new ServeOptions.Environment(environment)).parseArgs(args);
        return main.options;
    }

    @Test
    void everyFlagComesFromItsEnvironmentVariable() {
        Set<String> variables = new TreeSet<>();
        for (OptionSpec option : new CommandLine(new ModelServer.Main()).getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                variables.add(ServeOptions.Environment.variable(option.longestName()));
            }
        }
        assertThat(variables).as("a new flag needs a value here").isEqualTo(new TreeSet<>(EVERY_FLAG.keySet()));

        ServerConfig config = parse(EVERY_FLAG).toConfig(Map.of());
        assertThat(config).isEqualTo(new ServerConfig(Path.of("/models/iris"), "0.0.0.0", 9000, "flowers", "v7",
                Path.of("/tls/cert.pem"), Path.of("/tls/key.pem"), Duration.ofSeconds(5), 1024, true, 10,
                Duration.ofSeconds(60), 0.5, true, 16, Secret.of("test", "token-from-a-file-0123456789"), true,
                Secret.of("test", "token-from-a-file-0123456789"), Duration.ofSeconds(3), 8, 9090, 500, 0.5, "canary",
                Duration.ofMinutes(2), 50));
    }

    @Test
    void theCommandLineWins() {
        ServerConfig config = parse(EVERY_FLAG, "--port", "9001", "--strict=false", "--noop-endpoint=false",
                "--feedback-ttl", "PT2M", "--bundle", "/elsewhere").toConfig(Map.of());
        assertThat(config.port()).isEqualTo(9001);
        assertThat(config.strict()).isFalse();
        assertThat(config.noopEndpoint()).isFalse();
        assertThat(config.feedbackTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.bundle()).isEqualTo(Path.of("/elsewhere"));
        assertThat(config.host()).isEqualTo("0.0.0.0"); // not on the command line: still the environment's

        Map<String, String> off = new HashMap<>(Map.of("MODELOPS_BUNDLE", "/b", "MODELOPS_STRICT", "false"));
        assertThat(parse(off, "--strict").toConfig(Map.of()).strict()).isTrue(); // a bare flag turns on, whatever the default
    }

    @Test
    void withNeitherTheFlagsOwnDefaultsApply() {
        assertThat(parse(Map.of(), "--bundle", "/b").toConfig(Map.of())).isEqualTo(ServerConfig.of(Path.of("/b")));
        assertThat(parse(Map.of("OTHER_PORT", "1", "MODELOPS_UNKNOWN", "2"), "--bundle", "/b").toConfig(Map.of()))
                .isEqualTo(ServerConfig.of(Path.of("/b")));
    }

    @Test
    void theTrackIsStableUnlessTheFlagOrTheEnvironmentSaysCanary() {
        assertThat(parse(Map.of(), "--bundle", "/b").toConfig(Map.of()).track()).isEqualTo("stable");
        assertThat(parse(Map.of(), "--bundle", "/b", "--track", "canary").toConfig(Map.of()).track()).isEqualTo("canary");
        assertThat(parse(Map.of("MODELOPS_TRACK", "canary"), "--bundle", "/b").toConfig(Map.of()).track())
                .isEqualTo("canary");
        assertThat(parse(Map.of("MODELOPS_TRACK", "canary"), "--bundle", "/b", "--track", "stable").toConfig(Map.of())
                .track()).as("the command line wins").isEqualTo("stable");
        assertThat(ServerConfig.of(Path.of("/b")).withTrack("canary").track()).isEqualTo("canary");
    }

    @Test
    void aTrackOtherThanStableOrCanaryIsABadFlagNamingTheAcceptedValues() {
        String expected = "--track 'blue' is not a track: use stable or canary (the pods of a canary rollout beside "
                + "the stable ones)";
        assertThatThrownBy(() -> parse(Map.of(), "--bundle", "/b", "--track", "blue").toConfig(Map.of()))
                .isInstanceOf(io.jenkins.plugins.modelops.InvalidInputException.class).hasMessage(expected);
        assertThatThrownBy(() -> parse(Map.of("MODELOPS_TRACK", "blue"), "--bundle", "/b").toConfig(Map.of()))
                .isInstanceOf(io.jenkins.plugins.modelops.InvalidInputException.class).hasMessage(expected);
        // Label values are exact: a monitor selecting track="canary" would miss "Canary".
        assertThatThrownBy(() -> parse(Map.of(), "--bundle", "/b", "--track", "Canary").toConfig(Map.of()))
                .hasMessageStartingWith("--track 'Canary' is not a track: use stable or canary");
        assertThatThrownBy(() -> ServerConfig.of(Path.of("/b")).withTrack(null))
                .hasMessageStartingWith("--track is missing: use stable or canary");
        // Refused before anything starts, with the bad-flag exit code.
        CommandLine cli = new CommandLine(new ModelServer.Main())
                .setDefaultValueProvider(new ServeOptions.Environment(Map.of("MODELOPS_BUNDLE", "/b", "MODELOPS_TRACK", "blue")));
        assertThat(cli.execute()).isEqualTo(ModelServer.BAD_INPUT);
    }

    @Test
    void theIdKeyComesFromItsVariableOrItsFile() {
        assertThat(parse(Map.of(), "--bundle", "/b").toConfig(Map.of("MODELOPS_ID_KEY", "key-in-the-environment-42"))
                .idKey()).isEqualTo(Secret.of("test", "key-in-the-environment-42"));
        assertThat(parse(Map.of(), "--bundle", "/b").toConfig(Map.of()).idKey()).as("a random key per process").isNull();
        assertThatThrownBy(() -> parse(Map.of(), "--bundle", "/b").toConfig(Map.of("MODELOPS_ID_KEY", "short")))
                .hasMessageContaining("MODELOPS_ID_KEY holds only 5 bytes");
    }

    @Test
    void theFeedbackTokenComesFromItsFileOrItsVariableNeverAFlag() {
        Map<String, String> token = Map.of("MODELOPS_FEEDBACK_TOKEN", " token-in-the-environment-42 \n");
        assertThat(parse(Map.of(), "--bundle", "/b").toConfig(token).feedbackToken())
                .isEqualTo(Secret.of("test", "token-in-the-environment-42"));
        assertThat(parse(Map.of(), "--bundle", "/b", "--feedback-token-file", TOKEN_FILE.toString()).toConfig(Map.of())
                .feedbackToken()).isEqualTo(Secret.of("test", "token-from-a-file-0123456789"));
        assertThatThrownBy(() -> parse(Map.of(), "--bundle", "/b", "--feedback-token-file", TOKEN_FILE.toString())
                .toConfig(token)).hasMessage("--feedback-token-file and MODELOPS_FEEDBACK_TOKEN are both set; give the "
                + "secret one way");
        assertThatThrownBy(() -> parse(Map.of(), "--bundle", "/b", "--feedback-token-file", "/nonexistent/token")
                .toConfig(Map.of())).hasMessageStartingWith("--feedback-token-file /nonexistent/token cannot be read");
    }

    @Test
    void aBadValueInTheEnvironmentIsABadFlag() {
        CommandLine cli = new CommandLine(new ModelServer.Main())
                .setDefaultValueProvider(new ServeOptions.Environment(Map.of("MODELOPS_BUNDLE", "/b", "MODELOPS_PORT", "http")));
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("--port", "'http' is not an int");
    }

    @Test
    void aServerProcessIsConfiguredByItsEnvironmentAlone() throws Exception {
        Map<String, String> environment = Map.of("MODELOPS_BUNDLE", TestBundles.iris().toString(),
                "MODELOPS_PORT", "0", "MODELOPS_NAME", "from-env", "MODELOPS_MODEL_VERSION", "e1");
        try (ServerProcess server = new ServerProcess(environment)) {
            server.awaitLine(l -> l.contains("\"event\":\"model_loaded\""));
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/from-env/versions/e1/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            server.sigterm();
            assertThat(server.exitCode(60)).isZero();
        }
    }
}
