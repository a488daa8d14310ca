package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.serving.ServingMetrics.FeedbackSource;
import io.jenkins.plugins.modelops.serving.Tensors.Output;

import java.util.List;

/**
 * {@code POST /v1/models/NAME/feedback}: Seldon-style ground truth for one prediction id, or the evaluate form that
 * predicts and scores at once (probe traffic). Both count into the feedback metrics, told apart by their {@code
 * source} label.
 */
final class FeedbackScoring {

    private final ServingMetrics metrics;
    private final PredictionIds ids;

    FeedbackScoring(ServingMetrics metrics, PredictionIds ids) {
        this.metrics = metrics;
        this.ids = ids;
    }

    Reply feedback(LoadedModel model, JsonNode root) {
        return root.has("instances") ? evaluate(model, root) : byId(model.predictor(), root);
    }

    /** The evaluate form: {@code {"instances": [...], "labels": [...]}} (or {@code "values"} for regression). */
    private Reply evaluate(LoadedModel model, JsonNode root) {
        Predictor predictor = model.predictor();
        boolean classification = predictor.classification();
        JsonNode truths = root.has("labels") ? root.get("labels") : root.get("values");
        if (truths == null || !truths.isArray()) {
            throw Requests.bad("the evaluate form needs 'labels': an array with the true "
                    + (classification ? "class" : "value") + " of every instance");
        }
        List<double[]> examples = model.requests().instances(root, "instances");
        if (truths.size() != examples.size()) {
            throw Requests.bad("'labels' has " + truths.size() + " entries but 'instances' has "
                    + examples.size() + "; give one per instance");
        }
        Object[] truth = new Object[truths.size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = truth(predictor, truths.get(i), "labels[" + i + "]");
        }
        Predictions results = predictor.predict(examples);
        OutputCheck.finite(predictor, examples, results, row -> "instances[" + row + "]");
        ObjectNode out = Bodies.JSON.createObjectNode();
        ArrayNode predictions = out.putArray("predictions");
        int correct = 0;
        double absSum = 0;
        double squaredSum = 0;
        for (int i = 0; i < truth.length; i++) {
            Predictor.Result result = results.get(i);
            predictions.add(prediction(predictor, result));
            if (classification) {
                metrics.predictions(result.label(), 1);
                boolean ok = result.label().equals(truth[i]);
                correct += ok ? 1 : 0;
                metrics.feedback(ok, FeedbackSource.PROBE);
            } else {
                double error = result.value() - (Double) truth[i];
                absSum += Math.abs(error);
                squaredSum += error * error;
                metrics.feedback(error, FeedbackSource.PROBE);
            }
        }
        out.put("count", truth.length);
        if (classification) {
            out.put(ServingContract.CORRECT, correct).put(Metric.ACCURACY.id(), (double) correct / truth.length);
        } else {
            out.put(Metric.MAE.id(), absSum / truth.length).put(Metric.RMSE.id(), Math.sqrt(squaredSum / truth.length));
        }
        return Reply.json(200, out);
    }

    /** Ground truth for one prediction: {@code {"id": ..., "label": ...}} (or {@code "value"} for regression). */
    private Reply byId(Predictor predictor, JsonNode root) {
        boolean classification = predictor.classification();
        String truthField = (classification ? Output.LABEL : Output.VALUE).tensor;
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
        Object truth = truth(predictor, truthNode, truthField);
        PredictionIds.Verified result = ids.take(id.asText());
        ObjectNode out = Bodies.JSON.createObjectNode().put("id", id.asText());
        if (classification) {
            List<String> classes = predictor.classes();
            if (result.classIndex() < 0 || result.classIndex() >= classes.size()) {
                throw new IllegalStateException("a signed id names class " + result.classIndex() + " of " + classes.size());
            }
            String predicted = classes.get(result.classIndex());
            boolean ok = predicted.equals(truth);
            metrics.feedback(ok, FeedbackSource.LABEL);
            out.put("predicted", predicted).put(truthField, (String) truth).put(ServingContract.OUTCOME, ok ? ServingContract.CORRECT : ServingContract.INCORRECT);
        } else {
            double error = result.value() - (Double) truth;
            metrics.feedback(error, FeedbackSource.LABEL);
            out.put("predicted", result.value()).put(truthField, (Double) truth).put("abs_error", Math.abs(error));
        }
        return Reply.json(200, out);
    }

    private static Object truth(Predictor predictor, JsonNode node, String where) {
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

    private static ObjectNode prediction(Predictor predictor, Predictor.Result result) {
        ObjectNode node = Bodies.JSON.createObjectNode();
        if (predictor.classification()) {
            node.put(Output.LABEL.tensor, result.label());
            ObjectNode scores = node.putObject(Output.SCORES.tensor);
            List<String> classes = predictor.classes();
            for (int c = 0; c < classes.size(); c++) {
                scores.put(classes.get(c), result.scores()[c]);
            }
        } else {
            node.put(Output.VALUE.tensor, result.value());
        }
        return node;
    }
}
