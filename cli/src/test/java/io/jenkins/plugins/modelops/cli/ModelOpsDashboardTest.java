package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code modelops dashboard}: its bad input refused with exact messages before anything listens, and the real
 * command in its own JVM serving the bundle and the JSON endpoint until Ctrl-C (SIGINT), which stops it cleanly.
 */
class ModelOpsDashboardTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| give --prometheus URL, or --endpoint URL for each model server: the dashboard needs somewhere to read the models",
        "--prometheus http://127.0.0.1:9 --endpoint http://127.0.0.1:8080| give --prometheus or --endpoint, not both: the page reads one source",
        "--endpoint http://127.0.0.1:8080 --port 70000| --port 70000 is not a TCP port (0-65535; 0 picks a free one)",
        "--endpoint http://127.0.0.1:8080 --bind nosuchhost.example| --bind 'nosuchhost.example' is not an IP address: give 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface) or one of this machine's addresses",
        "--endpoint http://127.0.0.1:8080 --bind 300.1.2.3| --bind '300.1.2.3' is not an IP address: give 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface) or one of this machine's addresses",
        "--endpoint ftp://127.0.0.1:8080| --endpoint 'ftp://127.0.0.1:8080' is not a model server's URL: give http(s)://HOST:PORT (its /metrics is read) or the full URL of the metrics, e.g. http://127.0.0.1:8080 or http://10.0.0.7:9090/metrics",
        "--prometheus ftp://127.0.0.1:9| Prometheus URL ftp://127.0.0.1:9 is not http:// or https://",
        "--endpoint http://127.0.0.1:8080 --gate-state iris=| --gate-state 'iris=' names no file: give FILE or MODEL=FILE",
    })
    void badInputIsRefusedWithExitCode2AndItsMessage(String args, String message) {
        List<String> argv = new ArrayList<>(List.of("dashboard"));
        if (!args.isBlank()) {
            argv.addAll(List.of(args.split(" ")));
        }
        Run run = cli(argv.toArray(String[]::new));
        assertThat(run.err()).isEqualTo("error: " + message + System.lineSeparator());
        assertThat(run.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aDirectoryIsNeitherAGateStateNorABundleWithoutBundleJson() {
        assertThat(cli("dashboard", "--endpoint", "http://127.0.0.1:8080", "--gate-state", dir.toString()))
                .isEqualTo(new Run(ModelOps.BAD_INPUT, "", "error: --gate-state " + dir + " is a directory: give the "
                        + "file that modelops gate --state-file writes" + System.lineSeparator()));
        assertThat(cli("dashboard", "--endpoint", "http://127.0.0.1:8080", "--bundle", dir.toString()))
                .isEqualTo(new Run(ModelOps.BAD_INPUT, "", "error: --bundle " + dir + " is not a model bundle (no "
                        + "bundle.json): give the directory modelops train --out wrote" + System.lineSeparator()));
    }

    @Test
    void servesTheBundleAndTheSnapshotOnLoopbackUntilCtrlC() throws Exception {
        try (ModelServers.Running server = ModelServers.start(ModelServers.iris(), null)) {
            Process dashboard = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ModelOps.class.getName(), "dashboard",
                    "--endpoint", server.url().toString(), "--port", "0")
                    .redirectError(dir.resolve("err.txt").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(dashboard.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).matches("Model health at http://127\\.0\\.0\\.1:\\d+/ \\(Ctrl-C stops it\\)");
                URI page = URI.create(line.substring("Model health at ".length(), line.indexOf(" (")));

                HttpResponse<String> index = get(page);
                assertThat(index.statusCode()).isEqualTo(200);
                assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; "
                        + "script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri "
                        + "'none'; form-action 'none'; frame-ancestors 'none'");
                assertThat(index.body()).contains("<script src=\"health.js\" defer></script>",
                        "data-endpoint=\"api/health\"").doesNotContain("style=", "onload", "<script>");
                assertThat(get(page.resolve("health.js")).headers().firstValue("Content-Type"))
                        .hasValue("text/javascript; charset=utf-8");
                assertThat(get(page.resolve("echarts.min.js")).body()).hasSizeGreaterThan(500_000);
                assertThat(get(page.resolve("health.css")).statusCode()).isEqualTo(200);

                HttpResponse<String> api = get(page.resolve("api/health?range=5m"));
                assertThat(api.headers().firstValue("Cache-Control")).hasValue("no-store");
                JsonNode snapshot = Json.MAPPER.readTree(api.body());
                assertThat(snapshot.path("source").path("kind").asText()).isEqualTo("scrape");
                assertThat(snapshot.path("range").path("seconds").asLong()).isEqualTo(300);

                HttpResponse<String> badRange = get(page.resolve("api/health?range=2d"));
                assertThat(badRange.statusCode()).isEqualTo(400);
                assertThat(badRange.body()).isEqualTo("{\"error\":\"range '2d' is not one of 5m, 15m, 1h, 6h, 24h\"}");
                // A path above the root is refused by Jetty itself; any other name is not in the bundle.
                assertThat(get(page.resolve("../etc/passwd")).statusCode()).isEqualTo(400);
                assertThat(get(page.resolve("META-INF/MANIFEST.MF")).statusCode()).isEqualTo(404);
                assertThat(get(page.resolve("health.js/")).statusCode()).isEqualTo(404);
                assertThat(http.send(HttpRequest.newBuilder(page).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);

                new ProcessBuilder("kill", "-INT", Long.toString(dashboard.pid())).start().waitFor();
                assertThat(dashboard.waitFor(20, TimeUnit.SECONDS)).as("stopped on SIGINT").isTrue();
                assertThat(Files.readString(dir.resolve("err.txt"))).contains("Dashboard stopped");
            } finally {
                dashboard.destroyForcibly();
            }
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
