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

    /** The outputs a model answers with: label and scores ({@code [N, classes]}) for classification, else value. */
    enum Output {
        LABEL("label", BYTES), SCORES("scores", FP64), VALUE("value", FP64);

        /** The tensor's name in v2 requests and responses, and the field in v1 predictions. */
        final String tensor;
        final String datatype;

        Output(String tensor, String datatype) {
            this.tensor = tensor;
            this.datatype = datatype;
        }

        static List<Output> of(boolean classification) {
            return classification ? List.of(LABEL, SCORES) : List.of(VALUE);
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
