package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.serving.Tensors.Output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Open Inference Protocol v2 infer: tensors in JSON or with the binary tensor data extension (as in KServe and
 * Triton), the request's {@code outputs}, and a response whose outputs are JSON or binary as asked.
 */
final class V2Protocol {

    /** The binary tensor data extension's header: the length of the JSON at the start of a body with binary data. */
    static final String INFERENCE_HEADER_LENGTH = "Inference-Header-Content-Length";

    private final String name;
    private final String version;
    private final PredictionIds ids;
    private final V1Protocol.Served served;

    V2Protocol(String name, String version, PredictionIds ids, V1Protocol.Served served) {
        this.name = name;
        this.version = version;
        this.ids = ids;
        this.served = served;
    }

    /** An infer request's JSON and its binary tensor data (null if it has none). */
    record Body(JsonNode root, ByteBuffer binary) {
    }

    /** Splits a body into JSON and binary data by {@code declared}, the Inference-Header-Content-Length (or null). */
    static Body parse(byte[] body, String declared) {
        if (declared == null) {
            return new Body(Bodies.json(body), null);
        }
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
        return new Body(Bodies.json(body, 0, jsonLength),
                ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice());
    }

    Reply infer(LoadedModel model, Body body) throws IOException {
        Predictor predictor = model.predictor();
        JsonNode root = body.root();
        List<Requested> outputs = requestedOutputs(predictor, root);
        List<double[]> rows = model.requests().inputs(root, body.binary());
        Predictions results = predictor.predict(rows);
        OutputCheck.finite(predictor, rows, results, row -> "row " + row);
        served.predicted(predictor, rows, results);
        PredictionIds.Batch predictionIds = ids.remember(predictor, results);
        JsonNode requestId = root.get("id");
        if (requestId != null && !requestId.isTextual() && !requestId.isNumber()) {
            throw Requests.bad("'id' is " + Requests.kind(requestId) + "; a request id is a string (or a number)");
        }
        return reply(predictor, requestId, predictionIds, results, outputs);
    }

    /** An output to return, and whether as binary data (the binary tensor data extension) or in JSON. */
    private record Requested(Output output, boolean binary) {
    }

