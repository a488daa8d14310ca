package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once: every request answered, every prediction and feedback counted, ids unique. */
class ConcurrencyTest {

    private static final int CLIENTS = 32;
    private static final int REQUESTS = 48; // a multiple of 4: a quarter of the feedback says "correct"

    @Test
    void noCountIsLostUnderConcurrentLoad() throws Exception {
        for (java.nio.file.Path bundle : List.of(TestBundles.iris(), TestBundles.irisXgboost())) {
            try (TestServer server = TestServer.of(bundle)) {
                run(server);
            }
        }
    }

    private static void run(TestServer server) throws Exception {
        String name = server.name();
        String v = server.server.modelVersion();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS; i++) {
                        TestServer.Reply reply = i % 2 == 0
                                ? server.post("/v1/models/" + name + ":predict", "{\"instances\": [" + InferenceApiTest.SETOSA
                                        + ", " + InferenceApiTest.VIRGINICA + "]}")
                                : server.post("/v2/models/" + name + "/infer", "{\"inputs\": [{\"name\": \"x\", "
                                        + "\"datatype\": \"FP64\", \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}");
                        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                        JsonNode out = reply.json();
                        String id = i % 2 == 0 ? out.get("predictions").get(0).get("id").asText()
                                : TestServer.output(out, "prediction_ids").get("data").get(0).asText();
                        assertThat(ids.add(id)).as("unique id").isTrue();
                        TestServer.Reply feedback = server.post("/v1/models/" + name + "/feedback",
                                "{\"id\": \"" + id + "\", \"label\": \"" + (i % 4 == 0 ? "setosa" : "versicolor") + "\"}");
                        assertThat(feedback.status()).as(feedback.body()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        int total = CLIENTS * REQUESTS;
        String labels = "model=\"" + name + "\",version=\"" + v + "\"";
        assertThat(server.metric("modelops_requests_total{code=\"200\"," + labels.replace(",version", ",protocol=\"v1\",version") + "}"))
                .isEqualTo(total / 2);
        assertThat(server.metric("modelops_requests_total{code=\"200\"," + labels.replace(",version", ",protocol=\"v2\",version") + "}"))
                .isEqualTo(total / 2);
        assertThat(server.metric("modelops_requests_total{code=\"200\"," + labels.replace(",version", ",protocol=\"feedback\",version") + "}"))
                .isEqualTo(total);
        assertThat(server.metric("modelops_request_duration_seconds_count{" + labels + "}")).isEqualTo(total);
        // v1 requests carry a setosa and a virginica, v2 requests a setosa.
        assertThat(server.metric("modelops_predictions_total{label=\"setosa\"," + labels + "}")).isEqualTo(total);
        assertThat(server.metric("modelops_predictions_total{label=\"virginica\"," + labels + "}")).isEqualTo(total / 2);
        assertThat(server.metric("modelops_feedback_total{" + labels.replace(",version", ",outcome=\"correct\",source=\"label\",version") + "}"))
                .isEqualTo(total / 4);
        assertThat(server.metric("modelops_feedback_total{" + labels.replace(",version", ",outcome=\"incorrect\",source=\"label\",version") + "}"))
                .isEqualTo(total - total / 4);
    }
}
