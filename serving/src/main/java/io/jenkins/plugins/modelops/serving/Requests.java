package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.InvalidInputException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static final Set<String> NUMERIC_TYPES = Tensors.NUMERIC;

    /**
     * Most values one request may encode: rows times the model's encoded width (one-hot categories included) or
     * classes, whichever is more. 2^21 doubles are 16 MiB; a small body naming a category of a wide model, or a
     * UINT8 tensor of millions of rows, must not make the server allocate gigabytes.
     */
    static final long MAX_CELLS = 1L << 21;

    private final Predictor predictor;
    private final List<String> featureNames;
    private final boolean strict;
    private final int maxRows;

    /** @param maxRows most rows a request may have ({@link ServerConfig#rowLimit}) */
    Requests(Predictor predictor, boolean strict, int maxRows) {
        this.predictor = predictor;
        this.featureNames = predictor.schema().featureNames();
        this.strict = strict;
        this.maxRows = maxRows;
    }

    /** v1: {@code {"instances": [{"feature": value, ...} or [values in schema order], ...]}}. */
    List<double[]> instances(JsonNode root, String field) {
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
        checkRows(instances.size());
        List<double[]> examples = new ArrayList<>(instances.size());
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
     * for categorical ones), or one numeric tensor of shape [N, F] with the features in schema order. A tensor's
     * values are in its {@code data} array, or, with the binary tensor data extension, {@code
     * parameters.binary_data_size} bytes of {@code binary} (the body after the JSON header; null if there is none),
     * tensor after tensor.
     */
    List<double[]> inputs(JsonNode root, ByteBuffer binary) {
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
            tensors.add(tensor(inputs.get(i), i, binary));
        }
        if (binary != null && binary.hasRemaining()) {
            throw bad("the body has " + binary.remaining() + " bytes of binary data after the last input's; the "
                    + "inputs' parameters.binary_data_size must add up to the bytes after the JSON header");
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
        checkRows(rows);
        List<double[]> examples = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Map<String, Object> row = new HashMap<>();
            for (Tensor t : tensors) {
                row.put(t.name, t.value(r));
            }
            examples.add(encode(row, "row " + r));
        }
        return examples;
    }

    private List<double[]> matrix(Tensor t) {
        if (!NUMERIC_TYPES.contains(t.datatype)) {
            throw bad("input '" + t.name + "' is a [N, F] matrix, so its datatype must be numeric (FP64), not "
                    + t.datatype);
        }
        if (t.shape[1] != featureNames.size()) {
            throw bad("input '" + t.name + "' has shape " + shape(t.shape) + ", but the model takes "
                    + featureNames.size() + " features per row in this order: " + String.join(", ", featureNames));
        }
        int width = featureNames.size();
        if (t.shape[0] == 0) {
            throw bad("input '" + t.name + "' has 0 rows; send at least one");
        }
        checkRows(t.shape[0]);
        int rows = (int) t.shape[0];
        if (t.numbers.length != (long) rows * width) {
            throw new IllegalStateException("tensor '" + t.name + "' holds " + t.numbers.length + " values, not "
                    + rows + " x " + width); // the decoders check sizes against shapes; this would be our bug
        }
        List<double[]> examples = new ArrayList<>(rows);
        double[] row = new double[width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t.numbers, r * width, row, 0, width);
            try {
                examples.add(predictor.encode(row, strict));
            } catch (InvalidInputException e) {
                throw bad("input '" + t.name + "' row " + r + ": " + e.getMessage());
            }
        }
        return examples;
    }

    /** A decoded tensor: numbers (numeric datatypes) or texts (BYTES), row-major. */
    record Tensor(String name, String datatype, long[] shape, double[] numbers, String[] texts) {
        Object value(int i) {
            return texts != null ? texts[i] : (Object) numbers[i];
        }
    }

    private Tensor tensor(JsonNode input, int i, ByteBuffer binary) {
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
        if (!NUMERIC_TYPES.contains(type) && !type.equals(Tensors.BYTES)) {
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
        data = data == null || data.isNull() ? null : data; // clients send "data": null beside binary data
        JsonNode binarySize = input.path("parameters").get("binary_data_size");
        if (binarySize != null) {
            if (data != null) {
                throw bad(where + " has both 'data' and parameters.binary_data_size; send its values one way");
            }
            return BinaryTensors.decode(name.asText(), type, shape, size, binarySize, binary, where);
        }
        if (data == null || !data.isArray()) {
            throw bad(where + " has no 'data' array (nor parameters.binary_data_size for binary data)");
        }
        Values values = new Values(type.equals(Tensors.BYTES), (int) Math.min(size, 1 << 16));
        flatten(data, values, where, type, shape);
        if (values.count != size) {
            throw bad(where + " has shape " + shape(shape) + " (" + size + " values) but " + values.count
                    + " values in 'data'");
        }
        return values.tensor(name.asText(), type, shape);
    }

    /** A growing array of one tensor's JSON values. */
    private static final class Values {
        private double[] numbers;
        private String[] texts;
        private int count;

        Values(boolean text, int capacity) {
            if (text) {
                texts = new String[Math.max(capacity, 1)];
            } else {
                numbers = new double[Math.max(capacity, 1)];
            }
        }

        void add(Object value) {
            if (texts != null) {
                if (count == texts.length) {
                    texts = Arrays.copyOf(texts, count * 2);
                }
                texts[count++] = (String) value;
            } else {
                if (count == numbers.length) {
                    numbers = Arrays.copyOf(numbers, count * 2);
                }
                numbers[count++] = ((Number) value).doubleValue();
            }
        }

        Tensor tensor(String name, String type, long[] shape) {
            return new Tensor(name, type, shape, numbers == null ? null : Arrays.copyOf(numbers, count),
                    texts == null ? null : Arrays.copyOf(texts, count));
        }
    }

    /**
     * The values of {@code data}: flat (row-major), or nested exactly as {@code shape} says; nesting that contradicts
     * the shape is refused, as is a value its datatype cannot hold (INT64 6.3, UINT8 300), as on the binary path.
     */
    private static void flatten(JsonNode data, Values into, String where, String type, long[] shape) {
        boolean nested = false;
        for (JsonNode element : data) {
            nested |= element.isArray();
        }
        if (nested) {
            nested(data, 0, into, where, type, shape);
        } else {
            for (JsonNode element : data) {
                add(element, into, where, type);
            }
        }
    }

    private static void nested(JsonNode node, int depth, Values into, String where, String type, long[] shape) {
        if (depth >= shape.length || node.size() != shape[depth]) {
            throw bad(where + ": 'data' nests an array of " + node.size() + " values at depth " + depth + ", but the "
                    + "shape is " + shape(shape) + "; give the values flat in row-major order or nested as the shape");
        }
        for (JsonNode element : node) {
            if (element.isArray() != (depth < shape.length - 1)) {
                throw bad(where + ": 'data' nests " + (element.isArray() ? "deeper" : "less deeply") + " than its "
                        + "shape " + shape(shape) + "; give the values flat in row-major order or nested as the shape");
            }
            if (element.isArray()) {
                nested(element, depth + 1, into, where, type, shape);
            } else {
                add(element, into, where, type);
            }
        }
    }

    private static void add(JsonNode element, Values into, String where, String type) {
        Object value = value(element);
        if (type.equals(Tensors.BYTES) ? !(value instanceof String) : !(value instanceof Number)) {
            throw bad(where + ": data[" + into.count + "] is " + kind(element) + ", but datatype " + type
                    + " holds " + (type.equals(Tensors.BYTES) ? "strings" : "numbers"));
        }
        if (value instanceof Number && !Tensors.holds(type, element)) {
            throw bad(where + ": data[" + into.count + "] is " + kind(element) + ", which datatype " + type
                    + " cannot hold" + Tensors.range(type));
        }
        into.add(value);
    }

    /** Refuses a request of more rows than the server answers or than {@link #MAX_CELLS} allow, before encoding any. */
    private void checkRows(long rows) {
        if (rows > maxRows) {
            throw new HttpError(413, "the request has " + rows + " rows; this server answers at most " + maxRows
                    + " per request (--max-rows; by default what the heap can answer at once); split it");
        }
        int width = Math.max(predictor.width(), predictor.classes().size());
        if (rows > MAX_CELLS / Math.max(1, width)) {
            throw new HttpError(413, "the request has " + rows + " rows; this model takes at most "
                    + MAX_CELLS / Math.max(1, width) + " per request (" + width + " encoded values a row); split it");
        }
    }

    private double[] encode(Map<String, Object> row, String where) {
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

    static String shape(long[] shape) {
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
