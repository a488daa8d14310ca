package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus (Debian's 2.42; {@code scripts/install-deps.sh --test}) on 127.0.0.1: scrape and evaluation
 * every second, rule files from {@link #rulesDir()}, the lifecycle API on, optional scrape targets (job
 * {@code modelops}) and extra flags (a web configuration for TLS and basic auth). Stopped and removed by
 * {@link #close}.
 */
public final class PrometheusServer extends LocalServer<PrometheusServer> {

    private final String scheme;

    private PrometheusServer(String scheme) throws IOException {
        super("prometheus");
        this.scheme = scheme;
    }

    public static PrometheusServer start(List<String> targets, String... extraFlags) throws IOException {
        return start(targets, null, extraFlags);
    }

    /** One that also sends its alerts to {@code alertmanager} (as a deployment's Prometheus does). */
    public static PrometheusServer start(List<String> targets, URI alertmanager, String... extraFlags)
            throws IOException {
        return start(targets, alertmanager, false, extraFlags);
    }

    /**
     * @param honorLabels the targets' own {@code job} and {@code instance} labels win ({@code honor_labels: true}),
     *                    as a Pushgateway's scrape needs: its series carry the pushing job's
     */
    public static PrometheusServer start(List<String> targets, boolean honorLabels, String... extraFlags)
            throws IOException {
        return start(targets, null, honorLabels, extraFlags);
    }

    /** Scraping a Pushgateway ({@code honorLabels}) and sending its alerts to {@code alertmanager}. */
    public static PrometheusServer start(List<String> targets, URI alertmanager, boolean honorLabels,
                                         String... extraFlags) throws IOException {
        boolean tls = List.of(extraFlags).stream().anyMatch(f -> f.startsWith("--web.config.file"));
        PrometheusServer server = new PrometheusServer(tls ? "https" : "http");
        Path dir = server.dir;
        Files.createDirectories(server.rulesDir());
        StringBuilder config = new StringBuilder(String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "rule_files: ['" + server.rulesDir() + "/*.yml']", "scrape_configs:", "  - job_name: modelops",
                "    honor_labels: " + honorLabels, "    static_configs:", "      - targets: ["
                        + String.join(", ", targets.stream().map(t -> "'" + t + "'").toList()) + "]", ""));
        if (alertmanager != null) {
            config.append(String.join("\n", "alerting:", "  alertmanagers:", "    - static_configs:",
                    "        - targets: ['" + alertmanager.getAuthority() + "']", ""));
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        List<String> command = new ArrayList<>(List.of(binary(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + server.port,
                "--web.enable-lifecycle"));
        command.addAll(List.of(extraFlags));
        server.launch(command);
        return server;
    }

    /** Where the server's files go (a web configuration, certificates) before {@link #start}: a fresh folder. */
    public static Path scratch() throws IOException {
        return Files.createTempDirectory("modelops-prometheus-files");
    }

    @Override
    public URI url() {
        return URI.create(scheme + "://127.0.0.1:" + port);
    }

    public Path rulesDir() {
        return dir.resolve("rules");
    }

    private static String binary() {
        return binary("prometheus", "prometheus", "/usr/bin/prometheus", "/usr/local/bin/prometheus");
    }
}
