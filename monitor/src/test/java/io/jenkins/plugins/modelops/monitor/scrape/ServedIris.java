package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.serving.JsonLog;
import io.jenkins.plugins.modelops.serving.ModelServer;
import io.jenkins.plugins.modelops.serving.ServerConfig;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A real model server for iris (logistic regression, trained in-process once per JVM from examples/iris.csv) on a
 * free port of 127.0.0.1, and the traffic a test drives through it with known outcomes: predictions, bad requests
 * (400) and the evaluate form with a row the model always gets right, labelled right or wrong on purpose.
 */
final class ServedIris implements AutoCloseable {

    /** A setosa flower the model classifies as setosa: labelled {@code setosa} it is correct, else incorrect. */
    static final String SETOSA = "{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}";

    private static Path bundle;

    private final ModelServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    private ServedIris(ModelServer server) {
        this.server = server;
    }

    static ServedIris start() throws Exception {
        return start(0);
    }

    /** On {@code port} (0: a free one): a replica restarted on its old port starts its counters from zero. */
    static ServedIris start(int port) throws Exception {
        return start(port, null);
    }

    /** Served as {@code version} (null: the bundle's short id), as a canary beside the stable version would be. */
    static ServedIris start(int port, String version) throws Exception {
        ServerConfig d = ServerConfig.of(bundle()).withPort(port);
        // A short grace: the tests stop servers on purpose (a replica gone, a restart) and need not wait for it.
        ServerConfig config = new ServerConfig(d.bundle(), d.host(), d.port(), d.name(), version, d.tlsCert(),
                d.tlsKey(), Duration.ofMillis(200), d.maxBodyBytes(), d.strict(), d.feedbackCacheSize(),
                d.feedbackTtl(), d.requestLogSample(), d.noopEndpoint(), d.maxThreads(), d.feedbackToken(),
                d.openFeedback(), d.idKey(), d.readTimeout(), d.maxConcurrentRequests(), d.adminPort(), d.maxRows(),
                d.kernelCheckRate(), d.track());
        return new ServedIris(ModelServer.start(config, new JsonLog(new PrintStream(OutputStream.nullOutputStream()))));
    }

    static synchronized Path bundle() throws IOException {
        if (bundle == null) {
            Path dir = Files.createTempDirectory("modelops-scrape-bundle");
            dir.toFile().deleteOnExit();
            Path out = dir.resolve("iris");
            TrainModel.run(new TrainModel.Request(TrainingConfig.of(example("iris.csv"), DataSpec.of("species"))
                    .withAlgorithm(Algorithm.LOGISTIC), out, Optional.empty(), List.of()), Progress.silent());
            bundle = out;
        }
        return bundle;
    }

    private static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    URI url() {
        return server.baseUri();
    }

    URI metricsUrl() {
        return server.baseUri().resolve("/metrics");
    }

    int port() {
        return server.port();
    }

    String name() {
        return server.modelName();
    }

    String version() {
        return server.modelVersion();
    }

    /** {@code n} predictions, one request each (code 200). */
    void predict(int n) {
        for (int i = 0; i < n; i++) {
            expect(post(":predict", "{\"instances\": [" + SETOSA + "]}"), 200);
        }
    }

    /** One prediction request of {@code rows} rows: slower than a one-row request, as a batch is. */
    void predictBatch(int rows) {
        expect(post(":predict", "{\"instances\": [" + String.join(", ", Collections.nCopies(rows, SETOSA)) + "]}"),
                200);
    }

    /** {@code n} requests the server refuses as bad input (code 400), counted as errors. */
    void bad(int n) {
        for (int i = 0; i < n; i++) {
            expect(post(":predict", "{\"instances\": \"not rows\"}"), 400);
        }
    }

    /** One evaluate-form request: {@code correct} rows labelled right and {@code incorrect} labelled wrong. */
    void evaluate(int correct, int incorrect) {
        String rows = String.join(", ", Collections.nCopies(correct + incorrect, SETOSA));
        List<String> labels = new java.util.ArrayList<>(Collections.nCopies(correct, "\"setosa\""));
        labels.addAll(Collections.nCopies(incorrect, "\"virginica\""));
        expect(post("/feedback", "{\"instances\": [" + rows + "], \"labels\": [" + String.join(", ", labels) + "]}"),
                200);
    }

    /** A text-format metric's value, read the way Prometheus' own text parser would see it (0 when absent). */
    double textMetric(String series) throws IOException, InterruptedException {
        String text = client.send(HttpRequest.newBuilder(metricsUrl()).header("Accept", "text/plain; version=0.0.4")
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private HttpResponse<String> post(String suffix, String body) {
        try {
            return client.send(HttpRequest.newBuilder(url().resolve("/v1/models/" + name() + suffix))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A test's pause, interruption kept. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + ": " + response.body());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
