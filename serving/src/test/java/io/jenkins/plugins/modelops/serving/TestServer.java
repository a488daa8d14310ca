package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A model server started in-process on a free port of 127.0.0.1, with a JSON-speaking client. */
class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final ModelServer server;
    final HttpClient client;
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    TestServer(ServerConfig config) throws Exception {
        this(config, HttpClient.newHttpClient());
    }

    /** A client of a running server with the JDK's default trust store. */
    static final class Untrusting extends TestServer {
        Untrusting(TestServer running) {
            super(running.server, HttpClient.newHttpClient());
        }

        @Override
        public void close() {
            // the server belongs to the other client
        }
    }

    private TestServer(ModelServer server, HttpClient client) {
        this.server = server;
        this.client = client;
    }

    TestServer(ServerConfig config, HttpClient client) throws Exception {
        this.server = ModelServer.start(config.withPort(0), new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8)));
        this.client = client;
    }

    static TestServer of(java.nio.file.Path bundle) throws Exception {
        return new TestServer(ServerConfig.of(bundle));
    }

    /** The v2 response's output tensor {@code name}, or null. */
    static JsonNode output(JsonNode response, String name) {
        for (JsonNode output : response.path("outputs")) {
            if (output.path("name").asText().equals(name)) {
                return output;
            }
        }
        return null;
    }

    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String error() {
            return json().path("error").asText();
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Reply post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response);
    }

    URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    String name() {
        return server.modelName();
    }

    /** The value of one series in the Prometheus text exposition, or 0 if it is absent. */
    double metric(String series) throws IOException, InterruptedException {
        String text = send(HttpRequest.newBuilder(uri("/metrics")).header("Accept", "text/plain; version=0.0.4").GET()
                .build()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
