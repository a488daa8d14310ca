package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic in fixed proportions to a real iris server, cycle after cycle on one background thread, so that any
 * window's rates have known ratios whatever its edges: each cycle is 4 predictions (200), 1 bad request (400) and
 * one evaluate-form request of 3 rows labelled right and 1 wrong. Error rate 1/6, accuracy 3/4.
 */
public final class SteadyTraffic implements AutoCloseable {

    public static final double ERROR_RATE = 1.0 / 6;
    public static final double ACCURACY = 0.75;

    /** A setosa flower the model classifies as setosa: labelled {@code setosa} it is correct. */
    private static final String SETOSA = "{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,"
            + "\"petal_width\":0.2}";

    private final HttpClient client = HttpClient.newHttpClient();
    private final URI base;
    private final String model;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong cycles = new AtomicLong();
    private final Thread thread;

    private SteadyTraffic(URI base, String model) {
        this.base = base;
        this.model = model;
        this.thread = new Thread(this::loop, "steady-traffic");
        this.thread.setDaemon(true);
    }

    /** Starts sending to the server at {@code base} serving {@code model}. */
    public static SteadyTraffic start(URI base, String model) {
        SteadyTraffic traffic = new SteadyTraffic(base, model);
        traffic.thread.start();
        return traffic;
    }

    public long cycles() {
        return cycles.get();
    }

    private void loop() {
        String rows = String.join(", ", SETOSA, SETOSA, SETOSA, SETOSA);
        while (running.get()) {
            try {
                for (int i = 0; i < 4; i++) {
                    post(":predict", "{\"instances\": [" + SETOSA + "]}");
                }
                post(":predict", "{\"instances\": \"not rows\"}");
                post("/feedback", "{\"instances\": [" + rows + "], \"labels\": [\"setosa\", \"setosa\", \"setosa\", "
                        + "\"virginica\"]}");
                cycles.incrementAndGet();
                Thread.sleep(50);
            } catch (IOException gone) {
                return; // the server was stopped on purpose
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void post(String suffix, String body) throws IOException, InterruptedException {
        client.send(HttpRequest.newBuilder(base.resolve("/v1/models/" + model + suffix))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
