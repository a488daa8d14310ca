package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP API on Jetty's core Handler API: Open Inference Protocol v2, KServe v1, ground-truth feedback, health,
 * metadata and {@code /metrics}. Errors are JSON {@code {"error": "..."}} with 400 (bad input, naming the feature and
 * the problem), 404 (unknown path, model or prediction id), 405 (wrong method, with Allow), 413 (body over the limit)
 * or 503 (model not loaded yet, or shutting down). Nothing a client sends can stop the server.
 */
final class InferenceApi extends Handler.Abstract {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so a NaN is reported by feature, not as a parse error
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Numbers dominate the bodies: Jackson's fast (exact) double parser and writer.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();
    private static final int SMALL_BODY = 64 * 1024;
    private static final byte[] NOOP = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final ServerConfig config;
    private final ModelBundle bundle;
    private final String name;
    private final String version;
    private final ServingMetrics metrics;
    private final FeedbackCache feedback;
    private final JsonLog log;
    private volatile byte[] modelMetadata;
    private volatile Predictor predictor;
    private volatile Requests requests;
    private volatile boolean stopping;

    /** The endpoints; {@code protocol} is the metrics label of counted ones (inference and feedback), else null. */
    private enum Endpoint {
        LIVE("GET", null), READY("GET", null), SERVER("GET", null), MODEL("GET", null), MODEL_READY("GET", null),
        INFER("POST", "v2"), PREDICT("POST", "v1"), FEEDBACK("POST", "feedback"), V1_MODELS("GET", null),
        V1_MODEL("GET", null), METRICS("GET", null), NOOP_ENDPOINT("POST", null);

        final String method;
        final String protocol;

        Endpoint(String method, String protocol) {
            this.method = method;
            this.protocol = protocol;
        }
    }

    private record Route(Endpoint endpoint, String model) {
    }

    /** A response; {@code jsonLength} >= 0 when binary tensor data follows a JSON header of that length. */
    private record Reply(int status, String contentType, ByteBuffer body, int jsonLength) {
        Reply(int status, String contentType, byte[] body) {
            this(status, contentType, ByteBuffer.wrap(body), -1);
        }
    }

