package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The bad-input catalogue: every case gets its status and a message naming the field or feature and the problem,
 * and the server keeps answering afterwards.
 */
class BadInputTest {

    private static final String OK_ROW = "{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}";
    private static TestServer iris;
    private static TestServer strict;
    private static TestServer courses;

    @BeforeAll
    static void start() throws Exception {
        iris = TestServer.of(TestBundles.iris());
        // Strict mode and a small body limit on a second server.
        strict = new TestServer(ServerConfig.of(TestBundles.iris()).withStrict(true)
                .withLimits(2048, 1000, Duration.ofMinutes(1)));
        courses = new TestServer(ServerConfig.of(TestBundles.courses()).withStrict(true));
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
        strict.close();
        courses.close();
    }

    static Stream<Arguments> irisCases() {
        String predict = "/v1/models/iris:predict";
        String infer = "/v2/models/iris/infer";
        String feedback = "/v1/models/iris/feedback";
        return Stream.of(
                arguments("malformed JSON", predict, "{\"instances\": [", 400, "request body is not valid JSON at line 1"),
                arguments("empty body", predict, "", 400, "request body is empty; expected a JSON object"),
                arguments("body is an array", predict, "[1, 2]", 400, "request body must be a JSON object, got an array"),
                arguments("duplicate key", predict, "{\"instances\": [], \"instances\": []}", 400, "Duplicate field 'instances'"),
                arguments("no instances", predict, "{\"rows\": []}", 400, "'instances' is missing"),
                arguments("instances not an array", predict, "{\"instances\": \"all\"}", 400,
                        "'instances' must be an array of instances, got the string 'all'"),
                arguments("no instance", predict, "{\"instances\": []}", 400, "'instances' is empty"),
                arguments("instance is a number", predict, "{\"instances\": [7]}", 400,
                        "instances[0] must be an object of feature values (or an array in schema order), got the number 7"),
                arguments("missing feature", predict,
                        "{\"instances\": [" + OK_ROW + ", {\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4}]}",
                        400, "instances[1]: feature 'petal_width' is missing; the model needs a number for it"),
                arguments("unknown feature", predict, "{\"instances\": [" + OK_ROW.replace("}", ",\"petal_colour\":1}") + "]}",
                        400, "instances[0]: unknown feature 'petal_colour'; the model's features are: sepal_length, "
                                + "sepal_width, petal_length, petal_width"),
                arguments("string for a number", predict, "{\"instances\": [" + OK_ROW.replace("5.1", "\"long\"") + "]}",
                        400, "instances[0]: feature 'sepal_length' must be a number, got the string 'long'"),
                arguments("boolean for a number", predict, "{\"instances\": [" + OK_ROW.replace("0.2", "true") + "]}",
                        400, "instances[0]: feature 'petal_width' must be a number, got the boolean true"),
                arguments("NaN", predict, "{\"instances\": [" + OK_ROW.replace("5.1", "NaN") + "]}",
                        400, "instances[0]: feature 'sepal_length' is NaN; only finite numbers are accepted"),
                arguments("overflow to infinity", predict, "{\"instances\": [" + OK_ROW.replace("3.5", "1e999") + "]}",
                        400, "instances[0]: feature 'sepal_width' is Infinity; only finite numbers are accepted"),
                arguments("array instance too short", predict, "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [5.1, 3.5, 1.4]]}",
                        400, "instances[1] has 3 values, but the model takes 4 features in this order: sepal_length, "
                                + "sepal_width, petal_length, petal_width"),
                arguments("v2 without inputs", infer, "{\"instances\": []}", 400, "'inputs' is missing"),
                arguments("v2 shape beyond any size", infer, "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                        + "\"shape\": [4611686018427387904, 4], \"data\": [5.1]}]}", 400,
                        "input 'x' has shape [4611686018427387904,4], more elements than any request can hold"),
                arguments("v2 shape and data disagree", infer, "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                        + "\"shape\": [2, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}", 400,
                        "input 'x' has shape [2, 4] (8 values) but 4 values in 'data'"),
                arguments("v2 matrix of the wrong width", infer, "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                        + "\"shape\": [1, 3], \"data\": [5.1, 3.5, 1.4]}]}", 400,
                        "input 'x' has shape [1, 3], but the model takes 4 features per row"),
                arguments("v2 NaN in a matrix", infer, "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                        + "\"shape\": [1, 4], \"data\": [5.1, 3.5, NaN, 0.2]}]}", 400,
                        "input 'x' row 0: feature 'petal_length' is NaN"),
                arguments("v2 inputs with different rows", infer, "{\"inputs\": ["
                        + "{\"name\": \"sepal_length\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [5.1, 5.0]},"
                        + "{\"name\": \"sepal_width\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [3.5]}]}", 400,
                        "input 'sepal_width' has 1 rows, but input 'sepal_length' has 2"),
                arguments("v2 BYTES holding numbers", infer, "{\"inputs\": [{\"name\": \"sepal_length\", "
                        + "\"datatype\": \"BYTES\", \"shape\": [1], \"data\": [5.1]}]}", 400,
                        "input 'sepal_length': data[0] is the number 5.1, but datatype BYTES holds strings"),
                arguments("v2 unsupported datatype", infer, "{\"inputs\": [{\"name\": \"sepal_length\", "
                        + "\"datatype\": \"BOOL\", \"shape\": [1], \"data\": [true]}]}", 400,
                        "input 'sepal_length' has datatype 'BOOL'; use FP64"),
                arguments("v2 input twice", infer, "{\"inputs\": ["
                        + "{\"name\": \"sepal_length\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [5.1]},"
                        + "{\"name\": \"sepal_length\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [5.1]}]}", 400,
                        "input 'sepal_length' appears twice"),
                arguments("v2 missing feature", infer, "{\"inputs\": ["
                        + "{\"name\": \"sepal_length\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [5.1]}]}", 400,
                        "row 0: feature 'sepal_width' is missing"),
                arguments("feedback without id", feedback, "{\"label\": \"setosa\"}", 400, "'id' is missing"),
                arguments("feedback for a string that is no id", feedback, "{\"id\": \"nope\", \"label\": \"setosa\"}", 400,
                        "'nope' is not a prediction id"),
                arguments("feedback with an unknown class", feedback, "{\"id\": \"nope\", \"label\": \"rose\"}", 400,
                        "label is the string 'rose', not one of the model's classes: setosa, versicolor, virginica"),
                arguments("feedback without label", feedback, "{\"id\": \"nope\"}", 400, "'label' is missing"),
                arguments("evaluate with too few labels", feedback, "{\"instances\": [" + OK_ROW + "," + OK_ROW
                        + "], \"labels\": [\"setosa\"]}", 400, "'labels' has 1 entries but 'instances' has 2"),
                arguments("unknown model", "/v1/models/roses:predict", "{\"instances\": [" + OK_ROW + "]}", 404,
                        "model 'roses' is not served here; this server serves 'iris'"),
                arguments("unknown version", "/v2/models/iris/versions/v9/infer", "{}", 404,
                        "model 'iris' has no version 'v9'"),
                arguments("unknown endpoint", "/v3/models/iris/infer", "{}", 404, "no such endpoint: /v3/models/iris/infer"),
                arguments("no-op endpoint not enabled", "/v2/noop", "{}", 404, "no such endpoint: /v2/noop"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("irisCases")
    void badInputIsRefusedWithAReason(String name, String path, String body, int status, String message)
            throws Exception {
        TestServer.Reply reply = iris.post(path, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.error()).contains(message);
        assertThat(iris.get("/v2/health/live").status()).isEqualTo(200);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        TestServer.Reply reply = iris.get("/v1/models/iris:predict");
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.response().headers().firstValue("Allow")).hasValue("POST");
        assertThat(reply.error()).isEqualTo("method GET is not allowed on /v1/models/iris:predict; use POST");
        TestServer.Reply post = iris.post("/v2/health/ready", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.response().headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void strictModeRefusesValuesOutsideTheTrainingRange() throws Exception {
        TestServer.Reply reply = strict.post("/v1/models/iris:predict",
                "{\"instances\": [" + OK_ROW.replace("5.1", "12.5") + "]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(
                "instances[0]: feature 'sepal_length' = 12.5 is outside the training range [4.3, 7.9] (strict mode)");
        // The same row is accepted without strict mode.
        assertThat(iris.post("/v1/models/iris:predict", "{\"instances\": [" + OK_ROW.replace("5.1", "12.5") + "]}")
                .status()).isEqualTo(200);
    }

    @Test
    void strictModeRefusesUnseenCategories() throws Exception {
        TestServer.Reply reply = courses.post("/v1/models/courses:predict", "{\"instances\": [{\"course\": \"Intro to "
                + "Python\", \"teacher\": \"Ada Okafor\", \"difficulty\": \"expert\"}]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("instances[0]: feature 'difficulty' has category 'expert', never seen in "
                + "training (strict mode); known: advanced, beginner, intermediate");
    }

    @Test
    void strictModeAppliesToV2TensorsToo() throws Exception {
        // A [N, F] matrix row outside the range, and a BYTES tensor with an unseen category.
        TestServer.Reply range = strict.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": "
                + "\"FP64\", \"shape\": [2, 4], \"data\": [5.1, 3.5, 1.4, 0.2, 5.1, 3.5, 1.4, 9.9]}]}");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.error()).isEqualTo("input 'x' row 1: feature 'petal_width' = 9.9 is outside the training "
                + "range [0.1, 2.5] (strict mode)");
        StringBuilder inputs = new StringBuilder();
        String[][] features = {{"course", "Intro to Python"}, {"teacher", "Ada Okafor"}, {"difficulty", "expert"}};
        for (String[] feature : features) {
            inputs.append(inputs.isEmpty() ? "" : ", ").append("{\"name\": \"").append(feature[0])
                    .append("\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"").append(feature[1]).append("\"]}");
        }
        TestServer.Reply category = courses.post("/v2/models/courses/infer", "{\"inputs\": [" + inputs + "]}");
        assertThat(category.status()).isEqualTo(400);
        assertThat(category.error()).isEqualTo("row 0: feature 'difficulty' has category 'expert', never seen in "
                + "training (strict mode); known: advanced, beginner, intermediate");
    }

    @Test
    void categoricalFeatureRefusesAFraction() throws Exception {
        TestServer.Reply reply = courses.post("/v1/models/courses:predict", "{\"instances\": [{\"course\": \"Intro to "
                + "Python\", \"teacher\": \"Ada Okafor\", \"difficulty\": 2.5}]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("instances[0]: feature 'difficulty' must be a string (a category), got 2.5");
    }

    @Test
    void regressionFeedbackNeedsAFiniteNumber() throws Exception {
        TestServer.Reply reply = courses.post("/v1/models/courses/feedback", "{\"id\": \"x\", \"value\": \"high\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("value is the string 'high'; the true value must be a finite number");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < 100; i++) {
            body.append(i == 0 ? "" : ",").append(OK_ROW);
        }
        TestServer.Reply reply = strict.post("/v1/models/iris:predict", body.append("]}").toString());
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error()).contains("the limit is 2048 (--max-body-bytes)");
        // Without a Content-Length (chunked), the limit holds while reading.
        HttpRequest chunked = HttpRequest.newBuilder(strict.uri("/v1/models/iris:predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.toString().getBytes()))).build();
        TestServer.Reply streamed = strict.send(chunked);
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(streamed.error()).contains("over the limit of 2048 bytes");
        assertThat(strict.get("/v2/health/ready").status()).isEqualTo(200);
    }

    @Test
    void badRequestsAreCountedByCode() throws Exception {
        double before = iris.metric("modelops_requests_total{code=\"400\",model=\"iris\",protocol=\"v1\",version=\""
                + iris.server.modelVersion() + "\"}");
        iris.post("/v1/models/iris:predict", "{\"instances\": []}");
        assertThat(iris.metric("modelops_requests_total{code=\"400\",model=\"iris\",protocol=\"v1\",version=\""
                + iris.server.modelVersion() + "\"}")).isEqualTo(before + 1);
    }
}
