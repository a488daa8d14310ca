package io.jenkins.plugins.modelops.monitor.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' HTTP API, the parts monitoring needs: instant and range queries, the loaded rules, the alerts, and
 * a configuration reload. Thread-safe; one per Prometheus.
 */
public final class PrometheusClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusConfig config;
    private final HttpClient http;

    private PrometheusClient(PrometheusConfig config, HttpClient http) {
        this.config = config;
        this.http = http;
    }

    public static PrometheusClient connect(PrometheusConfig config) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        io.jenkins.plugins.modelops.monitor.tls.TrustedCa.trust(builder, config.caCertificate());
        return new PrometheusClient(config, builder.build());
    }

    public URI url() {
        return config.url();
    }

    /** {@code path} under the configured URL, keeping its own path: a Prometheus behind a proxy at /prometheus/. */
    private URI at(String path) {
        String base = config.url().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** An instant query at {@code time}; a scalar result comes back as one sample without labels. */
    public List<Sample> query(String promql, Instant time) {
        JsonNode data = get("/api/v1/query", Map.of("query", promql, "time", seconds(time)));
        return samples(data);
    }

    /** A range query: every series' points from {@code start} to {@code end}, {@code step} apart. */
    public List<List<Sample>> queryRange(String promql, Instant start, Instant end, Duration step) {
        JsonNode data = get("/api/v1/query_range", Map.of("query", promql, "start", seconds(start), "end",
                seconds(end), "step", Double.toString(step.toMillis() / 1000.0)));
        List<List<Sample>> series = new ArrayList<>();
        for (JsonNode matrix : data.path("result")) {
            Map<String, String> labels = labels(matrix.path("metric"));
            List<Sample> points = new ArrayList<>();
            for (JsonNode point : matrix.path("values")) {
                points.add(new Sample(labels, instant(point.get(0)), number(point.get(1).asText())));
            }
            series.add(points);
        }
        return series;
    }

    /** The rule groups Prometheus has loaded, each rule with its health. */
    public List<RuleGroupStatus> rules() {
        List<RuleGroupStatus> groups = new ArrayList<>();
        for (JsonNode group : get("/api/v1/rules", Map.of()).path("groups")) {
            List<RuleGroupStatus.RuleStatus> rules = new ArrayList<>();
            for (JsonNode rule : group.path("rules")) {
                rules.add(new RuleGroupStatus.RuleStatus(rule.path("name").asText(), rule.path("type").asText(),
                        rule.path("health").asText(), rule.path("lastError").asText(""),
                        rule.path("state").asText("")));
            }
            groups.add(new RuleGroupStatus(group.path("name").asText(), group.path("file").asText(), rules));
        }
        return groups;
    }

    /** The alerts pending or firing now. */
    public List<FiringAlert> alerts() {
        List<FiringAlert> alerts = new ArrayList<>();
        for (JsonNode alert : get("/api/v1/alerts", Map.of()).path("alerts")) {
            alerts.add(new FiringAlert(labels(alert.path("labels")), labels(alert.path("annotations")),
                    alert.path("state").asText(), alert.hasNonNull("activeAt")
                    ? Instant.parse(alert.get("activeAt").asText()) : null, number(alert.path("value").asText("NaN"))));
        }
        return alerts;
    }

    /**
     * {@code POST /-/reload} (Prometheus started with {@code --web.enable-lifecycle}). A configuration that does not
     * load is answered 500 and Prometheus keeps the previous one: that is a {@link PrometheusException}.
     */
    public void reload() {
        send(HttpRequest.newBuilder(at("/-/reload")).POST(HttpRequest.BodyPublishers.noBody()),
                "/-/reload");
    }

    private JsonNode get(String path, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String body = send(HttpRequest.newBuilder(at(path + query)).GET(), path);
        try {
            JsonNode answer = JSON.readTree(body);
            if (!"success".equals(answer.path("status").asText())) {
                throw new PrometheusException(at(path) + " answered " + answer.path("errorType")
                        .asText() + ": " + answer.path("error").asText(), 200, null);
            }
            return answer.path("data");
        } catch (IOException e) {
            throw new PrometheusException(at(path) + " answered something that is not Prometheus' "
                    + "JSON: " + excerpt(body), 200, e);
        }
    }

    private String send(HttpRequest.Builder request, String path) {
        URI where = at(path);
        request.timeout(config.timeout()).header("Accept", "application/json");
        config.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        config.username().ifPresent(user -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + config.password().orElseThrow()).getBytes(StandardCharsets.UTF_8))));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new PrometheusException(where + " did not answer within " + config.timeout().toSeconds() + " s", 0, e);
        } catch (IOException e) {
            throw new PrometheusException(where + " could not be reached: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusException("interrupted while asking " + where, 0, e);
        }
        if (response.statusCode() / 100 != 2) {
            String detail = response.body();
            try {
                JsonNode error = JSON.readTree(detail);
                if (error.hasNonNull("error")) {
                    detail = error.path("errorType").asText() + ": " + error.path("error").asText();
                }
            } catch (IOException notJson) {
                // the body as it is
            }
            String hint = response.statusCode() == 401 || response.statusCode() == 403
                    ? " (check the Prometheus credentials)" : "";
            throw new PrometheusException(where + " answered " + response.statusCode() + hint + ": "
                    + excerpt(detail), response.statusCode(), null);
        }
        return response.body();
    }

    private static List<Sample> samples(JsonNode data) {
        List<Sample> samples = new ArrayList<>();
        String type = data.path("resultType").asText();
        if ("scalar".equals(type)) {
            JsonNode value = data.path("result");
            samples.add(new Sample(Map.of(), instant(value.get(0)), number(value.get(1).asText())));
            return samples;
        }
        for (JsonNode vector : data.path("result")) {
            JsonNode value = vector.path("value");
            samples.add(new Sample(labels(vector.path("metric")), instant(value.get(0)), number(value.get(1).asText())));
        }
        return samples;
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** Prometheus writes NaN and {@code +Inf}/{@code -Inf}; Java reads NaN and {@code Infinity}. */
    static double number(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static Instant instant(JsonNode seconds) {
        return Instant.ofEpochMilli(Math.round(seconds.asDouble() * 1000));
    }

    private static String seconds(Instant time) {
        return java.math.BigDecimal.valueOf(time.toEpochMilli()).movePointLeft(3).toPlainString();
    }

    private static String excerpt(String body) {
        String flat = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
