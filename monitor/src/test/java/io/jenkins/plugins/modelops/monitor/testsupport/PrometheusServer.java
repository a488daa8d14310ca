package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's 2.42; {@code scripts/install-deps.sh --test}) on 127.0.0.1: scrape and evaluation
 * every second, rule files from {@link #rulesDir()}, the lifecycle API on, optional scrape targets (job
 * {@code modelops}) and extra flags (a web configuration for TLS and basic auth). Stopped and removed by
 * {@link #close}.
 */
public final class PrometheusServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String scheme;
    private Process process;

    private PrometheusServer(Path dir, int port, String scheme) {
        this.dir = dir;
        this.port = port;
        this.scheme = scheme;
    }

    public static PrometheusServer start(List<String> targets, String... extraFlags) throws IOException {
        Path dir = Files.createTempDirectory("modelops-prometheus");
        boolean tls = List.of(extraFlags).stream().anyMatch(f -> f.startsWith("--web.config.file"));
        PrometheusServer server = new PrometheusServer(dir, freePort(), tls ? "https" : "http");
        Files.createDirectories(server.rulesDir());
        StringBuilder config = new StringBuilder(String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "rule_files: ['" + server.rulesDir() + "/*.yml']", "scrape_configs:", "  - job_name: modelops",
                "    static_configs:", "      - targets: [" + String.join(", ", targets.stream()
                        .map(t -> "'" + t + "'").toList()) + "]", ""));
        Files.writeString(dir.resolve("prometheus.yml"), config);
        List<String> command = new ArrayList<>(List.of(binary(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + server.port,
                "--web.enable-lifecycle"));
        command.addAll(List.of(extraFlags));
        server.process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return server;
    }

    /** Where the server's files go (a web configuration, certificates) before {@link #start}: a fresh folder. */
    public static Path scratch() throws IOException {
        return Files.createTempDirectory("modelops-prometheus-files");
    }

    public URI url() {
        return URI.create(scheme + "://127.0.0.1:" + port);
    }

    public Path rulesDir() {
        return dir.resolve("rules");
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("prometheus.log"));
    }

    /** Waits for {@code /-/ready} over plain HTTP (TLS servers are awaited by the caller's own client). */
    public PrometheusServer awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + log());
            }
            try {
                if (client.send(HttpRequest.newBuilder(url().resolve("/-/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus not ready after " + timeout + ": " + log());
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (Files.exists(dir)) { // closing twice is fine
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String binary() {
        return Stream.of("/usr/bin/prometheus", "/usr/local/bin/prometheus").filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new IllegalStateException(
                        "prometheus is not installed; run scripts/install-deps.sh --test"));
    }
}
