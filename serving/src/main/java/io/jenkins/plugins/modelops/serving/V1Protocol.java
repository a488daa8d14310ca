package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.List;

/**
 * KServe v1 predict: {@code {"instances": [{"feature": value, ...} or [values in schema order]]}} to {@code
 * {"predictions": [{"id", "label", "scores"} or {"id", "value"}]}}.
 */
final class V1Protocol {

    /** Where served predictions go besides the response: the live kernel check. */
    interface Served {
        void predicted(Predictor predictor, List<double[]> rows, Predictions results);
    }

    private final PredictionIds ids;
    private final Served served;

    V1Protocol(PredictionIds ids, Served served) {
        this.ids = ids;
        this.served = served;
    }

    Reply predict(LoadedModel model, JsonNode root) throws IOException {
        Predictor predictor = model.predictor();
        // KServe's own server takes "inputs" as well as "instances".
        String field = !root.has("instances") && root.has("inputs") ? "inputs" : "instances";
        List<double[]> rows = model.requests().instances(root, field);
        Predictions results = predictor.predict(rows);
        OutputCheck.finite(predictor, rows, results, row -> field + "[" + row + "]");
        served.predicted(predictor, rows, results);
        // The hot path: streamed with Jackson's generator, no tree per prediction.
        Reply.Body bytes = new Reply.Body(64 + 160 * results.size());
        try (JsonGenerator out = Bodies.JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeArrayFieldStart("predictions");
            List<String> classes = predictor.classes();
            PredictionIds.Batch predictionIds = ids.remember(predictor, results);
            for (int i = 0; i < predictionIds.count(); i++) {
                out.writeStartObject();
                out.writeFieldName("id");
                predictionIds.write(out, i, i + 1);
                if (predictor.classification()) {
                    out.writeStringField(Tensors.Output.LABEL.tensor, results.label(i));
                    out.writeObjectFieldStart(Tensors.Output.SCORES.tensor);
                    for (int c = 0; c < classes.size(); c++) {
                        out.writeNumberField(classes.get(c), results.score(i, c));
                    }
                    out.writeEndObject();
                } else {
                    out.writeNumberField(Tensors.Output.VALUE.tensor, results.value(i));
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return Reply.json(bytes);
    }
}
