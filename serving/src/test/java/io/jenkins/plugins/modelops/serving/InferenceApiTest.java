package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every endpoint on real bundles: health, metadata, v1 predict, v2 infer, feedback, metrics, the no-op floor. */
class InferenceApiTest {

    static final String SETOSA = "{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}";
    static final String VIRGINICA = "{\"sepal_length\":7.7,\"sepal_width\":3.0,\"petal_length\":6.1,\"petal_width\":2.3}";
    static final String COURSE = "{\"course\":\"Intro to Python\",\"teacher\":\"Ada Okafor\",\"difficulty\":\"beginner\","
            + "\"videos_watched_pct\":80,\"quiz_attempts\":3,\"avg_quiz_score\":85,\"forum_posts\":4,"
            + "\"sessions_per_week\":3,\"days_since_last_login\":2}";

    private static TestServer iris;
    private static TestServer courses;

    @BeforeAll
    static void start() throws Exception {
        iris = TestServer.of(TestBundles.iris());
        courses = TestServer.of(TestBundles.courses());
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
        courses.close();
    }

    @Test
    void healthAndServerMetadata() throws Exception {
        assertThat(iris.get("/v2/health/live").json().get("live").asBoolean()).isTrue();
        TestServer.Reply ready = iris.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        JsonNode server = iris.get("/v2").json();
        assertThat(server.get("name").asText()).isEqualTo("modelops-serving");
        assertThat(server.get("extensions").isArray()).isTrue();
        assertThat(iris.get("/v2/models/iris/ready").json().get("ready").asBoolean()).isTrue();
        assertThat(iris.get("/v2/models/iris/versions/" + iris.server.modelVersion() + "/ready").status()).isEqualTo(200);
        assertThat(iris.get("/v1/models").json().get("models").get(0).asText()).isEqualTo("iris");
        assertThat(iris.get("/v1/models/iris").json().get("ready").asBoolean()).isTrue();
    }

    @Test
    void nameDefaultsToTheBundleDirectoryAndVersionToTheShortModelId() {
        assertThat(iris.server.modelName()).isEqualTo("iris");
        assertThat(iris.server.modelVersion()).hasSize(12);
    }

