package io.jenkins.plugins.modelops.monitor.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The two calls the probe makes on a model server: its model's metadata, and the evaluate form of feedback. */
final class ProbeClient {

    /** One answer to the evaluate form: its status and JSON body (null when it is not JSON). */
    record Answer(int status, JsonNode body, String text) {

        /** The server's error message, or the start of its body. */
        String error() {
            if (body != null && body.hasNonNull("error")) {
                return body.get("error").asText();
            }
            String flat = text == null ? "" : text.strip().replaceAll("\\s+", " ");
            return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
        }
    }

    private final String base;
    private final String name;
    private final Optional<FeedbackToken> token;
    private final Duration timeout;
    private final HttpClient http;

    ProbeClient(URI endpoint, String name, Optional<FeedbackToken> token, Duration timeout, Optional<Path> ca) {
        String text = endpoint.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.name = name;
        this.token = token;
        this.timeout = timeout;
        this.http = io.jenkins.plugins.modelops.monitor.tls.TrustedCa.trust(HttpClient.newBuilder()
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER), ca).build();
    }

    URI metadataUri() {
        return URI.create(base + "/v2/models/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    URI feedbackUri() {
        return URI.create(base + "/v1/models/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/feedback");
    }

    /** The served model, or bad input when nothing answers at the endpoint or it serves no model of that name. */
    ServedModel metadata() throws InterruptedException {
        URI uri = metadataUri();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new InvalidInputException(Parameter.ENDPOINT, Parameter.ENDPOINT.ref() + " " + base + " did not "
                    + "answer GET " + uri.getPath() + " within " + timeout.toSeconds() + " s");
        } catch (javax.net.ssl.SSLException e) {
            throw new InvalidInputException(Parameter.SERVER_CA, Parameter.ENDPOINT.ref() + " " + base + ": its "
                    + "certificate is not trusted (" + reason(e) + "); give the CA it is signed with, "
                    + Parameter.SERVER_CA.ref() + " PEM");
        } catch (IOException e) {
            throw new InvalidInputException(Parameter.ENDPOINT, Parameter.ENDPOINT.ref() + " " + base + " could not "
                    + "be reached (" + reason(e) + "); is a model server running there?");
        }
        Answer answer = answer(response);
        if (response.statusCode() == 404) {
            throw new InvalidInputException(Parameter.NAME, "the model server at " + base + " serves no model '"
                    + name + "' (GET " + uri.getPath() + " answered 404: " + answer.error() + ")");
        }
        if (response.statusCode() != 200 || answer.body() == null) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                    + answer.error());
        }
        return ServedModel.of(answer.body(), "GET " + uri);
    }

    /** Sends one batch; an I/O failure is thrown as it is, for the caller to count. */
    Answer evaluate(ObjectNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(feedbackUri()).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
        token.ifPresent(t -> request.header("Authorization", t.authorization()));
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Why a request got no answer, in words: the JDK's client often throws without a message. */
    static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode body = null;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException notJson) {
            // kept as text
        }
        return new Answer(response.statusCode(), body != null && body.isObject() ? body : null, response.body());
    }
}
