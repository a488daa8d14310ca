package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model served for real: a local deployment of an Iris bundle, a real Prometheus scraping it every second, and
 * traffic: probe rows through the evaluate form (with the token) and clients' predictions, optionally sent slowly
 * (the body trickles in, so the server's own latency measurement sees it).
 */
final class LiveModel implements AutoCloseable {

    final Path state;
    final String url;
    final String token;
    final PrometheusServer prometheus;
    final AtomicLong probed = new AtomicLong();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Thread> traffic = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> rows;

    private LiveModel(Path state, String url, String token, PrometheusServer prometheus, List<String> rows) {
        this.state = state;
        this.url = url;
        this.token = token;
        this.prometheus = prometheus;
        this.rows = rows;
    }

    static LiveModel start(Path bundle, Path state) throws Exception {
        LocalDeploy.Outcome deployed = LocalDeploy.run(new LocalDeploy.Request(bundle, "iris", 0, state,
                LocalDeploy.Strategy.ROLLING, Duration.ofMinutes(2)), Progress.silent());
        PrometheusServer prometheus = PrometheusServer.start(List.of(deployed.url().substring("http://".length())))
                .awaitReady(Duration.ofSeconds(30));
        return new LiveModel(state, deployed.url(), Files.readString(deployed.tokenFile()).strip(), prometheus,
                Files.readAllLines(iris()).subList(1, 151));
    }

    /** Probe rows (10 a request) every {@code pause}, with their true labels. */
    LiveModel probe(Duration pause) {
        return loop(pause, at -> {
            send("/v1/models/iris/feedback", "{\"instances\":[" + instances(at) + "],\"labels\":[" + labels(at) + "]}",
                    "Bearer " + token);
            probed.addAndGet(10);
        });
    }

    /** Clients' predictions every {@code pause}; each body takes {@code trickle} to arrive. */
    LiveModel predict(Duration pause, Duration trickle) {
        return loop(pause, at -> {
            String body = "{\"instances\":[" + instances(at) + "]}";
            if (trickle.isZero()) {
                send("/v1/models/iris:predict", body, null);
            } else {
                slowPost("/v1/models/iris:predict", body, trickle);
            }
        });
    }

    /** Feedback by prediction id claiming every prediction was right (a client with the token, lying). */
    LiveModel lieByLabel(Duration pause) {
        return loop(pause, at -> {
            try {
                HttpResponse<String> predicted = http.send(HttpRequest.newBuilder(URI.create(url
                        + "/v1/models/iris:predict")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[" + instances(at) + "]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                var answer = io.jenkins.plugins.modelops.Json.MAPPER.readTree(predicted.body());
                for (var prediction : answer.path("predictions")) {
                    send("/v1/models/iris/feedback", "{\"id\":\"" + prediction.path("id").asText() + "\",\"label\":\""
                            + prediction.path("label").asText() + "\"}", "Bearer " + token);
                }
            } catch (IOException e) {
                // replaced meanwhile
            }
        });
    }

    int cli(StringWriter out, StringWriter err, String... args) {
        return ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private interface Step {
        void run(int at) throws Exception;
    }

    private LiveModel loop(Duration pause, Step step) {
        Thread thread = new Thread(() -> {
            int at = 0;
            while (running.get()) {
                try {
                    step.run(at);
                    at = (at + 10) % rows.size();
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the server restarts (a rollout) or stops: keep going until stopped
                }
            }
        }, "traffic");
        thread.setDaemon(true);
        thread.start();
        traffic.add(thread);
        return this;
    }

    private String instances(int at) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            String[] f = rows.get((at + i) % rows.size()).split(",");
            out.append(i == 0 ? "" : ",").append(String.format("{\"sepal_length\":%s,\"sepal_width\":%s,"
                    + "\"petal_length\":%s,\"petal_width\":%s}", f[0], f[1], f[2], f[3]));
        }
        return out.toString();
    }

    private String labels(int at) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            String row = rows.get((at + i) % rows.size());
            out.append(i == 0 ? "" : ",").append('"').append(row.substring(row.lastIndexOf(',') + 1)).append('"');
        }
        return out.toString();
    }

    private void send(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Headers at once, the body after {@code trickle}: the request's time in the server includes the wait. */
    private void slowPost(String path, String body, Duration trickle) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(trickle.toMillis());
            out.write(bytes);
            out.flush();
            socket.getInputStream().readAllBytes();
        }
    }

    static Path iris() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("examples/iris.csv"))) {
                return d.resolve("examples/iris.csv");
            }
        }
        throw new IllegalStateException("examples/iris.csv not found");
    }

    @Override
    public void close() throws IOException {
        running.set(false);
        for (Thread thread : traffic) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            prometheus.close();
        } finally { // the servers must not outlive the test, whatever Prometheus' stop did
            if (LocalDeploy.status(state, "iris").isPresent()) {
                LocalDeploy.undeploy(state, "iris", Progress.silent());
            }
        }
    }
}
