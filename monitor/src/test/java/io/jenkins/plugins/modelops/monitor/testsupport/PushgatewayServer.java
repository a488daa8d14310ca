package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Prometheus Pushgateway (Debian's {@code prometheus-pushgateway}; {@code scripts/install-deps.sh --test}) on
 * a free 127.0.0.1 port, its persistence file in its temporary folder. Ready when started; stopped and removed by
 * {@link #close}.
 */
public final class PushgatewayServer extends LocalServer<PushgatewayServer> {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PushgatewayServer() throws IOException {
        super("pushgateway");
    }

    public static PushgatewayServer start() throws Exception {
        PushgatewayServer server = new PushgatewayServer();
        server.launch(List.of(binary("prometheus-pushgateway", "prometheus-pushgateway",
                        "/usr/bin/prometheus-pushgateway", "/usr/local/bin/prometheus-pushgateway"),
                "--web.listen-address=127.0.0.1:" + server.port,
                "--persistence.file=" + server.dir.resolve("pushgateway.data"), "--persistence.interval=1s"));
        return server.awaitReady(Duration.ofSeconds(30));
    }

    @Override
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
     * The series of {@code family} whose line holds every one of {@code labels} ({@code status="training"}), as
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

    /** A port nothing listens on (for an unreachable Pushgateway). */
    public static int unusedPort() throws IOException {
        return freePort();
    }
}
