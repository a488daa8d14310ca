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
 * A real Prometheus Pushgateway (Debian's {@code prometheus-pushgateway}; {@code scripts/install-deps.sh --test}) on
 * a free 127.0.0.1 port, its persistence file in a temporary folder. Ready when started; stopped and removed by
 * {@link #close}.
 */
public final class PushgatewayServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dir;
    private final int port;
    private final Process process;

    private PushgatewayServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static PushgatewayServer start() throws Exception {
        String binary = Stream.of("/usr/bin/prometheus-pushgateway", "/usr/local/bin/prometheus-pushgateway",
                        "/usr/local/bin/pushgateway").filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException("prometheus-pushgateway is not installed; run "
                        + "scripts/install-deps.sh --test (Debian package prometheus-pushgateway)"));
        Path dir = Files.createTempDirectory("modelops-pushgateway");
        int port = freePort();
        Process process = new ProcessBuilder(binary, "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pushgateway.data"), "--persistence.interval=1s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pushgateway.log").toFile()).start();
        PushgatewayServer server = new PushgatewayServer(dir, port, process);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code host:port}, as a Prometheus scrape target. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    /** The text exposition of everything pushed, as Prometheus scrapes it. */
    public String metrics() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url().resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The series of {@code family} whose labels include every one of {@code labels} ({@code status="training"}), as
     * exposition lines; a line holds its labels sorted by name, as the Pushgateway writes them.
     */
    public List<String> series(String family, String... labels) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String line : metrics().split("\n")) {
            if (line.startsWith(family + "{") && Stream.of(labels).allMatch(line::contains)) {
                lines.add(line);
            }
        }
        return lines;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("pushgateway.log"));
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus-pushgateway exited: " + log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(url().resolve("/-/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("prometheus-pushgateway not ready after " + timeout + ": " + log());
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A port nothing listens on (for an unreachable Pushgateway). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
