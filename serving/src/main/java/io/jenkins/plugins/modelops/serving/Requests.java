package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import org.tribuo.Example;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies to encoded examples: KServe v1 {@code instances} and Open Inference Protocol v2 {@code inputs}.
 * Every error is a 400 naming where in the body (instance or row, input, feature) and what is wrong.
 */
final class Requests {

    private static final Set<String> NUMERIC_TYPES = Set.of("FP64", "FP32", "FP16", "INT8", "INT16", "INT32",
            "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

    private final Predictor predictor;
    private final List<String> featureNames;
    private final boolean strict;

    Requests(Predictor predictor, boolean strict) {
        this.predictor = predictor;
        this.featureNames = predictor.schema().featureNames();
        this.strict = strict;
    }

    /** v1: {@code {"instances": [{"feature": value, ...} or [values in schema order], ...]}}. */
    List<Example<?>> instances(JsonNode root, String field) {
        JsonNode instances = root.get(field);
        if (instances == null) {
            throw bad("'" + field + "' is missing; expected {\"" + field + "\": [{\"feature\": value, ...}, ...]}");
        }
        if (!instances.isArray()) {
            throw bad("'" + field + "' must be an array of instances, got " + kind(instances));
        }
        if (instances.isEmpty()) {
            throw bad("'" + field + "' is empty; send at least one instance");
        }
        List<Example<?>> examples = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            String where = field + "[" + i + "]";
            examples.add(encode(row(instances.get(i), where), where));
        }
        return examples;
    }

    private Map<String, Object> row(JsonNode instance, String where) {
        Map<String, Object> row = new HashMap<>();
        if (instance.isObject()) {
            for (Map.Entry<String, JsonNode> field : instance.properties()) {
                row.put(field.getKey(), value(field.getValue()));
            }
        } else if (instance.isArray()) {
            if (instance.size() != featureNames.size()) {
                throw bad(where + " has " + instance.size() + " values, but the model takes " + featureNames.size()
                        + " features in this order: " + String.join(", ", featureNames));
            }
            for (int f = 0; f < featureNames.size(); f++) {
                row.put(featureNames.get(f), value(instance.get(f)));
            }
        } else {
            throw bad(where + " must be an object of feature values (or an array in schema order), got "
                    + kind(instance));
        }
        return row;
    }