    /** A response body built in place: its bytes are sent as they are, not copied out first. */
    private static final class Body extends ByteArrayOutputStream {
        Body(int capacity) {
            super(capacity);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    /** The binary tensor data extension's header: the length of the JSON at the start of a body with binary data. */
    static final String INFERENCE_HEADER_LENGTH = "Inference-Header-Content-Length";

    InferenceApi(ServerConfig config, ModelBundle bundle, ServingMetrics metrics, FeedbackCache feedback, JsonLog log) {
        this.config = config;
        this.bundle = bundle;
        this.name = config.modelName();
        this.version = config.version() != null ? config.version() : bundle.manifest().shortId();
        this.metrics = metrics;
        this.feedback = feedback;
        this.log = log;
        this.modelMetadata = bytes(metadata(null));
    }

    void ready(Predictor loaded) {
        // predictor first: a request that sees requests() set must also see the predictor.
        this.predictor = loaded;
        this.modelMetadata = bytes(metadata(loaded.kernel()));
        this.requests = new Requests(loaded, config.strict());
    }

    void stopping() {
        this.stopping = true;
    }

    boolean isReady() {
        return predictor != null && !stopping;
    }

    String name() {
        return name;
    }

    String version() {
        return version;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        Route route = route(path);
        Reply reply;
        try {
            reply = dispatch(route, method, request, response);
        } catch (HttpError e) {
            reply = error(e.status, e.getMessage());
        } catch (InvalidInputException e) {
            reply = error(400, e.getMessage());
        } catch (RuntimeException | IOException e) {
            log.error("request_failed", "internal error answering " + method + " " + path, "error", e.toString());
            reply = error(500, "internal error: " + e.getMessage());
        }
        // Counted before the response leaves, so a client that has its answer also sees it counted.
        long nanos = System.nanoTime() - start;
        if (route != null && route.endpoint.protocol != null) {
            metrics.request(route.endpoint.protocol, reply.status);
            if (route.endpoint != Endpoint.FEEDBACK) {
                metrics.duration(nanos);
            }
        }
        if (config.requestLogSample() > 0 && ThreadLocalRandom.current().nextDouble() < config.requestLogSample()) {
            log.info("request", method + " " + path + " " + reply.status, "method", method, "path", path,
                    "status", reply.status, "duration_ms", nanos / 1e6);
        }
        response.setStatus(reply.status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body.remaining());
        if (reply.jsonLength >= 0) {
            response.getHeaders().put(INFERENCE_HEADER_LENGTH, Integer.toString(reply.jsonLength));
        }
        response.write(true, reply.body, callback);
        return true;
    }

    private static Route route(String path) {
        switch (path) {
            case "/v2/health/live": return new Route(Endpoint.LIVE, null);
            case "/v2/health/ready": return new Route(Endpoint.READY, null);
            case "/v2": case "/v2/": return new Route(Endpoint.SERVER, null);
            case "/v1/models": case "/v1/models/": return new Route(Endpoint.V1_MODELS, null);
            case "/metrics": return new Route(Endpoint.METRICS, null);
            case "/v2/noop": return new Route(Endpoint.NOOP_ENDPOINT, null);
            default: break;
        }
        if (path.startsWith("/v2/models/")) {
            String rest = path.substring("/v2/models/".length());
            Endpoint endpoint = Endpoint.MODEL;
            if (rest.endsWith("/infer")) {
                endpoint = Endpoint.INFER;
                rest = rest.substring(0, rest.length() - "/infer".length());
            } else if (rest.endsWith("/ready")) {
                endpoint = Endpoint.MODEL_READY;
                rest = rest.substring(0, rest.length() - "/ready".length());
            }
            // /v2/models/{name}/versions/{version}/...: the version is checked with the name.
            return rest.isEmpty() ? null : new Route(endpoint, rest);
        }
        if (path.startsWith("/v1/models/")) {
            String rest = path.substring("/v1/models/".length());
            if (rest.endsWith(":predict")) {
                return new Route(Endpoint.PREDICT, rest.substring(0, rest.length() - ":predict".length()));
            }
            if (rest.endsWith("/feedback")) {
                return new Route(Endpoint.FEEDBACK, rest.substring(0, rest.length() - "/feedback".length()));
            }
            return rest.isEmpty() || rest.contains("/") ? null : new Route(Endpoint.V1_MODEL, rest);
        }
        return null;
    }

    private Reply dispatch(Route route, String method, Request request, Response response) throws IOException {
        if (route == null || (route.endpoint == Endpoint.NOOP_ENDPOINT && !config.noopEndpoint())) {
            throw new HttpError(404, "no such endpoint: " + Request.getPathInContext(request) + "; this server "
                    + "answers /v2/health/live, /v2/health/ready, /v2, /v2/models/" + name + "[/ready|/infer], /v1/models/"
                    + name + "[:predict|/feedback] and /metrics");
        }
        if (!route.endpoint.method.equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, route.endpoint.method);
            throw new HttpError(405, "method " + method + " is not allowed on " + Request.getPathInContext(request)
                    + "; use " + route.endpoint.method);
        }
        if (route.model != null) {
            checkModel(route.model);
        }
        switch (route.endpoint) {
            case LIVE: return json(200, JSON.createObjectNode().put("live", true));
            case READY:
            case MODEL_READY:
            case V1_MODEL:
                return json(isReady() ? 200 : 503, route.model == null ? JSON.createObjectNode().put("ready", isReady())
                        : JSON.createObjectNode().put("name", name).put("ready", isReady()));
            case SERVER:
                ObjectNode server = JSON.createObjectNode().put("name", "modelops-serving").put("version", Versions.modelops());
                server.putArray("extensions").add("binary_tensor_data");
                return json(200, server);
            case MODEL: return new Reply(200, "application/json", modelMetadata);
            case V1_MODELS:
                ObjectNode models = JSON.createObjectNode();
                models.putArray("models").add(name);
                return json(200, models);
            case METRICS:
                ServingMetrics.Exposition exposition = metrics.scrape(request.getHeaders().get(HttpHeader.ACCEPT));
                return new Reply(200, exposition.contentType(), exposition.body());
            case NOOP_ENDPOINT:
                json(read(request), 0, -1);
                return new Reply(200, "application/json", NOOP);
            case INFER: return infer(request);
            case PREDICT: return predict(json(read(request), 0, -1));
            case FEEDBACK: return feedback(json(read(request), 0, -1));
            default: throw new IllegalStateException(route.endpoint.name());
        }
    }

