package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user of KServe or Triton expects of the protocols, with payloads shaped like their clients'. */
class ConformanceTest {

    private static final String ROW = "[5.1, 3.5, 1.4, 0.2]";
    private static TestServer iris;
    private static TestServer courses;

    @BeforeAll
    static void start() throws Exception {
        iris = TestServer.of(TestBundles.iris());
        courses = TestServer.of(TestBundles.courses());
    }

    @AfterAll
    static void stop() {
        iris.close();
        courses.close();
    }

    private static String tensor(String datatype, String shape, String data) {
        return "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": "
                + data + "}]}";
    }

    @Test
    void v1TakesInputsAsKServesOwnServerDoes() throws Exception {
        TestServer.Reply reply = iris.post("/v1/models/iris:predict", "{\"inputs\": [" + ROW + "]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("predictions").get(0).get("label").asText()).isEqualTo("setosa");
        assertThat(iris.post("/v1/models/iris:predict", "{\"inputs\": [[1, 2]]}").error()).startsWith("inputs[0] has 2 values");
    }

    @Test
    void pathsThatDoNotExistAre404AndExplainIs501() throws Exception {
        for (String path : new String[] {"/v2/models/iris/generate", "/v1/models/iris:predict/", "/v2/models/iris/infer/",
                "/v2/models/iris/ready/", "/v1/models/iris/", "/v2/models/other", "/v1/models/other:predict"}) {
            TestServer.Reply reply = iris.post(path, "{}");
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertThat(reply.response().headers().firstValue("Allow")).as(path).isEmpty();
        }
        TestServer.Reply explain = iris.post("/v1/models/iris:explain", "{\"instances\": [" + ROW + "]}");
        assertThat(explain.status()).isEqualTo(501);
        assertThat(explain.error()).contains(":explain").contains("not implemented");
        TestServer.Reply wrongMethod = iris.post("/v2/health/live", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.response().headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void headWorksOnEveryGetEndpoint() throws Exception {
        for (String path : new String[] {"/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/iris",
                "/v2/models/iris/ready", "/v1/models", "/v1/models/iris", "/metrics"}) {
            TestServer.Reply head = iris.send(HttpRequest.newBuilder(iris.uri(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(head.status()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.response().headers().firstValue("Content-Type")).as(path).isPresent();
        }
    }

    @Test
    void aRequestIdIsEchoedAsGivenANumberToo() throws Exception {
        String inputs = "\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1, 4], \"data\": " + ROW + "}]";
        assertThat(iris.post("/v2/models/iris/infer", "{\"id\": 42, " + inputs + "}").json().get("id").toString())
                .isEqualTo("42");
        assertThat(iris.post("/v2/models/iris/infer", "{\"id\": 12345678901234567890, " + inputs + "}").json().get("id")
                .toString()).isEqualTo("12345678901234567890");
        assertThat(iris.post("/v2/models/iris/infer", "{\"id\": \"r-1\", " + inputs + "}").json().get("id").asText())
                .isEqualTo("r-1");
        TestServer.Reply object = iris.post("/v2/models/iris/infer", "{\"id\": {\"a\": 1}, " + inputs + "}");
        assertThat(object.status()).isEqualTo(400);
        assertThat(object.error()).isEqualTo("'id' is an object; a request id is a string (or a number)");
    }

    @Test
    void predictionIdsAreAnOutputTensorNamedInTheMetadata() throws Exception {
        JsonNode out = iris.post("/v2/models/iris/infer", tensor("FP64", "[2, 4]", "[" + ROW + ", " + ROW + "]")).json();
        assertThat(out.has("parameters")).isFalse();
        JsonNode ids = TestServer.output(out, "prediction_ids");
        assertThat(ids.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(ids.get("shape").toString()).isEqualTo("[2]");
        assertThat(ids.get("data")).hasSize(2);
        JsonNode onlyIds = iris.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", "
                + "\"shape\": [1, 4], \"data\": " + ROW + "}], \"outputs\": [{\"name\": \"prediction_ids\"}]}").json();
        assertThat(onlyIds.get("outputs")).hasSize(1);
        JsonNode meta = courses.get("/v2/models/courses").json();
        assertThat(meta.get("outputs").get(1).get("name").asText()).isEqualTo("prediction_ids");
    }

    @Test
    void scoresNameTheirClassesAsAJsonArrayInAStringUnambiguousWithCommasAndQuotes() throws Exception {
        // Parameter values are scalars in the protocol; the string holds a JSON array, as json.loads reads it.
        JsonNode irisScores = TestServer.output(iris.post("/v2/models/iris/infer", tensor("FP64", "[1, 4]", ROW)).json(),
                "scores");
        assertThat(irisScores.get("parameters").get("classes").isTextual()).isTrue();
        assertThat(irisScores.get("parameters").get("classes").asText()).isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");

        try (TestServer odd = TestServer.of(TestBundles.oddClasses())) {
            String path = "/v2/models/" + odd.name() + "/infer";
            for (String body : new String[] {tensor("FP64", "[2, 4]", "[" + ROW + ", [7.7, 3.0, 6.1, 2.3]]"),
                    // binary outputs carry the same parameter
                    "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [2, 4], \"data\": [" + ROW
                            + ", [7.7, 3.0, 6.1, 2.3]]}], \"outputs\": [{\"name\": \"scores\", \"parameters\": "
                            + "{\"binary_data\": true}}, {\"name\": \"label\"}]}"}) {
                TestServer.Reply reply = odd.post(path, body);
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                JsonNode response = reply.response().headers().firstValue(V2Protocol.INFERENCE_HEADER_LENGTH).isPresent()
                        ? TestServer.JSON.readTree(reply.body().substring(0, Integer.parseInt(reply.response().headers()
                                .firstValue(V2Protocol.INFERENCE_HEADER_LENGTH).orElseThrow())))
                        : reply.json();
                JsonNode scores = TestServer.output(response, "scores");
                assertThat(scores.get("datatype").asText()).isEqualTo("FP64");
                assertThat(scores.get("shape").toString()).isEqualTo("[2,3]");
                JsonNode classes = scores.get("parameters").get("classes");
                assertThat(classes.isTextual()).as("a scalar, as the protocol's parameters are").isTrue();
                java.util.List<String> parsed = TestServer.JSON.readValue(classes.asText(),
                        new com.fasterxml.jackson.core.type.TypeReference<java.util.List<String>>() { });
                assertThat(parsed).isEqualTo(TestBundles.ODD_CLASSES);
                assertThat(TestServer.output(response, "label").get("data").get(0).asText())
                        .isEqualTo(TestBundles.ODD_CLASSES.get(0));
                assertThat(TestServer.output(response, "label").get("data").get(1).asText())
                        .isEqualTo(TestBundles.ODD_CLASSES.get(2));
            }
        }
    }

    @Test
    void metadataGivesCategoriesAndClassesAsArrays() throws Exception {
        JsonNode course = courses.get("/v2/models/courses").json().get("inputs").get(0);
        assertThat(course.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(course.get("parameters").get("categories").isArray()).isTrue();
        assertThat(course.get("parameters").get("categories").get(0).isTextual()).isTrue();
        assertThat(iris.get("/v2/models/iris").json().get("outputs").get(1).get("parameters").get("classes").isArray())
                .isTrue();
    }

    @Test
    void gzipBodiesAreDecodedAndUnknownEncodingsAre415() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(tensor("FP64", "[1, 4]", ROW).getBytes(StandardCharsets.UTF_8));
        }
        TestServer.Reply decoded = iris.send(HttpRequest.newBuilder(iris.uri("/v2/models/iris/infer"))
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build());
        assertThat(decoded.status()).as(decoded.body()).isEqualTo(200);
        assertThat(TestServer.output(decoded.json(), "label").get("data").get(0).asText()).isEqualTo("setosa");
        TestServer.Reply brotli = iris.send(HttpRequest.newBuilder(iris.uri("/v2/models/iris/infer"))
                .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(brotli.status()).isEqualTo(415);
        assertThat(brotli.error()).contains("Content-Encoding 'br' is not supported");
        TestServer.Reply notGzip = iris.send(HttpRequest.newBuilder(iris.uri("/v1/models/iris:predict"))
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.error()).contains("not valid gzip");
    }

    /** Sends raw bytes; returns the whole response. */
    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", iris.server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void httpLevelErrorsAreJsonToo() throws Exception {
        String badEncoding = raw("GET /v2/models/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(badEncoding).startsWith("HTTP/1.1 400").contains("application/json").contains("{\"error\":\"HTTP 400");
        String hugeHeader = raw("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(hugeHeader).startsWith("HTTP/1.1 431").contains("{\"error\":\"HTTP 431");
        String badChunk = raw("POST /v1/models/iris:predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertThat(badChunk).startsWith("HTTP/1.1 400").contains("{\"error\":");
    }

    @Test
    void aRequestForAModelNotServedHereIsNotCountedAsTheServedModels() throws Exception {
        String notFound = "modelops_requests_total{code=\"404\",model=\"iris\",protocol=\"v1\",version=\""
                + iris.server.modelVersion() + "\"}";
        double before = iris.metric(notFound);
        assertThat(iris.post("/v1/models/other:predict", "{\"instances\": [" + ROW + "]}").status()).isEqualTo(404);
        assertThat(iris.post("/v1/models/iris/versions/x:predict", "{}").status()).isEqualTo(404);
        assertThat(iris.metric(notFound)).isEqualTo(before);
    }

    @Test
    void numericDatatypesAreStrict() throws Exception {
        assertThat(iris.post("/v2/models/iris/infer", tensor("INT64", "[1, 4]", "[5, 3, 1, 0]")).status()).isEqualTo(200);
        assertThat(iris.post("/v2/models/iris/infer", tensor("INT64", "[1, 4]", "[5.0, 3, 1, 0]")).status()).isEqualTo(200);
        assertThat(iris.post("/v2/models/iris/infer", tensor("INT64", "[1, 4]", "[6.3, 3, 1, 0]")).error())
                .isEqualTo("input 'x': data[0] is the number 6.3, which datatype INT64 cannot hold (whole numbers from "
                        + "-9223372036854775808 to 9223372036854775807)");
        assertThat(iris.post("/v2/models/iris/infer", tensor("UINT8", "[1, 4]", "[5, 3, 300, 0]")).error())
                .isEqualTo("input 'x': data[2] is the number 300, which datatype UINT8 cannot hold (whole numbers from "
                        + "0 to 255)");
        assertThat(iris.post("/v2/models/iris/infer", tensor("UINT64", "[1, 4]", "[5, 3, -1, 0]")).status()).isEqualTo(400);
        assertThat(iris.post("/v2/models/iris/infer", tensor("FP32", "[1, 4]", "[5, 3, 1e300, 0]")).error())
                .contains("which datatype FP32 cannot hold");
        assertThat(iris.post("/v2/models/iris/infer", tensor("FP64", "[2, 4]", "[[5.1, 3.5], [1.4, 0.2, 5.1, 3.5, 1.4, 0.2]]"))
                .error()).startsWith("input 'x': 'data' nests an array of 2 values at depth 1, but the shape is [2, 4]");
        assertThat(iris.post("/v2/models/iris/infer", tensor("FP64", "[2, 4]", "[" + ROW + ", " + ROW + "]")).status())
                .isEqualTo(200);
        // Found by RequestFuzzTest: Jackson reads these bytes as UTF-32 and meets a character beyond Unicode.
        TestServer.Reply utf32 = iris.send(HttpRequest.newBuilder(iris.uri("/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 0, 0, '{', 0, 0x2c, 0, 0})).build());
        assertThat(utf32.status()).isEqualTo(400);
        assertThat(utf32.error()).startsWith("request body is not valid JSON text (send UTF-8)");
        TestServer.Reply trailing = iris.post("/v2/models/iris/infer", tensor("FP64", "[1, 4]", ROW) + " {}");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.error()).startsWith("request body is not valid JSON");
    }
}
