package io.jenkins.plugins.modelops.serving;

import java.util.List;
import java.util.Set;

/** Open Inference Protocol v2 datatypes and this server's output tensors: names said once, not in every protocol. */
final class Tensors {

    static final String FP64 = "FP64";
    static final String BYTES = "BYTES";
    /** Every numeric datatype of the protocol; requests may use any, responses are FP64. */
    static final Set<String> NUMERIC = Set.of(FP64, "FP32", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8",
            "UINT16", "UINT32", "UINT64");

    private Tensors() {
    }

    /** Whether a JSON number is a value of the numeric {@code datatype}: integral and in range for integer types. */
    static boolean holds(String datatype, com.fasterxml.jackson.databind.JsonNode number) {
        double v = number.doubleValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return datatype.startsWith("FP"); // NaN is reported by feature later; integers have no NaN
        }
        return switch (datatype) {
            case FP64 -> true;
            case "FP32" -> Math.abs(v) <= Float.MAX_VALUE;
            case "FP16" -> Math.abs(v) <= 65504;
            default -> integral(number) && number.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(min(datatype))) >= 0
                    && number.bigIntegerValue().compareTo(max(datatype)) <= 0;
        };
    }

    private static boolean integral(com.fasterxml.jackson.databind.JsonNode number) {
        return number.isIntegralNumber() || number.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /** What a numeric datatype holds, for messages: " (whole numbers from -128 to 127)". */
    static String range(String datatype) {
        return switch (datatype) {
            case FP64 -> "";
            case "FP32" -> " (at most " + Float.MAX_VALUE + " in magnitude)";
            case "FP16" -> " (at most 65504 in magnitude)";
            default -> " (whole numbers from " + min(datatype) + " to " + max(datatype) + ")";
        };
    }

    private static long min(String datatype) {
        return switch (datatype) {
            case "INT8" -> Byte.MIN_VALUE;
            case "INT16" -> Short.MIN_VALUE;
            case "INT32" -> Integer.MIN_VALUE;
            case "INT64" -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    private static java.math.BigInteger max(String datatype) {
        return switch (datatype) {
            case "INT8" -> java.math.BigInteger.valueOf(Byte.MAX_VALUE);
            case "UINT8" -> java.math.BigInteger.valueOf(255);
            case "INT16" -> java.math.BigInteger.valueOf(Short.MAX_VALUE);
            case "UINT16" -> java.math.BigInteger.valueOf(65535);
            case "INT32" -> java.math.BigInteger.valueOf(Integer.MAX_VALUE);
            case "UINT32" -> java.math.BigInteger.valueOf(4294967295L);
            case "INT64" -> java.math.BigInteger.valueOf(Long.MAX_VALUE);
            default -> java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE); // UINT64
        };
    }

    /**
     * The outputs a model answers with: label and scores ({@code [N, classes]}) for classification, else value; and
     * for either, the predictions' ids for feedback ({@code prediction_ids}, BYTES {@code [N]}).
     */
    enum Output {
        LABEL("label", BYTES), SCORES("scores", FP64), VALUE("value", FP64), PREDICTION_IDS("prediction_ids", BYTES);

        /** The tensor's name in v2 requests and responses, and the field in v1 predictions. */
        final String tensor;
        final String datatype;

        Output(String tensor, String datatype) {
            this.tensor = tensor;
            this.datatype = datatype;
        }

        static List<Output> of(boolean classification) {
            return classification ? List.of(LABEL, SCORES, PREDICTION_IDS) : List.of(VALUE, PREDICTION_IDS);
        }

        /** The output of that tensor name among {@code outputs}, or null. */
        static Output named(String name, List<Output> outputs) {
            for (Output output : outputs) {
                if (output.tensor.equals(name)) {
                    return output;
                }
            }
            return null;
        }
    }
}