    private void checkModel(String requested) {
        String model = requested;
        int versions = requested.indexOf("/versions/");
        if (versions >= 0) {
            model = requested.substring(0, versions);
            String v = requested.substring(versions + "/versions/".length());
            if (model.equals(name) && !v.equals(version)) {
                throw new HttpError(404, "model '" + name + "' has no version '" + v + "'; it serves version '"
                        + version + "'");
            }
        }
        if (!model.equals(name)) {
            throw new HttpError(404, "model '" + model + "' is not served here; this server serves '" + name + "'");
        }
    }

    private Requests requests() {
        // While stopping, requests already in flight are served; Jetty's GracefulHandler answers new ones 503.
        Requests current = requests;
        if (current == null) {
            throw new HttpError(503, "the model is still loading; wait for /v2/health/ready");
        }
        return current;
    }

    private Reply predict(JsonNode root) throws IOException {
        Requests parse = requests();
        Predictions results = predictor.predict(parse.instances(root, "instances"));
        // The hot path: streamed with Jackson's generator, no tree per prediction.
        Body bytes = new Body(64 + 160 * results.size());
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeArrayFieldStart("predictions");
            List<String> classes = predictor.classes();
            FeedbackCache.Ids ids = remember(results);
            for (int i = 0; i < ids.count(); i++) {
                out.writeStartObject();
                out.writeFieldName("id");
                writeIds(out, ids, i, i + 1);
                if (predictor.classification()) {
                    out.writeStringField("label", results.label(i));
                    out.writeObjectFieldStart("scores");
                    for (int c = 0; c < classes.size(); c++) {
                        out.writeNumberField(classes.get(c), results.score(i, c));
                    }
                    out.writeEndObject();
                } else {
                    out.writeNumberField("value", results.value(i));
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return new Reply(200, "application/json", bytes.contents(), -1);
    }

    private Reply infer(Request request) throws IOException {
        byte[] body = read(request);
        String declared = request.getHeaders().get(INFERENCE_HEADER_LENGTH);
        JsonNode root;
        ByteBuffer binary = null;
        if (declared == null) {
            root = json(body, 0, -1);
        } else {
            int jsonLength;
            try {
                jsonLength = Integer.parseInt(declared.strip());
            } catch (NumberFormatException e) {
                jsonLength = -1;
            }
            if (jsonLength <= 0 || jsonLength > body.length) {
                throw Requests.bad(INFERENCE_HEADER_LENGTH + " is '" + declared + "', but the body has " + body.length
                        + " bytes; it is the length in bytes of the JSON header at the start of the body");
            }
            root = json(body, 0, jsonLength);
            binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice();
        }
        Requests parse = requests();
        List<Output> outputs = requestedOutputs(root);
        Predictions results = predictor.predict(parse.inputs(root, binary));
        FeedbackCache.Ids predictionIds = remember(results);
        JsonNode requestId = root.get("id");
        String id = requestId != null && requestId.isTextual() ? requestId.asText() : predictionIds.base();
        return inferReply(id, predictionIds, results, outputs);
    }

    /** An output to return, and whether as binary data (the binary tensor data extension) or in JSON. */
    private record Output(String name, boolean binary) {
    }

    /**
     * The request's {@code outputs} (all of the model's outputs if absent), each binary if its {@code
     * parameters.binary_data} says so, or else if the request's {@code parameters.binary_data_output} does.
     */
    private List<Output> requestedOutputs(JsonNode root) {
        List<String> names = predictor.classification() ? List.of("label", "scores") : List.of("value");
        JsonNode all = root.path("parameters").get("binary_data_output");
        if (all != null && !all.isBoolean()) {
            throw Requests.bad("parameters.binary_data_output is " + Requests.kind(all) + "; it is true or false");
        }
        boolean binaryByDefault = all != null && all.asBoolean();
        JsonNode requested = root.get("outputs");
        if (requested == null || requested.isNull() || (requested.isArray() && requested.isEmpty())) {
            // Absent or empty: every output, as KServe's servers do.
            return names.stream().map(name -> new Output(name, binaryByDefault)).toList();
        }
        if (!requested.isArray()) {
            throw Requests.bad("'outputs' must be an array like [{\"name\": \"" + names.get(0) + "\"}], got "
                    + Requests.kind(requested) + "; leave it out to get every output");
        }
        List<Output> outputs = new java.util.ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            JsonNode output = requested.get(i);
            JsonNode name = output.get("name");
            if (name == null || !name.isTextual() || !names.contains(name.asText())) {
                throw Requests.bad("outputs[" + i + "] names " + (name == null ? "nothing" : Requests.kind(name))
                        + "; this model's outputs are: " + String.join(", ", names));
            }
            if (outputs.stream().anyMatch(o -> o.name.equals(name.asText()))) {
                throw Requests.bad("outputs[" + i + "] asks for '" + name.asText() + "' a second time");
            }
            JsonNode binary = output.path("parameters").get("binary_data");
            if (binary != null && !binary.isBoolean()) {
                throw Requests.bad("outputs[" + i + "].parameters.binary_data is " + Requests.kind(binary)
                        + "; it is true or false");
            }
            outputs.add(new Output(name.asText(), binary == null ? binaryByDefault : binary.asBoolean()));
        }
        return outputs;
    }

    /** The v2 response, streamed: JSON header, then the binary outputs' bytes in the order of the header. */
    private Reply inferReply(String id, FeedbackCache.Ids predictionIds, Predictions results,
            List<Output> outputs)
            throws IOException {
        int n = results.size();
        List<String> classes = predictor.classes();
        // Binary outputs first: their sizes go in the JSON, and the body can be sized once for JSON and binary.
        Map<String, byte[]> binaries = new HashMap<>();
        int binarySize = 0;
        for (Output output : outputs) {
            if (output.binary) {
                byte[] binary = binaryOutput(output.name, results);
                binaries.put(output.name, binary);
                binarySize += binary.length;
            }
        }
        long jsonEstimate = 512 + 48L * n + (binaries.size() == outputs.size() ? 0 : 24L * n * (classes.size() + 1));
        Body bytes = new Body((int) Math.min(jsonEstimate + binarySize, 64L << 20)); // grows past 64 MiB if it must
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model_name", name);
            out.writeStringField("model_version", version);
            out.writeStringField("id", id);
            out.writeObjectFieldStart("parameters");
            out.writeArrayFieldStart("prediction_ids");
            writeIds(out, predictionIds, 0, predictionIds.count());
            out.writeEndArray();
            out.writeEndObject();
            out.writeArrayFieldStart("outputs");
            for (Output output : outputs) {
                out.writeStartObject();
                out.writeStringField("name", output.name);
                out.writeStringField("datatype", output.name.equals("label") ? "BYTES" : "FP64");
                out.writeArrayFieldStart("shape");
                out.writeNumber(n);
                if (output.name.equals("scores")) {
                    out.writeNumber(classes.size());
                }
                out.writeEndArray();
                byte[] binary = binaries.get(output.name);
                if (binary != null || output.name.equals("scores")) {
                    out.writeObjectFieldStart("parameters");
                    if (output.name.equals("scores")) {
                        out.writeStringField("classes", String.join(",", classes));
                    }
                    if (binary != null) {
                        out.writeNumberField("binary_data_size", binary.length);
                    }
                    out.writeEndObject();
                }
                if (binary == null) {
                    out.writeArrayFieldStart("data");
                    switch (output.name) {
                        case "label" -> {
                            for (int i = 0; i < n; i++) {
                                out.writeString(results.label(i));
                            }
                        }
                        case "scores" -> {
                            for (double score : results.scores()) {
                                out.writeNumber(score);
                            }
                        }
                        default -> {
                            for (double value : results.values()) {
                                out.writeNumber(value);
                            }
                        }
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        if (binaries.isEmpty()) {
            return new Reply(200, "application/json", bytes.contents(), -1);
        }
        int jsonLength = bytes.size();
        for (Output output : outputs) { // in the order of the JSON's outputs, as the extension requires
            byte[] binary = binaries.get(output.name);
            if (binary != null) {
                bytes.write(binary);
            }
        }
        return new Reply(200, "application/octet-stream", bytes.contents(), jsonLength);
    }

    /** One output's values as binary tensor data: little-endian FP64, or BYTES as a uint32 length and UTF-8. */
    private byte[] binaryOutput(String output, Predictions results) {
        if (output.equals("label")) {
            List<String> classes = predictor.classes();
            byte[][] encoded = new byte[classes.size()][];
            int size = 0;
            for (int c = 0; c < encoded.length; c++) {
                encoded[c] = classes.get(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            for (int i = 0; i < results.size(); i++) {
                size += 4 + encoded[results.labelIndex(i)].length;
            }
            ByteBuffer data = ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < results.size(); i++) {
                byte[] label = encoded[results.labelIndex(i)];
                data.putInt(label.length).put(label);
            }
            return data.array();
        }
        double[] values = output.equals("scores") ? results.scores() : results.values();
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(values);
        return data.array();
    }

    /** Seldon-style ground truth for one prediction id, or the evaluate form that predicts and scores at once. */
    private Reply feedback(JsonNode root) {
        Requests parse = requests();
        boolean classification = predictor.classification();
        String truthField = classification ? "label" : "value";
        if (root.has("instances")) {
            JsonNode truths = root.has("labels") ? root.get("labels") : root.get("values");
            if (truths == null || !truths.isArray()) {
                throw Requests.bad("the evaluate form needs 'labels': an array with the true "
                        + (classification ? "class" : "value") + " of every instance");
            }
            List<double[]> examples = parse.instances(root, "instances");
            if (truths.size() != examples.size()) {
                throw Requests.bad("'labels' has " + truths.size() + " entries but 'instances' has "
                        + examples.size() + "; give one per instance");
            }
            Object[] truth = new Object[truths.size()];
            for (int i = 0; i < truth.length; i++) {
                truth[i] = truth(truths.get(i), "labels[" + i + "]");
            }
            Predictions results = predictor.predict(examples);
            ObjectNode out = JSON.createObjectNode();
            ArrayNode predictions = out.putArray("predictions");
            int correct = 0;
            double absSum = 0;
            double squaredSum = 0;
            for (int i = 0; i < truth.length; i++) {
                Predictor.Result result = results.get(i);
                predictions.add(prediction(result, null));
                if (classification) {
                    metrics.predictions(result.label(), 1);
                    boolean ok = result.label().equals(truth[i]);
                    correct += ok ? 1 : 0;
                    metrics.feedback(ok);
                } else {
                    double error = result.value() - (Double) truth[i];
                    absSum += Math.abs(error);
                    squaredSum += error * error;
                    metrics.feedback(error);
                }
            }
            out.put("count", truth.length);
            if (classification) {
                out.put("correct", correct).put("accuracy", (double) correct / truth.length);
            } else {
                out.put("mae", absSum / truth.length).put("rmse", Math.sqrt(squaredSum / truth.length));
            }
            return json(200, out);
        }
        JsonNode id = root.get("id");
        if (id == null || !id.isTextual()) {
            throw Requests.bad("'id' is missing: send {\"id\": \"<prediction id>\", \"" + truthField + "\": ...} or the "
                    + "evaluate form {\"instances\": [...], \"labels\": [...]}");
        }
        JsonNode truthNode = root.get(truthField);
        if (truthNode == null) {
            throw Requests.bad("'" + truthField + "' is missing: the true " + (classification ? "class" : "value")
                    + " of prediction '" + id.asText() + "'");
        }
        Object truth = truth(truthNode, truthField);
        Predictor.Result result = feedback.take(id.asText());
        if (result == null) {
            throw new HttpError(404, "prediction id '" + id.asText() + "' is unknown, expired (ids accept feedback for "
                    + config.feedbackTtl().toSeconds() + " s, the latest " + config.feedbackCacheSize()
                    + " predictions) or already has feedback");
        }
        ObjectNode out = JSON.createObjectNode().put("id", id.asText());
        if (classification) {
            boolean ok = result.label().equals(truth);
            metrics.feedback(ok);
            out.put("predicted", result.label()).put("label", (String) truth).put("outcome", ok ? "correct" : "incorrect");
        } else {
            double error = result.value() - (Double) truth;
            metrics.feedback(error);
            out.put("predicted", result.value()).put("value", (Double) truth).put("abs_error", Math.abs(error));
        }
        return json(200, out);
    }

    private Object truth(JsonNode node, String where) {
        if (predictor.classification()) {
            String label = node.isTextual() ? node.asText()
                    : node.isIntegralNumber() ? node.asText() : null;
            if (label == null || !predictor.classes().contains(label)) {
                throw Requests.bad(where + " is " + Requests.kind(node) + ", not one of the model's classes: "
                        + String.join(", ", predictor.classes()));
            }
            return label;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw Requests.bad(where + " is " + Requests.kind(node) + "; the true value must be a finite number");
        }
        return node.doubleValue();
    }

    private ObjectNode prediction(Predictor.Result result, String id) {
        ObjectNode node = JSON.createObjectNode();
        if (id != null) {
            node.put("id", id);
        }
        if (predictor.classification()) {
            node.put("label", result.label());
            ObjectNode scores = node.putObject("scores");
            List<String> classes = predictor.classes();
            for (int c = 0; c < classes.size(); c++) {
                scores.put(classes.get(c), result.scores()[c]);
            }
        } else {
            node.put("value", result.value());
        }
        return node;
    }

    /** Counts the predictions and keeps them for feedback; returns their ids. */
    private FeedbackCache.Ids remember(Predictions results) {
        if (predictor.classification()) {
            // One counter update per class and request, not per row.
            int[] perClass = new int[predictor.classes().size()];
            for (int i = 0; i < results.size(); i++) {
                perClass[results.labelIndex(i)]++;
            }
            for (int c = 0; c < perClass.length; c++) {
                if (perClass[c] > 0) {
                    metrics.predictions(predictor.classes().get(c), perClass[c]);
                }
            }
        }
        return feedback.put(results);
    }

    /**
     * Writes prediction ids {@code from} to {@code to}, each a JSON string. An id is a UUID, a dash and digits:
     * nothing to escape, so each is written as pre-encoded UTF-8 from one buffer per call; for a v2 batch of
     * thousands, building and escaping strings had cost more than predicting.
     */
    private static void writeIds(JsonGenerator out, FeedbackCache.Ids ids, int from, int to) throws IOException {
        if (ids.count() == 1) {
            out.writeString(ids.base());
            return;
        }
        byte[] base = ids.base().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] text = java.util.Arrays.copyOf(base, base.length + 11);
        text[base.length] = '-';
        for (int i = from; i < to; i++) {
            int end = base.length + 1 + digits(i);
            for (int v = i, at = end - 1; at > base.length; v /= 10, at--) {
                text[at] = (byte) ('0' + v % 10);
            }
            out.writeRawUTF8String(text, 0, end);
        }
    }

    private static int digits(int v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    private byte[] read(Request request) {
        long limit = config.maxBodyBytes();
        long declared = request.getLength();
        if (declared > limit) {
            throw new HttpError(413, "request body is " + declared + " bytes; the limit is " + limit
                    + " (--max-body-bytes); send fewer instances per request");
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0 && declared <= SMALL_BODY) {
                // The usual case: one exact buffer, no growing and copying. Larger declared lengths are read as the
                // bytes arrive, so a client that declares 8 MiB and stalls does not hold 8 MiB of heap.
                bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                if (read < bytes.length) {
                    throw new IOException("the body ended after " + read + " of " + declared + " bytes");
                }
            } else {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            }
        } catch (IOException | RuntimeException e) {
            // The client stopped sending (idle timeout) or went away: its fault, not the server's.
            throw new HttpError(408, "could not read the whole request body: " + e.getMessage());
        }
        if (bytes.length > limit) {
            throw new HttpError(413, "request body is over the limit of " + limit + " bytes (--max-body-bytes); send "
                    + "fewer instances per request");
        }
        if (bytes.length == 0) {
            throw Requests.bad("request body is empty; expected a JSON object");
        }
        return bytes;
    }

    /** The JSON object in {@code bytes[offset, offset + length)}; length -1 for the whole body. */
    private static JsonNode json(byte[] bytes, int offset, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes, offset, length < 0 ? bytes.length - offset : length);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw Requests.bad("request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (root == null || !root.isObject()) {
            throw Requests.bad("request body must be a JSON object, got " + (root == null ? "nothing" : Requests.kind(root)));
        }
        return root;
    }

    /** The v2 model metadata; {@code kernel} (null while loading) says how predictions are computed. */
    private ObjectNode metadata(String kernel) {
        ObjectNode out = JSON.createObjectNode().put("name", name).put("platform", "tribuo");
        out.putArray("versions").add(version);
        ArrayNode inputs = out.putArray("inputs");
        for (FeatureSpec feature : bundle.schema().features()) {
            ObjectNode input = inputs.addObject().put("name", feature.name())
                    .put("datatype", feature.isNumeric() ? "FP64" : "BYTES");
            input.putArray("shape").add(-1);
            ObjectNode parameters = input.putObject("parameters");
            if (feature.isNumeric()) {
                parameters.put("min", feature.min()).put("max", feature.max());
            } else {
                parameters.put("categories", String.join(",", feature.categories()));
            }
        }
        ArrayNode outputs = out.putArray("outputs");
        boolean classification = bundle.schema().label().classes() != null;
        if (classification) {
            outputs.addObject().put("name", "label").put("datatype", "BYTES").putArray("shape").add(-1);
            ObjectNode scores = outputs.addObject().put("name", "scores").put("datatype", "FP64");
            scores.putArray("shape").add(-1).add(bundle.schema().label().classes().size());
            scores.putObject("parameters").put("classes", String.join(",", bundle.schema().label().classes()));
        } else {
            outputs.addObject().put("name", "value").put("datatype", "FP64").putArray("shape").add(-1);
        }
        out.putObject("parameters").put("model_id", bundle.manifest().modelId())
                .put("algorithm", bundle.manifest().algorithm()).put("task", bundle.manifest().task())
                .put("label", bundle.manifest().label()).put("strict", config.strict());
        if (kernel != null) {
            ((ObjectNode) out.get("parameters")).put("kernel", kernel);
        }
        return out;
    }

    private static Reply json(int status, JsonNode body) {
        return new Reply(status, "application/json", bytes(body));
    }

    private static Reply error(int status, String message) {
        return json(status, JSON.createObjectNode().put("error", message));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