    /**
     * v2: either one tensor per feature (name = feature, shape [N] or [N, 1]; FP64 etc. for numeric features, BYTES
     * for categorical ones), or one numeric tensor of shape [N, F] with the features in schema order.
     */
    List<Example<?>> inputs(JsonNode root) {
        JsonNode inputs = root.get("inputs");
        if (inputs == null) {
            throw bad("'inputs' is missing; expected {\"inputs\": [{\"name\": ..., \"shape\": [...], "
                    + "\"datatype\": \"FP64\", \"data\": [...]}, ...]}");
        }
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw bad("'inputs' must be a non-empty array of tensors, got " + kind(inputs));
        }
        List<Tensor> tensors = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            tensors.add(tensor(inputs.get(i), i));
        }
        Tensor first = tensors.get(0);
        if (tensors.size() == 1 && first.shape.length == 2 && !featureNames.contains(first.name)) {
            return matrix(first);
        }
        Map<String, Tensor> byName = new LinkedHashMap<>();
        int rows = -1;
        for (Tensor t : tensors) {
            if (byName.put(t.name, t) != null) {
                throw bad("input '" + t.name + "' appears twice; send one tensor per feature");
            }
            if (t.shape.length > 2 || (t.shape.length == 2 && t.shape[1] != 1) || t.shape.length == 0) {
                throw bad("input '" + t.name + "' has shape " + shape(t.shape) + "; a per-feature input has shape "
                        + "[N] or [N, 1] (or send one FP64 tensor of shape [N, " + featureNames.size() + "])");
            }
            if (rows >= 0 && t.shape[0] != rows) {
                throw bad("input '" + t.name + "' has " + t.shape[0] + " rows, but input '" + first.name + "' has "
                        + rows + "; every input needs the same number of rows");
            }
            rows = (int) t.shape[0];
        }
        if (rows == 0) {
            throw bad("the inputs have 0 rows; send at least one");
        }
        List<Example<?>> examples = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Map<String, Object> row = new HashMap<>();
            for (Tensor t : tensors) {
                row.put(t.name, t.values.get(r));
            }
            examples.add(encode(row, "row " + r));
        }
        return examples;
    }

    private List<Example<?>> matrix(Tensor t) {
        if (!NUMERIC_TYPES.contains(t.datatype)) {
            throw bad("input '" + t.name + "' is a [N, F] matrix, so its datatype must be numeric (FP64), not "
                    + t.datatype);
        }
        if (t.shape[1] != featureNames.size()) {
            throw bad("input '" + t.name + "' has shape " + shape(t.shape) + ", but the model takes "
                    + featureNames.size() + " features per row in this order: " + String.join(", ", featureNames));
        }
        int width = featureNames.size();
        int rows = (int) t.shape[0];
        if (rows == 0) {
            throw bad("input '" + t.name + "' has 0 rows; send at least one");
        }
        List<Example<?>> examples = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Map<String, Object> row = new HashMap<>();
            for (int f = 0; f < width; f++) {
                row.put(featureNames.get(f), t.values.get(r * width + f));
            }
            examples.add(encode(row, "input '" + t.name + "' row " + r));
        }
        return examples;
    }

    private record Tensor(String name, String datatype, long[] shape, List<Object> values) {
    }

    private Tensor tensor(JsonNode input, int i) {
        String where = "inputs[" + i + "]";
        if (!input.isObject()) {
            throw bad(where + " must be a tensor object, got " + kind(input));
        }
        JsonNode name = input.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw bad(where + " has no 'name'; name it after the feature it carries");
        }
        where = "input '" + name.asText() + "'";
        JsonNode datatype = input.get("datatype");
        if (datatype == null || !datatype.isTextual()) {
            throw bad(where + " has no 'datatype'; use FP64 for numeric features and BYTES for categorical ones");
        }
        String type = datatype.asText();
        if (!NUMERIC_TYPES.contains(type) && !type.equals("BYTES")) {
            throw bad(where + " has datatype '" + type + "'; use FP64 (or another numeric type) for numeric "
                    + "features and BYTES for categorical ones");
        }
        JsonNode shapeNode = input.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(where + " has no 'shape'; give [N] for N rows of one feature, or [N, F] for a matrix");
        }
        long[] shape = new long[shapeNode.size()];
        long size = 1;
        for (int d = 0; d < shape.length; d++) {
            JsonNode dim = shapeNode.get(d);
            if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
                throw bad(where + " has shape " + shapeNode + "; dimensions are non-negative whole numbers");
            }
            shape[d] = dim.asLong();
            try {
                size = Math.multiplyExact(size, shape[d]);
            } catch (ArithmeticException e) {
                throw bad(where + " has shape " + shapeNode + ", more elements than any request can hold");
            }
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw bad(where + " has no 'data' array");
        }
        List<Object> values = new ArrayList<>();
        flatten(data, values, where, type);
        if (values.size() != size) {
            throw bad(where + " has shape " + shape(shape) + " (" + size + " values) but " + values.size()
                    + " values in 'data'");
        }
        return new Tensor(name.asText(), type, shape, values);
    }

    private static void flatten(JsonNode data, List<Object> into, String where, String type) {
        for (JsonNode element : data) {
            if (element.isArray()) {
                flatten(element, into, where, type);
                continue;
            }
            Object value = value(element);
            if (type.equals("BYTES") ? !(value instanceof String) : !(value instanceof Number)) {
                throw bad(where + ": data[" + into.size() + "] is " + kind(element) + ", but datatype " + type
                        + " holds " + (type.equals("BYTES") ? "strings" : "numbers"));
            }
            into.add(value);
        }
    }

    private Example<?> encode(Map<String, Object> row, String where) {
        try {
            return predictor.encode(row, strict);
        } catch (InvalidInputException e) {
            throw bad(where + ": " + e.getMessage());
        }
    }

    /** A JSON value as the encoder takes it; arrays and objects stay recognizable for its messages. */
    static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.isArray() ? List.of() : Map.of();
    }

    static String kind(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "the string '" + node.asText() + "'";
        }
        if (node.isNumber() || node.isBoolean()) {
            return (node.isNumber() ? "the number " : "the boolean ") + node;
        }
        return node.isArray() ? "an array" : "an object";
    }

    private static String shape(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(']').toString();
    }

    static HttpError bad(String message) {
        return new HttpError(400, message);
    }
}
