package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Open Inference Protocol's binary tensor data extension (as KServe and Triton define it) and the request's
 * {@code outputs}: binary inputs give the same predictions as JSON ones, binary outputs the same values.
 */
class BinaryTensorTest {

    private static TestServer iris;
    private static TestServer courses;

    @BeforeAll
    static void start() throws Exception {
        // Rows not bounded by this JVM's heap, so that the bound by encoded values is what the tests meet.
        iris = new TestServer(ServerConfig.of(TestBundles.iris()).withMaxRows(1 << 20));
        courses = TestServer.of(TestBundles.courses());
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
        courses.close();
    }

    /** A reply split into its JSON header and binary part. */
    record Binary(int status, JsonNode json, ByteBuffer data, String contentType) {
    }

    private static Binary post(TestServer server, String path, String json, byte[]... tensors) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        body.write(header);
        for (byte[] tensor : tensors) {
            body.write(tensor);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (tensors.length > 0) {
            request.header("Inference-Header-Content-Length", Integer.toString(header.length));
        }
        HttpResponse<byte[]> response = server.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = response.body();
        int jsonLength = response.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt)
                .orElse(bytes.length);
        return new Binary(response.statusCode(), TestServer.JSON.readTree(new String(bytes, 0, jsonLength,
                StandardCharsets.UTF_8)), ByteBuffer.wrap(bytes, jsonLength, bytes.length - jsonLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN), response.headers().firstValue("Content-Type").orElse(""));
    }

    private static byte[] fp64(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            buffer.putDouble(v);
        }
        return buffer.array();
    }

    private static byte[] strings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static final double[] TWO_ROWS = {5.1, 3.5, 1.4, 0.2, 7.7, 3.0, 6.1, 2.3};

    @Test
    void binaryMatrixInAndBinaryOutputsOutGiveTheJsonAnswers() throws Exception {
        JsonNode viaJson = iris.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"data\": [5.1, 3.5, 1.4, 0.2, 7.7, 3.0, 6.1, 2.3]}]}").json();
        Binary reply = post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"parameters\": {\"binary_data_size\": 64}}], "
                + "\"parameters\": {\"binary_data_output\": true}}", fp64(TWO_ROWS));
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/octet-stream");
        JsonNode label = reply.json().get("outputs").get(0);
        JsonNode scores = reply.json().get("outputs").get(1);
        assertThat(label.has("data")).isFalse();
        assertThat(label.get("parameters").get("binary_data_size").asInt()).isEqualTo(4 + 6 + 4 + 9);
        assertThat(scores.get("parameters").get("binary_data_size").asInt()).isEqualTo(6 * 8);
        assertThat(scores.get("parameters").get("classes").asText()).isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
        JsonNode ids = reply.json().get("outputs").get(2);
        assertThat(ids.get("name").asText()).isEqualTo("prediction_ids");
        assertThat(ids.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(ids.get("parameters").get("binary_data_size").asInt()).isEqualTo(2 * (4 + PredictionIds.LENGTH));
        assertThat(reply.json().has("parameters")).as("prediction_ids left parameters").isFalse();
        assertThat(readStrings(reply.data(), 2)).containsExactly("setosa", "virginica");
        JsonNode jsonScores = viaJson.get("outputs").get(1).get("data");
        for (int i = 0; i < 6; i++) {
            assertThat(reply.data().getDouble()).isEqualTo(jsonScores.get(i).asDouble());
        }
        assertThat(readStrings(reply.data(), 2)).allMatch(id -> id.length() == PredictionIds.LENGTH);
        assertThat(reply.data().hasRemaining()).isFalse();
    }

    @Test
    void binaryPerFeatureTensorsOfEveryWidthIncludingFp16AndBytes() throws Exception {
        // 5.0, 3.5, 1.5, 0.25 are exact in FP16, FP32 and INT (5 as INT32): all encodings give one answer.
        JsonNode viaJson = courses.post("/v1/models/courses:predict", "{\"instances\": [" + InferenceApiTest.COURSE
                + "]}").json();
        double expected = viaJson.get("predictions").get(0).get("value").asDouble();
        List<byte[]> tensors = new ArrayList<>();
        StringBuilder inputs = new StringBuilder();
        String[][] categorical = {{"course", "Intro to Python"}, {"teacher", "Ada Okafor"}, {"difficulty", "beginner"}};
        for (String[] feature : categorical) {
            byte[] data = strings(feature[1]);
            tensors.add(data);
            inputs.append(inputs.isEmpty() ? "" : ",").append("{\"name\": \"").append(feature[0])
                    .append("\", \"datatype\": \"BYTES\", \"shape\": [1], \"parameters\": {\"binary_data_size\": ")
                    .append(data.length).append("}}");
        }
        Object[][] numeric = {{"videos_watched_pct", "FP16", (short) 0x5500}, // 80.0
            {"quiz_attempts", "INT32", 3}, {"avg_quiz_score", "FP32", 85f}, {"forum_posts", "UINT8", (byte) 4},
            {"sessions_per_week", "INT64", 3L}, {"days_since_last_login", "FP64", 2.0}};
        for (Object[] feature : numeric) {
            ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            Object value = feature[2];
            if (value instanceof Short v) {
                data.putShort(v);
            } else if (value instanceof Integer v) {
                data.putInt(v);
            } else if (value instanceof Float v) {
                data.putFloat(v);
            } else if (value instanceof Byte v) {
                data.put(v);
            } else if (value instanceof Long v) {
                data.putLong(v);
            } else {
                data.putDouble((Double) value);
            }
            byte[] bytes = java.util.Arrays.copyOf(data.array(), data.position());
            tensors.add(bytes);
            inputs.append(",{\"name\": \"").append(feature[0]).append("\", \"datatype\": \"").append(feature[1])
                    .append("\", \"shape\": [1], \"parameters\": {\"binary_data_size\": ").append(bytes.length).append("}}");
        }
        Binary reply = post(courses, "/v2/models/courses/infer", "{\"inputs\": [" + inputs + "], "
                + "\"outputs\": [{\"name\": \"value\", \"parameters\": {\"binary_data\": true}}]}",
                tensors.toArray(byte[][]::new));
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        assertThat(reply.data().getDouble()).isEqualTo(expected);
    }

    @Test
    void outputsChooseWhatComesBackAndHowEach() throws Exception {
        Binary reply = post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"parameters\": {\"binary_data_size\": 64}}], \"outputs\": [{\"name\": "
                + "\"scores\"}, {\"name\": \"label\", \"parameters\": {\"binary_data\": true}}]}", fp64(TWO_ROWS));
        assertThat(reply.status()).isEqualTo(200);
        JsonNode outputs = reply.json().get("outputs");
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("scores");
        assertThat(outputs.get(0).get("data")).hasSize(6);
        assertThat(outputs.get(1).get("name").asText()).isEqualTo("label");
        assertThat(readStrings(reply.data(), 2)).containsExactly("setosa", "virginica");

        JsonNode onlyLabel = iris.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": "
                + "\"FP64\", \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}], \"outputs\": [{\"name\": \"label\"}]}")
                .json();
        assertThat(onlyLabel.get("outputs")).hasSize(1);
        assertThat(onlyLabel.get("outputs").get(0).get("data").toString()).isEqualTo("[\"setosa\"]");
    }

    @Test
    void emptyOutputsMeanEveryOutputAndNullDataBesideBinaryIsAbsent() throws Exception {
        Binary reply = post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"data\": null, \"parameters\": {\"binary_data_size\": 64}}], \"outputs\": []}",
                fp64(TWO_ROWS));
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        assertThat(reply.json().get("outputs")).hasSize(3);
        assertThat(reply.json().get("outputs").get(0).get("data").toString()).isEqualTo("[\"setosa\",\"virginica\"]");
    }

    @Test
    void aRequestOfMoreRowsThanTheModelTakesIsRefusedBeforeEncoding() throws Exception {
        // 600,000 rows of UINT8 are 2.4 MB, under the body limit; encoded they would be 600,000 x 4 doubles.
        int rows = 600_000;
        Binary reply = post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"UINT8\", "
                + "\"shape\": [" + rows + ", 4], \"parameters\": {\"binary_data_size\": " + rows * 4 + "}}]}",
                new byte[rows * 4]);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText()).isEqualTo("the request has 600000 rows; this model takes at "
                + "most 524288 per request (4 encoded values a row); split it");
    }

    @Test
    void serverMetadataAnnouncesTheExtension() throws Exception {
        assertThat(iris.get("/v2").json().get("extensions").toString()).isEqualTo("[\"binary_tensor_data\"]");
    }

    @Test
    void badBinaryRequestsNameTheProblem() throws Exception {
        String matrix = "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [2, 4], "
                + "\"parameters\": {\"binary_data_size\": %d}}]}";
        assertBad(post(iris, "/v2/models/iris/infer", matrix.formatted(56), fp64(TWO_ROWS)),
                "input 'x' has shape [2, 4] of FP64, 64 bytes, but parameters.binary_data_size is 56");
        // 2^60 x 4 FP64 values would be 2^65 bytes: as a long, 0 bytes. Refused, not decoded as an empty tensor.
        assertBad(post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [1152921504606846976, 4], \"parameters\": {\"binary_data_size\": 0}}]}", new byte[0]),
                "input 'x' has shape [1152921504606846976, 4] of FP64");
        assertBad(post(iris, "/v2/models/iris/infer", matrix.formatted(72), fp64(TWO_ROWS)),
                "input 'x' declares 72 bytes of binary data, but only 64 are left in the body");
        assertBad(post(iris, "/v2/models/iris/infer", matrix.formatted(64), fp64(TWO_ROWS), fp64(1.0)),
                "the body has 8 bytes of binary data after the last input's");
        assertBad(post(iris, "/v2/models/iris/infer", matrix.formatted(64)),
                "input 'x' has parameters.binary_data_size but the request has no binary part");
        assertBad(post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [2, 4], \"data\": [1], \"parameters\": {\"binary_data_size\": 64}}]}", fp64(TWO_ROWS)),
                "input 'x' has both 'data' and parameters.binary_data_size");
        assertBad(post(courses, "/v2/models/courses/infer", "{\"inputs\": [{\"name\": \"course\", \"datatype\": "
                + "\"BYTES\", \"shape\": [1], \"parameters\": {\"binary_data_size\": 6}}]}",
                new byte[] {10, 0, 0, 0, 'a', 'b'}), "input 'course': BYTES element 0 declares 10 bytes, but 2 are left");
        assertBad(post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}], \"outputs\": [{\"name\": \"proba\"}]}"),
                "outputs[0] names the string 'proba'; this model's outputs are: label, scores");
        assertBad(post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}], \"parameters\": {\"binary_data_output\": 1}}"),
                "parameters.binary_data_output is the number 1; it is true or false");
        // Sizes are parsed exactly: 2^64 + 32 is not 32.
        assertBad(post(iris, "/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [1, 4], \"parameters\": {\"binary_data_size\": 18446744073709551648}}]}", fp64(5.1, 3.5, 1.4, 0.2)),
                "input 'x' has parameters.binary_data_size 18446744073709551648; it is a byte count");
        // BYTES that are not UTF-8 are refused, not replaced with U+FFFD (which would be an unseen category).
        assertBad(post(courses, "/v2/models/courses/infer", "{\"inputs\": [{\"name\": \"course\", \"datatype\": "
                + "\"BYTES\", \"shape\": [1], \"parameters\": {\"binary_data_size\": 6}}]}",
                new byte[] {2, 0, 0, 0, (byte) 0xC3, (byte) 0x28}), "input 'course': BYTES element 0 is not valid UTF-8 text");
        // A header that does not fit the body.
        HttpResponse<String> tooLong = iris.client.send(HttpRequest.newBuilder(iris.uri("/v2/models/iris/infer"))
                .header("Inference-Header-Content-Length", "999")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": []}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("Inference-Header-Content-Length is '999', but the body has 14 bytes");
        // The server still answers.
        assertThat(post(iris, "/v2/models/iris/infer", matrix.formatted(64), fp64(TWO_ROWS)).status()).isEqualTo(200);
    }

    @Test
    void halfPrecisionDecodesNormalSubnormalAndSpecialValues() {
        assertThat(BinaryTensors.half((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(BinaryTensors.half((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(BinaryTensors.half((short) 0x7bff)).isEqualTo(65504f);
        assertThat(BinaryTensors.half((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(BinaryTensors.half((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(BinaryTensors.half((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(BinaryTensors.half((short) 0x7e00)).isNaN();
    }

    private static void assertBad(Binary reply, String message) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).contains(message);
    }

    private static List<String> readStrings(ByteBuffer data, int count) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[data.getInt()];
            data.get(bytes);
            strings.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return strings;
    }
}
