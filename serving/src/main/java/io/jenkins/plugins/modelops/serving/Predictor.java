package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loaded model with its encoder: requests in, {@link Result}s out, one batch per request. Thread-safe: Tribuo's
 * linear and tree models are immutable at prediction time, XGBoost goes through {@link XGBoostBatch}.
 */
public final class Predictor {

    /**
     * One prediction: the class and a score per class in {@link #classes()} order (classification), or the value
     * (regression; {@code label} and {@code scores} are null).
     */
    public record Result(String label, double[] scores, double value) {
    }

    /** Predicts a batch of encoded examples, in order. */
    @FunctionalInterface
    interface Batch<T extends Output<T>> {
        List<Prediction<T>> predict(List<Example<T>> examples);
    }

    private final ModelSchema schema;
    private final FeatureEncoder encoder;
    private final boolean classification;
    private final List<String> classes;
    private final Output<?> unknown;
    private final Batch<?> batch;

    private <T extends Output<T>> Predictor(ModelSchema schema, Model<T> model) {
        this.schema = schema;
        this.encoder = new FeatureEncoder(schema);
        this.classification = schema.task() == Task.CLASSIFICATION;
        this.classes = classification ? List.copyOf(schema.label().classes()) : List.of();
        this.unknown = classification ? LabelFactory.UNKNOWN_LABEL : RegressionFactory.UNKNOWN_REGRESSOR;
        Batch<T> xgboost = XGBoostBatch.of(model, classification);
        Batch<T> tribuo = model::predict;
        this.batch = xgboost != null ? xgboost : tribuo;
    }

    /** Loads the bundle's model (protobuf only; see {@link ModelBundle#loadModel()}). */
    public static Predictor load(ModelBundle bundle) {
        return of(bundle.schema(), bundle.loadModel());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Predictor of(ModelSchema schema, Model<?> model) {
        Class<?> expected = schema.task() == Task.CLASSIFICATION ? Label.class : Regressor.class;
        Object witness = model.getOutputIDInfo().getDomain().iterator().next();
        if (!expected.isInstance(witness)) {
            throw new io.jenkins.plugins.modelops.InvalidInputException("the schema says " + schema.task().id()
                    + " but the model predicts " + witness.getClass().getSimpleName() + "s; the bundle is inconsistent");
        }
        return new Predictor(schema, (Model) model);
    }

    public ModelSchema schema() {
        return schema;
    }

    public boolean classification() {
        return classification;
    }

    public List<String> classes() {
        return classes;
    }

    /**
     * Encodes one request row (feature name to value). Throws {@link io.jenkins.plugins.modelops.InvalidInputException}
     * naming the feature and the problem.
     */
    public Example<?> encode(Map<String, ?> row, boolean strict) {
        return encodeTyped(row, strict);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends Output<T>> Example<T> encodeTyped(Map<String, ?> row, boolean strict) {
        return encoder.encode(row, (T) unknown, strict);
    }

    /** Predicts encoded rows in one batch (one native call for XGBoost). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public List<Result> predict(List<Example<?>> examples) {
        List<Prediction<?>> predictions = ((Batch) batch).predict(examples);
        List<Result> results = new ArrayList<>(predictions.size());
        for (Prediction<?> prediction : predictions) {
            results.add(classification ? label((Prediction<Label>) prediction) : value((Prediction<Regressor>) prediction));
        }
        return results;
    }

    private Result label(Prediction<Label> prediction) {
        Map<String, Label> byClass = prediction.getOutputScores();
        double[] scores = new double[classes.size()];
        for (int i = 0; i < scores.length; i++) {
            Label score = byClass.get(classes.get(i));
            scores[i] = score == null ? 0 : score.getScore();
        }
        return new Result(prediction.getOutput().getLabel(), scores, Double.NaN);
    }

    private static Result value(Prediction<Regressor> prediction) {
        return new Result(null, null, prediction.getOutput().getValues()[0]);
    }
}