    @Test
    void modelMetadataDescribesInputsAndOutputs() throws Exception {
        JsonNode meta = iris.get("/v2/models/iris").json();
        assertThat(meta.get("name").asText()).isEqualTo("iris");
        assertThat(meta.get("platform").asText()).isEqualTo("tribuo");
        assertThat(meta.get("versions").get(0).asText()).isEqualTo(iris.server.modelVersion());
        assertThat(meta.get("inputs")).hasSize(4);
        assertThat(meta.get("inputs").get(0).get("name").asText()).isEqualTo("sepal_length");
        assertThat(meta.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP64");
        assertThat(meta.get("outputs").get(1).get("parameters").get("classes").toString())
                .isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
        assertThat(meta.get("outputs").get(2).get("name").asText()).isEqualTo("prediction_ids");
        assertThat(meta.get("outputs").get(2).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(meta.get("parameters").get("algorithm").asText()).isEqualTo("logistic");
        assertThat(meta.get("parameters").get("kernel").asText()).isEqualTo("linear");
        JsonNode regression = courses.get("/v2/models/courses").json();
        assertThat(regression.get("inputs").get(0).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(regression.get("outputs").get(0).get("name").asText()).isEqualTo("value");
    }

    @Test
    void v1PredictGivesLabelScoresAndAnIdPerInstance() throws Exception {
        TestServer.Reply reply = iris.post("/v1/models/iris:predict",
                "{\"instances\": [" + SETOSA + ", " + VIRGINICA + ", [5.1, 3.5, 1.4, 0.2]]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode predictions = reply.json().get("predictions");
        assertThat(predictions).hasSize(3);
        assertThat(predictions.get(0).get("label").asText()).isEqualTo("setosa");
        assertThat(predictions.get(1).get("label").asText()).isEqualTo("virginica");
        assertThat(predictions.get(2).get("label").asText()).isEqualTo("setosa");
        JsonNode scores = predictions.get(0).get("scores");
        assertThat(scores.get("setosa").asDouble() + scores.get("versicolor").asDouble()
                + scores.get("virginica").asDouble()).isCloseTo(1.0, within(1e-9));
        Set<String> ids = new HashSet<>();
        predictions.forEach(p -> ids.add(p.get("id").asText()));
        assertThat(ids).hasSize(3).allMatch(id -> id.matches("[A-Za-z0-9_-]{" + PredictionIds.LENGTH + "}"));
    }

    @Test
    void v2InferTakesOneTensorPerFeature() throws Exception {
        String body = "{\"id\": \"req-1\", \"inputs\": ["
                + "{\"name\": \"sepal_length\", \"datatype\": \"FP64\", \"shape\": [2, 1], \"data\": [5.1, 7.7]},"
                + "{\"name\": \"sepal_width\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [3.5, 3.0]},"
                + "{\"name\": \"petal_length\", \"datatype\": \"FP32\", \"shape\": [2, 1], \"data\": [[1.4], [6.1]]},"
                + "{\"name\": \"petal_width\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [0.2, 2.3]}]}";
        TestServer.Reply reply = iris.post("/v2/models/iris/infer", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode out = reply.json();
        assertThat(out.get("model_name").asText()).isEqualTo("iris");
        assertThat(out.get("model_version").asText()).isEqualTo(iris.server.modelVersion());
        assertThat(out.get("id").asText()).isEqualTo("req-1");
        assertThat(TestServer.output(out, "prediction_ids").get("data")).hasSize(2);
        JsonNode label = out.get("outputs").get(0);
        assertThat(label.get("name").asText()).isEqualTo("label");
        assertThat(label.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(label.get("shape").toString()).isEqualTo("[2]");
        assertThat(label.get("data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
        JsonNode scores = out.get("outputs").get(1);
        assertThat(scores.get("shape").toString()).isEqualTo("[2,3]");
        assertThat(scores.get("data")).hasSize(6);
    }

    @Test
    void v2InferTakesOneMatrixInSchemaOrder() throws Exception {
        String body = "{\"inputs\": [{\"name\": \"input-0\", \"datatype\": \"FP64\", \"shape\": [2, 4], "
                + "\"data\": [[5.1, 3.5, 1.4, 0.2], [7.7, 3.0, 6.1, 2.3]]}]}";
        JsonNode out = iris.post("/v2/models/iris/infer", body).json();
        assertThat(out.get("outputs").get(0).get("data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
        assertThat(out.get("id").asText()).isNotEmpty();
    }

    @Test
    void regressionPredictsValuesWithCategoriesAndImputedMissingNumbers() throws Exception {
        TestServer.Reply reply = courses.post("/v1/models/courses:predict", "{\"instances\": [" + COURSE
                + ", {\"course\":\"Intro to Python\",\"teacher\":\"Ada Okafor\",\"difficulty\":\"beginner\"}]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode predictions = reply.json().get("predictions");
        assertThat(predictions.get(0).get("value").asDouble()).isBetween(0.0, 12.0);
        assertThat(predictions.get(1).get("value").isNumber()).isTrue();
        String v2 = "{\"inputs\": [{\"name\": \"course\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"Intro to Python\"]},"
                + "{\"name\": \"teacher\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"Ada Okafor\"]},"
                + "{\"name\": \"difficulty\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"beginner\"]}]}";
        JsonNode out = courses.post("/v2/models/courses/infer", v2).json();
        assertThat(out.get("outputs").get(0).get("name").asText()).isEqualTo("value");
        assertThat(out.get("outputs").get(0).get("data").get(0).asDouble())
                .isCloseTo(predictions.get(1).get("value").asDouble(), within(1e-12));
    }

    @Test
    void feedbackByIdCountsCorrectAndIncorrectOnce() throws Exception {
        String correct = "modelops_feedback_total{model=\"iris\",outcome=\"correct\",source=\"label\",version=\""
                + iris.server.modelVersion() + "\"}";
        String incorrect = correct.replace("\"correct\"", "\"incorrect\"");
        double correctBefore = iris.metric(correct);
        double incorrectBefore = iris.metric(incorrect);
        JsonNode predictions = iris.post("/v1/models/iris:predict", "{\"instances\": [" + SETOSA + ", " + SETOSA + "]}")
                .json().get("predictions");
        String first = predictions.get(0).get("id").asText();
        String second = predictions.get(1).get("id").asText();
        TestServer.Reply ok = iris.post("/v1/models/iris/feedback", "{\"id\": \"" + first + "\", \"label\": \"setosa\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("outcome").asText()).isEqualTo("correct");
        TestServer.Reply wrong = iris.post("/v1/models/iris/feedback", "{\"id\": \"" + second + "\", \"label\": \"virginica\"}");
        assertThat(wrong.json().get("outcome").asText()).isEqualTo("incorrect");
        assertThat(wrong.json().get("predicted").asText()).isEqualTo("setosa");
        TestServer.Reply again = iris.post("/v1/models/iris/feedback", "{\"id\": \"" + first + "\", \"label\": \"setosa\"}");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error()).contains("already has feedback");
        assertThat(iris.metric(correct)).isEqualTo(correctBefore + 1);
        assertThat(iris.metric(incorrect)).isEqualTo(incorrectBefore + 1);
    }

    @Test
    void v2PredictionIdsTakeFeedbackToo() throws Exception {
        String body = "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}";
        String id = TestServer.output(iris.post("/v2/models/iris/infer", body).json(), "prediction_ids").get("data").get(0)
                .asText();
        assertThat(iris.post("/v1/models/iris/feedback", "{\"id\": \"" + id + "\", \"label\": \"setosa\"}").status())
                .isEqualTo(200);
    }

    @Test
    void evaluateFormPredictsAndScoresInOneCall() throws Exception {
        String probe = "modelops_feedback_total{model=\"iris\",outcome=\"correct\",source=\"probe\",version=\""
                + iris.server.modelVersion() + "\"}";
        String label = probe.replace("\"probe\"", "\"label\"");
        double probeBefore = iris.metric(probe);
        double labelBefore = iris.metric(label);
        TestServer.Reply reply = iris.post("/v1/models/iris/feedback", "{\"instances\": [" + SETOSA + ", " + VIRGINICA
                + ", " + SETOSA + "], \"labels\": [\"setosa\", \"virginica\", \"versicolor\"]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode out = reply.json();
        assertThat(out.get("count").asInt()).isEqualTo(3);
        assertThat(out.get("correct").asInt()).isEqualTo(2);
        assertThat(out.get("accuracy").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(out.get("predictions")).hasSize(3);
        // Probe traffic is other evidence than ground truth for served predictions: counted apart.
        assertThat(iris.metric(probe)).isEqualTo(probeBefore + 2);
        assertThat(iris.metric(label)).isEqualTo(labelBefore);
    }

    @Test
    void regressionFeedbackRecordsErrors() throws Exception {
        String count = "modelops_feedback_abs_error_count{model=\"courses\",source=\"label\",version=\""
                + courses.server.modelVersion() + "\"}";
        String probeCount = count.replace("\"label\"", "\"probe\"");
        double before = courses.metric(count);
        double probeBefore = courses.metric(probeCount);
        JsonNode prediction = courses.post("/v1/models/courses:predict", "{\"instances\": [" + COURSE + "]}")
                .json().get("predictions").get(0);
        double predicted = prediction.get("value").asDouble();
        JsonNode out = courses.post("/v1/models/courses/feedback", "{\"id\": \"" + prediction.get("id").asText()
                + "\", \"value\": " + (predicted + 1.5) + "}").json();
        assertThat(out.get("abs_error").asDouble()).isCloseTo(1.5, within(1e-9));
        JsonNode evaluated = courses.post("/v1/models/courses/feedback", "{\"instances\": [" + COURSE + "], \"labels\": ["
                + (predicted - 0.5) + "]}").json();
        assertThat(evaluated.get("mae").asDouble()).isCloseTo(0.5, within(1e-9));
        assertThat(courses.metric(count)).isEqualTo(before + 1);
        assertThat(courses.metric(probeCount)).isEqualTo(probeBefore + 1);
        String squared = "modelops_feedback_squared_error_total{model=\"courses\",source=\"label\",version=\""
                + courses.server.modelVersion() + "\"}";
        assertThat(courses.metric(squared)).isGreaterThanOrEqualTo(1.5 * 1.5 - 1e-9);
        assertThat(courses.metric(squared.replace("\"label\"", "\"probe\""))).isGreaterThanOrEqualTo(0.5 * 0.5 - 1e-9);
    }

    @Test
    void metricsExposeTheContractNamesAndJvmMemory() throws Exception {
        iris.post("/v1/models/iris:predict", "{\"instances\": [" + SETOSA + "]}");
        String text = iris.send(java.net.http.HttpRequest.newBuilder(iris.uri("/metrics"))
                .header("Accept", "text/plain; version=0.0.4").GET().build()).body();
        String v = iris.server.modelVersion();
        assertThat(text).contains("modelops_requests_total{code=\"200\",model=\"iris\",protocol=\"v1\",version=\"" + v + "\"}")
                .contains("modelops_request_duration_seconds_bucket{model=\"iris\",version=\"" + v + "\",le=\"0.001\"}")
                .contains("modelops_predictions_total{label=\"setosa\",model=\"iris\",version=\"" + v + "\"}")
                .contains("modelops_feedback_total{model=\"iris\",outcome=\"correct\"")
                .contains("modelops_model_info{algorithm=\"logistic\",kernel=\"linear\",model=\"iris\",model_id=\"")
                .contains("task=\"classification\",track=\"stable\",version=\"" + v + "\"} 1")
                .doesNotContain("kernel=\"loading\"")
                .contains("jvm_memory_used_bytes{area=\"heap\"}")
                .contains("jvm_gc_collection_seconds")
                .contains("jvm_threads_current")
                .doesNotContain("modelops_feedback_abs_error");
        // Prometheus asks for OpenMetrics; the same series come in that format.
        TestServer.Reply openMetrics = iris.send(java.net.http.HttpRequest.newBuilder(iris.uri("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").GET().build());
        assertThat(openMetrics.response().headers().firstValue("Content-Type").orElseThrow()).contains("openmetrics");
        assertThat(openMetrics.body()).contains("modelops_request_duration_seconds_bucket").endsWith("# EOF\n");
    }

    @Test
    void noopEndpointIsTheSameStackWithoutAModel() throws Exception {
        ServerConfig config = ServerConfig.of(TestBundles.iris());
        config = new ServerConfig(config.bundle(), config.host(), 0, "bench", null, null, null, config.shutdownGrace(),
                config.maxBodyBytes(), false, 10, config.feedbackTtl(), 1.0, true, 16, null, false, null,
                java.time.Duration.ofSeconds(10), 64, -1, 0, 0.001, "stable");
        try (TestServer bench = new TestServer(config)) {
            TestServer.Reply reply = bench.post("/v2/noop", "{\"instances\": [" + SETOSA + "]}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("{\"ok\":true}");
            assertThat(bench.post("/v1/models/bench:predict", "{\"instances\": [" + SETOSA + "]}").status()).isEqualTo(200);
            // Request log sample rate 1: every request is a JSON line.
            List<String> lines = bench.logText().lines().filter(l -> l.contains("\"event\":\"request\"")).toList();
            assertThat(lines).hasSize(2);
            assertThat(TestServer.JSON.readTree(lines.get(1)).get("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void startUpLogsAreJsonLines() throws Exception {
        List<String> lines = iris.logText().lines().toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode json = TestServer.JSON.readTree(line);
            assertThat(json.has("ts") && json.has("level") && json.has("event") && json.has("msg")).as(line).isTrue();
        }
        assertThat(lines).anyMatch(l -> l.contains("\"event\":\"bundle_verified\""))
                .anyMatch(l -> l.contains("\"event\":\"model_loaded\""));
    }
}
