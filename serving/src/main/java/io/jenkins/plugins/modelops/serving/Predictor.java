package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.impl.ArrayExample;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loaded model with its encoder: requests in, {@link Result}s out, one batch per request. Thread-safe.
 *
 * <p>Predictions come from a {@link Kernel}. Linear SGD models and XGBoost tree ensembles get a compiled kernel
 * ({@link LinearKernel}, {@link XGBoostTrees}) that computes what Tribuo computes on flat arrays, without Tribuo's
 * per-row objects or XGBoost's per-call native matrix; other models (CART, random forest, liblinear) use Tribuo's
 * predict. A compiled kernel is used only after it has agreed with the reference (Tribuo, or native XGBoost) on
 * probe rows drawn from the schema's ranges and categories; if it does not, the server keeps the reference and says
 * so in {@link #kernel()}.
 */
public final class Predictor {

    /**
     * One prediction: the class and a score per class in {@link #classes()} order (classification), or the value
     * (regression; {@code label} and {@code scores} are null).
     */
    public record Result(String label, double[] scores, double value) {
    }

    /**
     * Predicts a batch of encoded rows, in order. A row is the model's feature vector: slot {@code i} holds Tribuo's
     * feature {@code i}, NaN where the example would not have that feature (an unseen or absent category).
     */
    @FunctionalInterface
    interface Kernel {
        Predictions predict(List<double[]> rows);
    }

    /** How many probe rows a compiled kernel must agree on, and how closely (float trees round at 1e-7). */
    static final int PROBES = 256;
    private static final double LINEAR_TOLERANCE = 1e-9;
    private static final double TREE_TOLERANCE = 1e-5;

    private final ModelSchema schema;
    private final FeatureEncoder encoder;
    private final FeatureEncoder.Layout layout;
    private final String[] featureNames; // by Tribuo feature id
    private final boolean classification;
    private final List<String> classes;
    private final Output<?> unknown;
    private volatile Kernel kernel; // the reference after a live check found the compiled one wrong
    private final Kernel reference;
    private volatile String kernelName;
    private volatile String kernelId;
    private final String referenceName;
    private final double tolerance;

    private <T extends Output<T>> Predictor(ModelSchema schema, Model<T> model) {
        this.schema = schema;
        this.encoder = new FeatureEncoder(schema);
        ImmutableFeatureMap ids = model.getFeatureIDMap();
        this.layout = encoder.layout(ids::getID, ids.size());
        this.featureNames = new String[ids.size()];
        for (int id = 0; id < featureNames.length; id++) {
            featureNames[id] = ids.get(id).getName();
        }
        this.classification = schema.task() == Task.CLASSIFICATION;
        this.classes = classification ? List.copyOf(schema.label().classes()) : List.of();
        this.unknown = classification ? LabelFactory.UNKNOWN_LABEL : RegressionFactory.UNKNOWN_REGRESSOR;
        this.reference = reference(model);
        String referenceName = model instanceof XGBoostModel<?> ? "xgboost-native" : "tribuo";
        Kernel compiled = LinearKernel.of(model, classes);
        String compiledName = "linear";
        double tolerance = LINEAR_TOLERANCE;
        String unsupported = null;
        if (compiled == null && model instanceof XGBoostModel<?> xgb) {
            XGBoostTrees trees;
            try {
                trees = XGBoostTrees.of(xgb);
                unsupported = trees == null ? " (no trees kernel: " + XGBoostTrees.unsupportedReason(xgb) + ")" : null;
            } catch (RuntimeException e) { // e.g. the booster's JSON export failing: the native path still works
                trees = null;
                unsupported = " (no trees kernel: " + e.getMessage() + ")";
            }
            compiled = trees == null ? null : treeKernel(trees, model);
            compiledName = "trees";
            tolerance = TREE_TOLERANCE;
        }
        String disagreement;
        try {
            disagreement = compiled == null ? null : disagreement(compiled, reference, probes(), tolerance);
        } catch (RuntimeException e) {
            disagreement = "it failed on a probe row: " + e.getMessage();
        }
        this.referenceName = referenceName;
        this.tolerance = tolerance;
        if (compiled != null && disagreement == null) {
            this.kernel = compiled;
            this.kernelName = compiledName;
            this.kernelId = compiledName;
        } else {
            this.kernelId = referenceName;
            this.kernel = reference;
            this.kernelName = compiled == null ? referenceName + (unsupported == null ? "" : unsupported)
                    : referenceName + " (the " + compiledName + " kernel disagreed: " + disagreement + ")";
        }
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

    /** The length of an encoded row: the model's features, one-hot categories included. */
    public int width() {
        return featureNames.length;
    }

    public boolean classification() {
        return classification;
    }

    public List<String> classes() {
        return classes;
    }

    /**
     * Encodes one request row (feature name to value) into the model's feature vector. Throws {@link
     * io.jenkins.plugins.modelops.InvalidInputException} naming the feature and the problem.
     */
    public double[] encode(Map<String, ?> row, boolean strict) {
        return encoder.vector(row, strict, layout);
    }

    /**
     * Encodes one row of numbers in schema order (v2's [N, F] tensor); only for schemas whose features are all numeric.
     */
    public double[] encode(double[] row, boolean strict) {
        return encoder.vector(row, strict, layout);
    }

    /** The Tribuo example of an encoded row: its features by name, as the model was trained on. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Example<?> example(double[] row) {
        String[] names = new String[row.length];
        double[] values = new double[row.length];
        int n = 0;
        for (int id = 0; id < row.length; id++) {
            if (!Double.isNaN(row[id])) {
                names[n] = featureNames[id];
                values[n++] = row[id];
            }
        }
        return new ArrayExample(unknown, java.util.Arrays.copyOf(names, n), java.util.Arrays.copyOf(values, n));
    }

    /**
     * The feature of an encoded row most likely to have overflowed the model's arithmetic, as {@code feature 'name'
     * (encoded value)}: one that is not finite, else the largest in magnitude.
     */
    String overflowing(double[] row) {
        int worst = -1;
        for (int id = 0; id < row.length; id++) {
            if (Double.isNaN(row[id])) {
                continue; // an absent category
            }
            if (worst < 0 || !Double.isFinite(row[id]) || Math.abs(row[id]) > Math.abs(row[worst])) {
                worst = id;
                if (!Double.isFinite(row[id])) {
                    break;
                }
            }
        }
        return worst < 0 ? "no feature" : "feature '" + featureNames[worst] + "' (encoded as " + row[worst] + ")";
    }

    /** Predicts encoded rows in one batch. */
    public Predictions predict(List<double[]> rows) {
        return inLabelUnits(kernel.predict(rows));
    }

    /**
     * A regressor learned a centred (linear ones: standardized) target, see {@link
     * io.jenkins.plugins.modelops.data.LabelSpec#unscale}: its outputs are turned back into the label's units here,
     * once, after whichever kernel or reference ran. Kernels are compared with their reference before this.
     */
    private Predictions inLabelUnits(Predictions predictions) {
        if (!classification && schema.label().scaled()) {
            double[] values = predictions.values();
            for (int i = 0; i < values.length; i++) {
                values[i] = schema.label().unscale(values[i]);
            }
        }
        return predictions;
    }

    /**
     * Predicts with the reference a compiled kernel was checked against: Tribuo's predict, or XGBoost's native one.
     * For benchmarks and tests; the server uses {@link #predict}.
     */
    public Predictions predictWithReference(List<double[]> rows) {
        return inLabelUnits(reference.predict(rows));
    }

    /** Which kernel predicts, in one word: {@code linear}, {@code trees}, {@code tribuo} or {@code xgboost-native}. */
    public String kernelId() {
        return kernelId;
    }

    /** Whether a compiled kernel predicts (not the reference it was checked against). */
    boolean compiledKernel() {
        return kernel != reference;
    }

    /**
     * Null when the reference predicts {@code row} as {@code compiled} within the start-up check's tolerance, else
     * the difference: the live check of a compiled kernel on a served row.
     */
    String liveDisagreement(double[] row, Result compiled) {
        return differs(reference.predict(List.of(row)).get(0), compiled, tolerance, "a served row");
    }

    /** From now on the reference predicts: a live check found the compiled kernel wrong. */
    synchronized void fallBack(String reason) {
        if (kernel != reference) {
            kernel = reference;
            kernelName = referenceName + " (the " + kernelId + " kernel disagreed on live traffic: " + reason + ")";
            kernelId = referenceName;
        }
    }

    /** Which kernel predicts: {@code linear}, {@code trees}, {@code tribuo} or {@code xgboost-native} (with why). */
    public String kernel() {
        return kernelName;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends Output<T>> Kernel reference(Model<T> model) {
        XGBoostBatch.Native<T> xgboost = XGBoostBatch.of(model);
        return rows -> {
            List<Example<T>> examples = new ArrayList<>(rows.size());
            for (double[] row : rows) {
                examples.add((Example<T>) example(row));
            }
            List<Prediction<T>> predictions = xgboost != null ? xgboost.predict(examples) : model.predict(examples);
            Predictions results = Predictions.of(classes, predictions.size());
            double[] scores = new double[classes.size()];
            for (int i = 0; i < predictions.size(); i++) {
                if (classification) {
                    Prediction<Label> prediction = (Prediction<Label>) predictions.get(i);
                    Map<String, Label> byClass = prediction.getOutputScores();
                    for (int c = 0; c < scores.length; c++) {
                        Label score = byClass.get(classes.get(c));
                        scores[c] = score == null ? 0 : score.getScore();
                    }
                    results.set(i, classes.indexOf(prediction.getOutput().getLabel()), scores);
                } else {
                    results.set(i, ((Prediction<Regressor>) predictions.get(i)).getOutput().getValues()[0]);
                }
            }
            return results;
        };
    }

    private Kernel treeKernel(XGBoostTrees trees, Model<?> model) {
        int[] position = new int[trees.outputs()]; // output id -> index in classes
        if (classification) {
            for (int o = 0; o < position.length; o++) {
                position[o] = classes.indexOf(((Label) model.getOutputIDInfo().getOutput(o)).getLabel());
            }
        }
        return rows -> {
            double[] out = new double[position.length];
            double[] scores = new double[position.length];
            Predictions results = Predictions.of(classes, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                trees.predict(rows.get(i), out);
                if (!classification) {
                    results.set(i, out[0]);
                    continue;
                }
                int best = 0;
                for (int o = 0; o < out.length; o++) {
                    scores[position[o]] = out[o];
                    best = out[o] > out[best] ? o : best; // the first maximum in output-id order, as Tribuo
                }
                results.set(i, position[best], scores);
            }
            return results;
        };
    }

    /** The rows a compiled kernel is checked on at start-up: see {@link KernelProbes}. */
    List<double[]> probes() {
        return KernelProbes.rows(schema, PROBES, row -> encode(row, false));
    }

    /** Null when the kernels agree on every probe within the tolerance, else the first difference. */
    String disagreement(Kernel compiled, Kernel reference, List<double[]> probes, double tolerance) {
        List<Result> expected = reference.predict(probes);
        List<Result> actual = compiled.predict(probes);
        for (int i = 0; i < probes.size(); i++) {
            String difference = differs(expected.get(i), actual.get(i), tolerance, "probe " + i);
            if (difference != null) {
                return difference;
            }
        }
        return null;
    }

    /** Null when {@code got} is {@code want} within {@code tolerance}, else the difference, naming {@code what}. */
    private String differs(Result want, Result got, double tolerance, String what) {
        if (!classification) {
            if (!(Math.abs(want.value() - got.value()) <= tolerance * Math.max(1, Math.abs(want.value())))) {
                return what + " value " + got.value() + " instead of " + want.value();
            }
            return null;
        }
        double top = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes.size(); c++) {
            double score = want.scores()[c];
            if (!(Math.abs(score - got.scores()[c]) <= tolerance)) {
                return what + " score of '" + classes.get(c) + "' " + got.scores()[c] + " instead of " + score;
            }
            second = score > top ? top : Math.max(second, score);
            top = Math.max(top, score);
        }
        // A tie within the tolerance may break either way; otherwise the label must match.
        if (!want.label().equals(got.label()) && top - second > tolerance) {
            return what + " label '" + got.label() + "' instead of '" + want.label() + "'";
        }
        return null;
    }

}