    /**
     * The request's {@code outputs} (all of the model's outputs if absent), each binary if its {@code
     * parameters.binary_data} says so, or else if the request's {@code parameters.binary_data_output} does.
     */
    private static List<Requested> requestedOutputs(Predictor predictor, JsonNode root) {
        List<Output> available = Output.of(predictor.classification());
        List<String> names = available.stream().map(o -> o.tensor).toList();
        JsonNode all = root.path("parameters").get("binary_data_output");
        if (all != null && !all.isBoolean()) {
            throw Requests.bad("parameters.binary_data_output is " + Requests.kind(all) + "; it is true or false");
        }
        boolean binaryByDefault = all != null && all.asBoolean();
        JsonNode requested = root.get("outputs");
        if (requested == null || requested.isNull() || (requested.isArray() && requested.isEmpty())) {
            // Absent or empty: every output, as KServe's servers do.
            return available.stream().map(output -> new Requested(output, binaryByDefault)).toList();
        }
        if (!requested.isArray()) {
            throw Requests.bad("'outputs' must be an array like [{\"name\": \"" + names.get(0) + "\"}], got "
                    + Requests.kind(requested) + "; leave it out to get every output");
        }
        List<Requested> outputs = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            JsonNode node = requested.get(i);
            JsonNode name = node.get("name");
            Output output = name == null || !name.isTextual() ? null : Output.named(name.asText(), available);
            if (output == null) {
                throw Requests.bad("outputs[" + i + "] names " + (name == null ? "nothing" : Requests.kind(name))
                        + "; this model's outputs are: " + String.join(", ", names));
            }
            if (outputs.stream().anyMatch(o -> o.output == output)) {
                throw Requests.bad("outputs[" + i + "] asks for '" + name.asText() + "' a second time");
            }
            JsonNode binary = node.path("parameters").get("binary_data");
            if (binary != null && !binary.isBoolean()) {
                throw Requests.bad("outputs[" + i + "].parameters.binary_data is " + Requests.kind(binary)
                        + "; it is true or false");
            }
            outputs.add(new Requested(output, binary == null ? binaryByDefault : binary.asBoolean()));
        }
        return outputs;
    }

    /** The v2 response, streamed: JSON header, then the binary outputs' bytes in the order of the header. */
    private Reply reply(Predictor predictor, JsonNode id, PredictionIds.Batch predictionIds, Predictions results,
            List<Requested> outputs) throws IOException {
        int n = results.size();
        List<String> classes = predictor.classes();
        String classesParameter = classesParameter(classes);
        // Binary outputs first: their sizes go in the JSON, and the body can be sized once for JSON and binary.
        Map<Output, byte[]> binaries = new EnumMap<>(Output.class);
        int binarySize = 0;
        for (Requested requested : outputs) {
            if (requested.binary) {
                byte[] binary = binaryOutput(predictor, requested.output, results, predictionIds);
                binaries.put(requested.output, binary);
                binarySize += binary.length;
            }
        }
        long jsonEstimate = 512 + (PredictionIds.LENGTH + 3L) * n + (binaries.size() == outputs.size() ? 0 : 24L * n * (classes.size() + 1));
        Reply.Body bytes = new Reply.Body((int) Math.min(jsonEstimate + binarySize, 64L << 20)); // grows if it must
        try (JsonGenerator out = Bodies.JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model_name", name);
            out.writeStringField("model_version", version);
            // The request's id as given, a number too; one of ours without.
            if (id == null) {
                out.writeStringField("id", predictionIds.requestId());
            } else if (id.isTextual()) {
                out.writeStringField("id", id.asText());
            } else {
                out.writeFieldName("id");
                out.writeNumber(id.asText());
            }
            out.writeArrayFieldStart("outputs");
            for (Requested requested : outputs) {
                Output output = requested.output;
                out.writeStartObject();
                out.writeStringField("name", output.tensor);
                out.writeStringField("datatype", output.datatype);
                out.writeArrayFieldStart("shape");
                out.writeNumber(n);
                if (output == Output.SCORES) {
                    out.writeNumber(classes.size());
                }
                out.writeEndArray();
                byte[] binary = binaries.get(output);
                if (binary != null || output == Output.SCORES) {
                    out.writeObjectFieldStart("parameters");
                    if (output == Output.SCORES) {
                        out.writeStringField("classes", classesParameter);
                    }
                    if (binary != null) {
                        out.writeNumberField("binary_data_size", binary.length);
                    }
                    out.writeEndObject();
                }
                if (binary == null) {
                    out.writeArrayFieldStart("data");
                    writeData(out, output, results, predictionIds);
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        if (binaries.isEmpty()) {
            return Reply.json(bytes);
        }
        int jsonLength = bytes.size();
        for (Requested requested : outputs) { // in the order of the JSON's outputs, as the extension requires
            byte[] binary = binaries.get(requested.output);
            if (binary != null) {
                bytes.write(binary);
            }
        }
        return new Reply(200, "application/octet-stream", bytes.contents(), jsonLength);
    }

    /**
     * The {@code scores} output's {@code parameters.classes}: the class of each column, in order, as a JSON array
     * encoded in a string ({@code "[\"setosa\",\"versicolor\"]"}). The protocol's parameter values are scalars
     * (string, number or bool; KServe's models and the gRPC {@code InferParameter} hold nothing else), and a class name
     * may hold a comma or a quote, so a joined list would be ambiguous; a client reads it with {@code
     * json.loads(output["parameters"]["classes"])}.
     */
    static String classesParameter(List<String> classes) throws IOException {
        return Bodies.JSON.writeValueAsString(classes);
    }

    private static void writeData(JsonGenerator out, Output output, Predictions results, PredictionIds.Batch ids)
            throws IOException {
        switch (output) {
            case LABEL -> {
                for (int i = 0; i < results.size(); i++) {
                    out.writeString(results.label(i));
                }
            }
            case SCORES -> {
                for (double score : results.scores()) {
                    out.writeNumber(score);
                }
            }
            case VALUE -> {
                for (double value : results.values()) {
                    out.writeNumber(value);
                }
            }
            case PREDICTION_IDS -> ids.write(out, 0, ids.count());
        }
    }

    /** One output's values as binary tensor data: little-endian FP64, or BYTES as a uint32 length and UTF-8. */
    private static byte[] binaryOutput(Predictor predictor, Output output, Predictions results,
            PredictionIds.Batch ids) {
        if (output == Output.PREDICTION_IDS) {
            ByteBuffer data = ByteBuffer.allocate((4 + PredictionIds.LENGTH) * ids.count()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < ids.count(); i++) {
                data.putInt(PredictionIds.LENGTH);
                ids.put(i, data);
            }
            return data.array();
        }
        if (output == Output.LABEL) {
            List<String> classes = predictor.classes();
            byte[][] encoded = new byte[classes.size()][];
            int size = 0;
            for (int c = 0; c < encoded.length; c++) {
                encoded[c] = classes.get(c).getBytes(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < results.size(); i++) {
                size += 4 + encoded[results.labelIndex(i)].length;
            }
            ByteBuffer data = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < results.size(); i++) {
                byte[] label = encoded[results.labelIndex(i)];
                data.putInt(label.length).put(label);
            }
            return data.array();
        }
        double[] values = output == Output.SCORES ? results.scores() : results.values();
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asDoubleBuffer().put(values);
        return data.array();
    }
}
