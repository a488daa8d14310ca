package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The metrics as monitorModel will read them: a real Prometheus scrapes the server after known traffic and feedback,
 * and PromQL gives back the accuracy, the request count and a latency quantile.
 */
class PrometheusTest {

    @Test
    void promqlOverScrapedSeriesGivesAccuracyRequestCountAndLatency() throws Exception {
        // A canary: the track is on modelops_model_info alone, and a gate's query joins it in.
        try (TestServer server = new TestServer(ServerConfig.of(TestBundles.iris()).withTrack("canary"))) {
            String name = server.name();
            // 30 predictions of setosa rows; feedback says setosa for 20 of them and versicolor for 10: accuracy 2/3.
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                TestServer.Reply reply = server.post("/v1/models/" + name + ":predict",
                        "{\"instances\": [" + InferenceApiTest.SETOSA + "]}");
                ids.add(reply.json().get("predictions").get(0).get("id").asText());
            }
            for (int i = 0; i < ids.size(); i++) {
                assertThat(server.post("/v1/models/" + name + "/feedback", "{\"id\": \"" + ids.get(i) + "\", \"label\": \""
                        + (i < 20 ? "setosa" : "versicolor") + "\"}").status()).isEqualTo(200);
            }
            // Probe traffic: the evaluate form, 5 rows all correct, brings accuracy to 25/35.
            server.post("/v1/models/" + name + "/feedback", "{\"instances\": [" + String.join(",",
                    java.util.Collections.nCopies(5, InferenceApiTest.SETOSA)) + "], \"labels\": "
                    + "[\"setosa\",\"setosa\",\"setosa\",\"setosa\",\"setosa\"]}");
            // And 4 bad requests.
            for (int i = 0; i < 4; i++) {
                server.post("/v1/models/" + name + ":predict", "{\"instances\": []}");
            }
            double expectedMedian = medianFromExposition(server);

            try (Prometheus prometheus = new Prometheus(server.server.port())) {
                String sel = "{model=\"" + name + "\",version=\"" + server.server.modelVersion() + "\"";
                double accuracy = prometheus.await("sum(modelops_feedback_total" + sel + ",outcome=\"correct\"})"
                        + " / sum(modelops_feedback_total" + sel + "})", v -> Math.abs(v - 25.0 / 35) < 1e-9);
                assertThat(accuracy).isCloseTo(25.0 / 35, within(1e-9));
                // A gate can judge ground truth alone: the probe's 5 are apart.
                assertThat(prometheus.await("sum(modelops_feedback_total" + sel + ",outcome=\"correct\",source=\"label\"})"
                        + " / sum(modelops_feedback_total" + sel + ",source=\"label\"})", v -> Math.abs(v - 20.0 / 30) < 1e-9))
                        .isCloseTo(20.0 / 30, within(1e-9));
                assertThat(prometheus.await("sum(modelops_feedback_total" + sel + ",source=\"probe\"})", v -> v == 5))
                        .isEqualTo(5);
                assertThat(prometheus.await("sum(modelops_requests_total" + sel + ",protocol=\"v1\",code=\"200\"})",
                        v -> v == 30)).isEqualTo(30);
                assertThat(prometheus.await("sum(modelops_requests_total" + sel + ",protocol=\"v1\",code=\"400\"})",
                        v -> v == 4)).isEqualTo(4);
                assertThat(prometheus.await("sum(modelops_requests_total" + sel + ",protocol=\"feedback\"})",
                        v -> v == 31)).isEqualTo(31);
                assertThat(prometheus.await("sum(modelops_predictions_total" + sel + ",label=\"setosa\"})",
                        v -> v == 35)).isEqualTo(35);
                // Classic buckets reach Prometheus, and its quantile is the one the buckets imply.
                double median = prometheus.await("histogram_quantile(0.5, sum by (le) (modelops_request_duration_seconds_bucket"
                        + sel + "}))", v -> Math.abs(v - expectedMedian) < 1e-12);
                assertThat(median).isGreaterThan(0).isLessThanOrEqualTo(10);
                assertThat(prometheus.await("modelops_model_info" + sel + ",algorithm=\"logistic\",task=\"classification\","
                        + "track=\"canary\"}", v -> v == 1)).isEqualTo(1);
                // The join the README gives: the canary's requests, though modelops_requests_total has no track.
                assertThat(prometheus.await("sum(modelops_requests_total" + sel + ",protocol=\"v1\",code=\"200\"}"
                        + " * on(instance) group_left(track) modelops_model_info{track=\"canary\"})", v -> v == 30))
                        .isEqualTo(30);
                assertThat(prometheus.await("count(modelops_requests_total{track!=\"\"})"
                        + " or vector(0)", v -> v == 0)).as("no other family has the label").isZero();
                assertThat(prometheus.await("sum(jvm_memory_used_bytes{area=\"heap\"})", v -> v > 0)).isPositive();
            }
        }
    }

    /** The median by Prometheus' rule (linear within the bucket) from the server's own bucket counts. */
    private static double medianFromExposition(TestServer server) throws Exception {
        String prefix = "modelops_request_duration_seconds_bucket{model=\"" + server.name() + "\",version=\""
                + server.server.modelVersion() + "\",le=\"";
        double total = server.metric(prefix + "+Inf\"}");
        double rank = 0.5 * total;
        double lower = 0;
        double below = 0;
        for (double bound : ServingMetrics.LATENCY_BUCKETS) {
            double count = server.metric(prefix + bound + "\"}"); // client_java writes bounds as Double.toString
            if (count >= rank) {
                return lower + (bound - lower) * (rank - below) / (count - below);
            }
            lower = bound;
            below = count;
        }
        throw new AssertionError("median above the last bucket");
    }
}
