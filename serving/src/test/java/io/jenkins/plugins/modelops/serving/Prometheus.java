package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's {@code prometheus} package; {@code scripts/install-deps.sh --test} installs it) on
 * 127.0.0.1 with a temporary configuration and storage, scraping one target every second. Stopped by {@link #close}.
 */
final class Prometheus implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    Prometheus(int targetPort) throws IOException {
        Path binary = Stream.of("/usr/bin/prometheus", "/usr/local/bin/prometheus").map(Path::of)
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("prometheus is not installed; run scripts/install-deps.sh --test"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        dir = Files.createTempDirectory("prometheus");
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: modelops",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + targetPort + "']",
                ""));
        base = URI.create("http://127.0.0.1:" + port);
        process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    /**
     * Polls an instant PromQL query until its single value satisfies {@code expected} (the first scrape lands about
     * 5.5 s after start: Prometheus throttles target updates to every 5 s). Returns that value.
     */
    double await(String promql, DoublePredicate expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.body();
                JsonNode result = TestServer.JSON.readTree(last).path("data").path("result");
                if (result.size() == 1) {
                    double value = Double.parseDouble(result.get(0).get("value").get(1).asText());
                    if (expected.test(value)) {
                        return value;
                    }
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("PromQL " + promql + " never gave the expected value within 90 s; last answer: " + last);
    }

    @Override
    public void close() throws IOException {
        try {
            client.send(HttpRequest.newBuilder(base.resolve("/-/quit")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly(); // not answering: stop it the hard way
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
