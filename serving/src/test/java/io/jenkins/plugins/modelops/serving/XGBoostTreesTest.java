package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.ColumnType;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link XGBoostTrees} gives what the native path ({@link XGBoostBatch}) gives, on real models trained by the engine:
 * every row of each example CSV, class probabilities within 1e-6 and the same label, regression values within 1e-5
 * relative. It prints the largest difference seen per dataset.
 */
class XGBoostTreesTest {

    private static final double PROBABILITY_TOLERANCE = 1e-6;
    private static final double REGRESSION_TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private static final DataSpec IRIS = DataSpec.of("species");
    private static final DataSpec WINE_CLASSES = DataSpec.of("quality").withTask(Task.CLASSIFICATION);
    private static final DataSpec WINE_VALUE = DataSpec.of("quality").withTask(Task.REGRESSION);
    private static final DataSpec WINE_GOOD = DataSpec.of("good").withExclude(List.of("quality"));
    private static final DataSpec COURSES = DataSpec.of("satisfaction").withExclude(List.of("enrolment_id"))
            .withMissing(MissingPolicy.MEAN);
    private static final Map<String, String> DEEP = Map.of("trees", "150", "max_depth", "10", "eta", "0.1",
            "min_child_weight", "0.5", "subsample", "0.8", "feature_subsample", "0.7");

    private static Path root;
    private static final Map<String, Path> BUNDLES = new HashMap<>();

    // ---------------------------------------------------------------- agreement with the native path, per dataset

    @Test
    void irisAgrees() {
        assertAgrees("iris", TestBundles.irisXgboost(), TestBundles.example("iris.csv"), IRIS);
    }

    @Test
    void wineClassesAgree() {
        Path csv = TestBundles.example("winequality-red.csv");
        assertAgrees("wine classes", bundle("wine-classes", csv, WINE_CLASSES, Map.of()), csv, WINE_CLASSES);
    }

    @Test
    void wineRegressionAgrees() {
        Path csv = TestBundles.example("winequality-red.csv");
        assertAgrees("wine regression", bundle("wine-value", csv, WINE_VALUE, Map.of()), csv, WINE_VALUE);
    }

    @Test
    void binaryClassificationAgrees() {
        Path csv = wineGood();
        assertAgrees("wine good/poor", bundle("wine-good", csv, WINE_GOOD, Map.of()), csv, WINE_GOOD);
    }

    @Test
    void coursesWithCategoriesAndMissingValuesAgree() {
        Path csv = TestBundles.example("course-satisfaction.csv");
        assertAgrees("courses regression", bundle("courses", csv, COURSES, Map.of()), csv, COURSES);
    }

    @Test
    void deeperAndMoreTreesAgree() {
        Path wine = TestBundles.example("winequality-red.csv");
        assertAgrees("wine classes, deep", bundle("wine-classes-deep", wine, WINE_CLASSES, DEEP), wine, WINE_CLASSES);
        Path courses = TestBundles.example("course-satisfaction.csv");
        assertAgrees("courses regression, deep", bundle("courses-deep", courses, COURSES, DEEP), courses, COURSES);
    }

    /**
     * Requests as the server encodes them: numbers missing (imputed), categories never seen (their one-hot features
     * unknown to the model, so every one-hot feature of the column is missing), numbers sent for categories.
     */
    @Test
    void coursesRequestsWithUnknownCategoriesAgree() {
        Path csv = TestBundles.example("course-satisfaction.csv");
        Path dir = bundle("courses", csv, COURSES, Map.of());
        Predictor predictor = Predictor.load(ModelBundle.open(dir));
        LabeledData data = LabeledData.read(csv, COURSES, Progress.silent());
        List<Example<?>> examples = new ArrayList<>();
        for (int row = 0; row < data.rows(); row++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (LabeledData.Column column : data.features()) {
                if (column.type() == ColumnType.NUMERIC) {
                    double v = column.numbers()[row];
                    values.put(column.name(), Double.isNaN(v) ? null : v);
                } else {
                    values.put(column.name(), column.texts()[row]);
                }
            }
            examples.add(predictor.example(predictor.encode(values, false)));
            // Each categorical column in turn gets a category the model never saw, and a number.
            for (LabeledData.Column column : data.features()) {
                if (column.type() == ColumnType.CATEGORICAL && row % 7 == 0) {
                    Map<String, Object> unseen = new LinkedHashMap<>(values);
                    unseen.put(column.name(), "never seen " + row);
                    examples.add(predictor.example(predictor.encode(unseen, false)));
                    unseen.put(column.name(), 42);
                    examples.add(predictor.example(predictor.encode(unseen, false)));
                }
            }
            // And numbers missing, one at a time.
            if (row % 11 == 0) {
                for (LabeledData.Column column : data.features()) {
                    if (column.type() == ColumnType.NUMERIC) {
                        Map<String, Object> gap = new LinkedHashMap<>(values);
                        gap.put(column.name(), null);
                        examples.add(predictor.example(predictor.encode(gap, false)));
                    }
                }
            }
        }
        XGBoostModel<?> model = model(dir);
        Agreement agreement = compare(model, false, examples, XGBoostTrees.of(model));
        report("courses requests", agreement);
        agreement.assertWithin(REGRESSION_TOLERANCE);
    }

    /**
     * Hist trees split at cut points that are data values, so values land exactly on thresholds: this catches a
     * {@code <=} for {@code <}, or a comparison in double where XGBoost compares floats.
     */
    @Test
    void histTreesWithThresholdsOnDataValuesAgree() {
        Path csv = TestBundles.example("winequality-red.csv");
        ModelSchema schema = ModelBundle.open(bundle("wine-classes", csv, WINE_CLASSES, Map.of())).schema();
        LabeledData data = LabeledData.read(csv, WINE_CLASSES, Progress.silent());
        FeatureEncoder encoder = new FeatureEncoder(schema);
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("wine", factory), factory);
        for (int row = 0; row < data.rows(); row++) {
            dataset.add(encoder.encode(data, row, new Label(data.labelClass(row))));
        }
        XGBoostClassificationTrainer trainer = new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE,
                XGBoostTrainer.TreeMethod.HIST, 60, 0.3, 0, 8, 1, 1, 1, 1, 0, 2,
                XGBoostTrainer.LoggingVerbosity.SILENT, 7L);
        XGBoostModel<Label> model = (XGBoostModel<Label>) trainer.train(dataset);
        List<Example<?>> examples = new ArrayList<>(dataset.getData());
        Agreement agreement = compare(model, true, examples, XGBoostTrees.of(model));
        report("wine classes, hist", agreement);
        agreement.assertWithin(PROBABILITY_TOLERANCE);
        examples = boundaryExamples(model, examples.get(0), LabelFactory.UNKNOWN_LABEL);
        agreement = compare(model, true, examples, XGBoostTrees.of(model));
        report("wine classes, hist, values at thresholds", agreement);
        agreement.assertWithin(PROBABILITY_TOLERANCE);
    }

    /** For every split, a row with its feature at the threshold and the doubles and floats on either side of it. */
    @Test
    void valuesAtEverySplitThresholdAgree() {
        Path csv = TestBundles.example("winequality-red.csv");
        Path dir = bundle("wine-value", csv, WINE_VALUE, Map.of());
        List<Example<?>> encoded = encodeAll(dir, csv, WINE_VALUE);
        XGBoostModel<?> model = model(dir);
        List<Example<?>> examples = boundaryExamples(model, encoded.get(0), RegressionFactory.UNKNOWN_REGRESSOR);
        assertThat(examples).hasSizeGreaterThan(1000);
        Agreement agreement = compare(model, false, examples, XGBoostTrees.of(model));
        report("wine regression, values at thresholds", agreement);
        agreement.assertWithin(REGRESSION_TOLERANCE);
    }

    /**
     * Rows the encoder never makes but Tribuo accepts: features left out (missing), NaN (missing for XGBoost), zeros
     * (present), the same feature twice (summed), names the model does not know (dropped), and all of them NaN.
     */
    @Test
    void oddExamplesAgreeAndBadOnesFailAsNativeDoes() {
        XGBoostModel<?> model = model(TestBundles.irisXgboost());
        String[] names = {"petal_length", "petal_width", "sepal_length", "sepal_width"};
        Label unknown = LabelFactory.UNKNOWN_LABEL;
        List<Example<?>> examples = new ArrayList<>();
        double[][] rows = {
                {1.4, 0.2, 5.1, 3.5}, {4.7, 1.4, 7.0, 3.2}, {6.0, 2.5, 6.3, 3.3}, {0, 0, 0, 0}, {4.75, 1.45, 5.75, 0},
                {Double.NaN, 1.4, 7.0, 3.2}, {4.7, Double.NaN, 7.0, 3.2}, {Double.NaN, Double.NaN, Double.NaN, 3.2},
                {Double.NaN, Double.NaN, Double.NaN, Double.NaN}, {-1e30, 1e30, -0.0, 1e-45}};
        for (double[] row : rows) {
            examples.add(new ArrayExample<>(unknown, names, row));
            // Every subset of the four features, the others absent.
            for (int mask = 1; mask < 15; mask++) {
                ArrayExample<Label> subset = new ArrayExample<>(unknown);
                for (int f = 0; f < 4; f++) {
                    if ((mask & (1 << f)) != 0) {
                        subset.add(names[f], row[f]);
                    }
                }
                examples.add(subset);
            }
        }
        examples.add(new ArrayExample<>(unknown, new String[]{"petal_length", "petal_length", "petal_width"},
                new double[]{2.0, 2.7, 1.6}));
        examples.add(new ArrayExample<>(unknown, new String[]{"petal_length", "petal_length", "petal_length"},
                new double[]{1.1f, 2.2f, 1.45f}));
        examples.add(new ArrayExample<>(unknown, new String[]{"petal_length", "color=red", "zzz"},
                new double[]{5.0, 1.0, 3.0}));
        Agreement agreement = compare(model, true, examples, XGBoostTrees.of(model));
        report("iris, odd examples", agreement);
        agreement.assertWithin(PROBABILITY_TOLERANCE);

        XGBoostTrees trees = XGBoostTrees.of(model);
        double[] out = new double[3];
        Example<Label> huge = new ArrayExample<>(unknown, names, new double[]{1.4, 0.2, 5.1, 1e300});
        assertThatThrownBy(() -> nativePredict(model, true, List.of(huge))).hasMessageContaining("inf");
        assertThatThrownBy(() -> trees.predict(vector(model, huge), out))
                .isInstanceOf(io.jenkins.plugins.modelops.InvalidInputException.class)
                .hasMessageContaining("sepal_width");
        // A failed row leaves nothing behind in the thread's buffer.
        trees.predict(vector(model, new ArrayExample<>(unknown, new String[]{"petal_length"}, new double[]{5.0})), out);
        assertThat(out).containsExactly(expected(model, new ArrayExample<>(unknown, new String[]{"petal_length"},
                new double[]{5.0})));
    }

    @Test
    void predictsTheSameFromManyThreads() throws Exception {
        Path csv = TestBundles.example("course-satisfaction.csv");
        Path dir = bundle("courses", csv, COURSES, Map.of());
        XGBoostModel<?> model = model(dir);
        XGBoostTrees trees = XGBoostTrees.of(model);
        List<Example<?>> examples = encodeAll(dir, csv, COURSES);
        double[] expected = new double[examples.size()];
        double[] out = new double[1];
        for (int i = 0; i < expected.length; i++) {
            trees.predict(vector(model, examples.get(i)), out);
            expected[i] = out[0];
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                tasks.add(() -> {
                    double[] mine = new double[1];
                    int wrong = 0;
                    for (int round = 0; round < 5; round++) {
                        for (int i = start; i < expected.length; i += 3) {
                            trees.predict(vector(model, examples.get(i)), mine);
                            wrong += mine[0] == expected[i] ? 0 : 1;
                        }
                    }
                    return wrong;
                });
            }
            for (Future<Integer> wrong : pool.invokeAll(tasks)) {
                assertThat(wrong.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------- the tests can fail

    /** Every default direction flipped: rows with a missing one-hot feature go the other way, and disagree. */
    @Test
    void flippedDefaultDirectionsAreCaught() throws Exception {
        Path csv = TestBundles.example("course-satisfaction.csv");
        Path dir = bundle("courses", csv, COURSES, Map.of());
        XGBoostModel<?> model = model(dir);
        XGBoostTrees flipped = altered(model, learner -> {
            for (JsonNode tree : learner.path("gradient_booster").path("model").path("trees")) {
                ArrayNode defaults = (ArrayNode) tree.path("default_left");
                for (int n = 0; n < defaults.size(); n++) {
                    defaults.set(n, JsonNodeFactory.instance.numberNode(1 - defaults.get(n).asInt()));
                }
            }
            return learner;
        });
        Agreement agreement = compare(model, false, encodeAll(dir, csv, COURSES), flipped);
        report("courses, default directions flipped", agreement);
        assertThat(agreement.maxAbsDifference).isGreaterThan(0.01);
        assertThatThrownBy(() -> agreement.assertWithin(REGRESSION_TOLERANCE)).isInstanceOf(AssertionError.class);
    }

    /** Leaf values or the base score moved by 1e-4: the comparison notices. */
    @Test
    void aWrongBaseScoreIsCaught() throws Exception {
        XGBoostModel<?> model = model(TestBundles.irisXgboost());
        XGBoostTrees unchanged = altered(model, learner -> learner);
        compare(model, true, encodeAll(TestBundles.irisXgboost(), TestBundles.example("iris.csv"), IRIS), unchanged)
                .assertWithin(PROBABILITY_TOLERANCE);
        // Classification base scores cancel out in the softmax, so move one class's leaves instead: the first tree.
        XGBoostTrees shifted = altered(model, learner -> {
            ArrayNode conditions = (ArrayNode) learner.path("gradient_booster").path("model").path("trees").get(0)
                    .path("split_conditions");
            ArrayNode lefts = (ArrayNode) learner.path("gradient_booster").path("model").path("trees").get(0)
                    .path("left_children");
            for (int n = 0; n < conditions.size(); n++) {
                if (lefts.get(n).asInt() == -1) {
                    conditions.set(n, JsonNodeFactory.instance.numberNode(conditions.get(n).floatValue() + 1e-4f));
                }
            }
            return learner;
        });
        Agreement agreement = compare(model, true,
                encodeAll(TestBundles.irisXgboost(), TestBundles.example("iris.csv"), IRIS), shifted);
        assertThatThrownBy(() -> agreement.assertWithin(PROBABILITY_TOLERANCE)).isInstanceOf(AssertionError.class);

        Path csv = TestBundles.example("winequality-red.csv");
        Path dir = bundle("wine-value", csv, WINE_VALUE, Map.of());
        XGBoostModel<?> regression = model(dir);
        XGBoostTrees moved = altered(regression, learner -> {
            ObjectNode param = (ObjectNode) learner.path("learner_model_param");
            param.put("base_score", Float.toString(Float.parseFloat(param.path("base_score").asText()) + 1e-4f));
            return learner;
        });
        Agreement off = compare(regression, false, encodeAll(dir, csv, WINE_VALUE), moved);
        report("wine regression, base score + 1e-4", off);
        assertThatThrownBy(() -> off.assertWithin(REGRESSION_TOLERANCE)).isInstanceOf(AssertionError.class);
    }

    /**
     * A zero is a value for XGBoost, not a missing one (Tribuo keeps zero features as DMatrix entries): one-hot
     * features sent as explicit zeros go the way {@code 0 < threshold} says, absent ones the default way.
     */
    @Test
    void explicitZerosAreValuesNotMissing() {
        Path csv = TestBundles.example("course-satisfaction.csv");
        Path dir = bundle("courses", csv, COURSES, Map.of());
        XGBoostModel<?> model = model(dir);
        List<String> oneHots = new ArrayList<>();
        model.getFeatureIDMap().forEach(info -> {
            if (info.getName().contains("=")) {
                oneHots.add(info.getName());
            }
        });
        assertThat(oneHots).hasSizeGreaterThan(10);
        List<Example<?>> examples = encodeAll(dir, csv, COURSES);
        List<Example<?>> withZeros = new ArrayList<>();
        for (Example<?> example : examples) {
            ArrayExample<Regressor> copy = new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR);
            for (Feature f : example) {
                copy.add(f.getName(), f.getValue());
            }
            for (String name : oneHots) {
                if (example.lookup(name) == null) {
                    copy.add(name, 0.0);
                }
            }
            withZeros.add(copy);
        }
        Agreement agreement = compare(model, false, withZeros, XGBoostTrees.of(model));
        report("courses, absent one-hot features sent as zeros", agreement);
        agreement.assertWithin(REGRESSION_TOLERANCE);
        List<Prediction<?>> absent = nativePredict(model, false, examples);
        List<Prediction<?>> zeros = nativePredict(model, false, withZeros);
        int moved = 0;
        for (int i = 0; i < examples.size(); i++) {
            moved += difference(model, absent.get(i), values(model, zeros.get(i))) > 1e-4 ? 1 : 0;
        }
        // So an evaluator that read zeros as missing would disagree on these rows.
        assertThat(moved).as("rows whose prediction moves when absent one-hot features are sent as zeros")
                .isGreaterThan(examples.size() / 2);
    }

    // ------------------------------------------------------------------------- what it refuses

    @Test
    void modelsItCannotRepresentGiveNull() {
        Path csv = TestBundles.example("winequality-red.csv");
        ModelSchema schema = ModelBundle.open(bundle("wine-value", csv, WINE_VALUE, Map.of())).schema();
        LabeledData data = LabeledData.read(csv, WINE_VALUE, Progress.silent());
        FeatureEncoder encoder = new FeatureEncoder(schema);
        RegressionFactory regressions = new RegressionFactory();
        MutableDataset<Regressor> values = new MutableDataset<>(new SimpleDataSourceProvenance("wine", regressions),
                regressions);
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> classes = new MutableDataset<>(new SimpleDataSourceProvenance("wine", labels), labels);
        for (int row = 0; row < 400; row++) {
            values.add(encoder.encode(data, row, new Regressor("quality", data.target(row))));
            classes.add(encoder.encode(data, row, new Label(data.target(row) >= 6 ? "good" : "poor")));
        }
        // reg:gamma predicts exp(margin) from a log base score: not represented.
        XGBoostModel<Regressor> gamma = (XGBoostModel<Regressor>) new XGBoostRegressionTrainer(
                XGBoostRegressionTrainer.RegressionType.GAMMA, 5).train(values);
        assertThat(XGBoostTrees.of(gamma)).isNull();
        assertThat(XGBoostTrees.unsupportedReason(gamma)).contains("reg:gamma");
        // A linear booster and dropout trees.
        XGBoostModel<Label> linear = (XGBoostModel<Label>) new XGBoostClassificationTrainer(5,
                Map.<String, Object>of("booster", "gblinear", "objective", "multi:softprob")).train(classes);
        assertThat(XGBoostTrees.of(linear)).isNull();
        assertThat(XGBoostTrees.unsupportedReason(linear)).contains("gblinear");
        XGBoostModel<Label> dart = (XGBoostModel<Label>) new XGBoostClassificationTrainer(
                XGBoostTrainer.BoosterType.DART, XGBoostTrainer.TreeMethod.AUTO, 5, 0.3, 0, 4, 1, 1, 1, 1, 0, 1,
                XGBoostTrainer.LoggingVerbosity.SILENT, 1L).train(classes);
        assertThat(XGBoostTrees.of(dart)).isNull();
        assertThat(XGBoostTrees.unsupportedReason(dart)).contains("dart");
        // Pseudo-Huber is an identity like squared error: represented, and agreeing.
        XGBoostModel<Regressor> huber = (XGBoostModel<Regressor>) new XGBoostRegressionTrainer(
                XGBoostRegressionTrainer.RegressionType.PSEUDOHUBER, 20).train(values);
        assertThat(XGBoostTrees.unsupportedReason(huber)).isNull();
        compare(huber, false, new ArrayList<>(values.getData()), XGBoostTrees.of(huber))
                .assertWithin(REGRESSION_TOLERANCE);
    }

    @Test
    void aCategoricalSplitGivesNull() throws Exception {
        XGBoostModel<?> model = model(TestBundles.irisXgboost());
        assertThat(altered(model, learner -> {
            ArrayNode types = (ArrayNode) learner.path("gradient_booster").path("model").path("trees").get(3)
                    .path("split_type");
            types.set(0, JsonNodeFactory.instance.numberNode(1));
            return learner;
        })).isNull();
        assertThat(altered(model, learner -> {
            ((ObjectNode) learner.path("objective")).put("name", "multi:softmax");
            return learner;
        })).isNull();
    }

    // ------------------------------------------------------------------------- helpers

    /** The largest differences seen between the two paths over a set of rows. */
    private static final class Agreement {
        boolean classification;
        int rows;
        int identical;
        int labelMismatches;
        double maxAbsDifference;
        double maxRelativeDifference;
        String worst = "";

        /** Probabilities: absolute; regression values: relative. */
        void assertWithin(double tolerance) {
            assertThat(labelMismatches).as("rows whose label differs; worst: %s", worst).isZero();
            assertThat(classification ? maxAbsDifference : maxRelativeDifference)
                    .as("largest difference over %d rows; worst: %s", rows, worst)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    private static Agreement compare(XGBoostModel<?> model, boolean classification, List<Example<?>> examples,
                                     XGBoostTrees trees) {
        assertThat(trees).as("XGBoostTrees.of: %s", XGBoostTrees.unsupportedReason(model)).isNotNull();
        assertThat(trees.outputs()).isEqualTo(classification ? model.getOutputIDInfo().size() : 1);
        List<Prediction<?>> expected = nativePredict(model, classification, examples);
        Agreement agreement = new Agreement();
        agreement.classification = classification;
        double[] out = new double[trees.outputs()];
        for (int i = 0; i < examples.size(); i++) {
            trees.predict(vector(model, examples.get(i)), out);
            double[] want = values(model, expected.get(i));
            boolean same = true;
            for (int k = 0; k < want.length; k++) {
                double diff = Math.abs(want[k] - out[k]);
                same &= diff == 0;
                double relative = diff / Math.max(1e-12, Math.abs(want[k]));
                if (diff > agreement.maxAbsDifference) {
                    agreement.worst = "row " + i + " output " + k + ": native " + want[k] + ", trees " + out[k];
                }
                agreement.maxAbsDifference = Math.max(agreement.maxAbsDifference, diff);
                agreement.maxRelativeDifference = Math.max(agreement.maxRelativeDifference, relative);
            }
            agreement.identical += same ? 1 : 0;
            if (classification) {
                int best = 0;
                for (int k = 1; k < out.length; k++) {
                    best = out[k] > out[best] ? k : best;
                }
                String label = ((Label) model.getOutputIDInfo().getOutput(best)).getLabel();
                if (!label.equals(((Label) expected.get(i).getOutput()).getLabel())) {
                    agreement.labelMismatches++;
                    agreement.worst = "row " + i + " label " + label + " vs " + expected.get(i).getOutput();
                }
            }
            agreement.rows++;
        }
        return agreement;
    }

    private static double difference(XGBoostModel<?> model, Prediction<?> expected, double[] out) {
        double[] want = values(model, expected);
        double max = 0;
        for (int k = 0; k < want.length; k++) {
            max = Math.max(max, Math.abs(want[k] - out[k]));
        }
        return max;
    }

    /** The native prediction as XGBoostTrees lays it out: probabilities by output id, or the regression values. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static double[] values(XGBoostModel<?> model, Prediction<?> prediction) {
        ImmutableOutputInfo info = model.getOutputIDInfo();
        if (prediction.getOutput() instanceof Regressor regressor) {
            return regressor.getValues();
        }
        double[] probabilities = new double[info.size()];
        for (Object score : prediction.getOutputScores().values()) {
            probabilities[info.getID((Output) score)] = ((Label) score).getScore();
        }
        return probabilities;
    }

    private static double[] expected(XGBoostModel<?> model, Example<?> example) {
        boolean classification = model.getOutputIDInfo().getDomain().iterator().next() instanceof Label;
        return values(model, nativePredict(model, classification, List.of(example)).get(0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Prediction<?>> nativePredict(XGBoostModel<?> model, boolean classification,
                                                     List<Example<?>> examples) {
        XGBoostBatch.Native batch = XGBoostBatch.of((Model) model);
        return batch.predict(examples);
    }

    /**
     * The row {@link XGBoostTrees} takes for an example, converted as Tribuo converts examples for XGBoost: ids from
     * the feature map, names it lacks dropped, a repeated name summed in float, NaN where a feature is absent.
     */
    static double[] vector(XGBoostModel<?> model, Example<?> example) {
        org.tribuo.ImmutableFeatureMap map = model.getFeatureIDMap();
        double[] row = new double[map.size()];
        boolean[] seen = new boolean[row.length];
        Arrays.fill(row, Double.NaN);
        for (org.tribuo.Feature feature : example) {
            int id = map.getID(feature.getName());
            if (id >= 0) {
                row[id] = seen[id] ? (float) row[id] + (float) feature.getValue() : (float) feature.getValue();
                seen[id] = true;
            }
        }
        return row;
    }

    private static void report(String dataset, Agreement a) {
        System.out.printf("XGBoostTrees vs native, %s: %d rows, %d bit-identical, max |diff| %.3g, max rel %.3g%n",
                dataset, a.rows, a.identical, a.maxAbsDifference, a.maxRelativeDifference);
    }

    private static void assertAgrees(String name, Path bundleDir, Path csv, DataSpec spec) {
        XGBoostModel<?> model = model(bundleDir);
        boolean classification = ModelBundle.open(bundleDir).schema().task() == Task.CLASSIFICATION;
        Agreement agreement = compare(model, classification, encodeAll(bundleDir, csv, spec), XGBoostTrees.of(model));
        report(name, agreement);
        agreement.assertWithin(classification ? PROBABILITY_TOLERANCE : REGRESSION_TOLERANCE);
    }

    /** Every row of the CSV, encoded as the engine encodes training rows. */
    private static List<Example<?>> encodeAll(Path bundleDir, Path csv, DataSpec spec) {
        ModelSchema schema = ModelBundle.open(bundleDir).schema();
        FeatureEncoder encoder = new FeatureEncoder(schema);
        LabeledData data = LabeledData.read(csv, spec, Progress.silent());
        List<Example<?>> examples = new ArrayList<>(data.rows());
        for (int row = 0; row < data.rows(); row++) {
            examples.add(schema.task() == Task.CLASSIFICATION
                    ? encoder.encode(data, row, LabelFactory.UNKNOWN_LABEL)
                    : encoder.encode(data, row, RegressionFactory.UNKNOWN_REGRESSOR));
        }
        return examples;
    }

    /**
     * Copies of {@code base} with one feature set at each split threshold of the model: the threshold's decimal (the
     * double nearest to it), the float itself, and the doubles and floats next to it.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends Output<T>> List<Example<?>> boundaryExamples(XGBoostModel<?> model, Example<?> base,
                                                                           T output) {
        TreeSet<String> splits = new TreeSet<>();
        for (JsonNode learner : learners(model)) {
            for (JsonNode tree : learner.path("gradient_booster").path("model").path("trees")) {
                for (int n = 0; n < tree.path("left_children").size(); n++) {
                    if (tree.path("left_children").get(n).asInt() != -1) {
                        splits.add(tree.path("split_indices").get(n).asInt() + " "
                                + tree.path("split_conditions").get(n).numberValue());
                    }
                }
            }
        }
        List<Example<?>> examples = new ArrayList<>();
        for (String split : splits) {
            String name = model.getFeatureIDMap().get(Integer.parseInt(split.split(" ")[0])).getName();
            String decimal = split.split(" ")[1];
            float threshold = Float.parseFloat(decimal);
            double[] candidates = {Double.parseDouble(decimal), threshold, Math.nextDown((double) threshold),
                    Math.nextUp((double) threshold), Math.nextDown(threshold), Math.nextUp(threshold)};
            for (double candidate : candidates) {
                ArrayExample<T> copy = new ArrayExample<>(output);
                for (Feature f : (Example<T>) base) {
                    copy.add(f.getName(), f.getName().equals(name) ? candidate : f.getValue());
                }
                examples.add(copy);
            }
        }
        return examples;
    }

    private static List<JsonNode> learners(XGBoostModel<?> model) {
        List<JsonNode> learners = new ArrayList<>();
        for (Booster booster : model.getInnerModels()) {
            try {
                learners.add(JSON.readTree(booster.toByteArray("json")).path("learner"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                booster.dispose();
            }
        }
        return learners;
    }

    /** XGBoostTrees over the model's JSON after {@code change} (which edits each booster's learner in place). */
    private static XGBoostTrees altered(XGBoostModel<?> model, UnaryOperator<JsonNode> change) throws IOException {
        List<byte[]> json = new ArrayList<>();
        for (JsonNode learner : learners(model)) {
            ObjectNode whole = JsonNodeFactory.instance.objectNode();
            whole.set("learner", change.apply(learner));
            json.add(JSON.writeValueAsBytes(whole));
        }
        boolean classification = model.getOutputIDInfo().getDomain().iterator().next() instanceof Label;
        return XGBoostTrees.fromJson(json, classification, model.getOutputIDInfo().size(), model.getFeatureIDMap());
    }

    private static XGBoostModel<?> model(Path bundleDir) {
        return (XGBoostModel<?>) ModelBundle.open(bundleDir).loadModel();
    }

    /** Wine with a two-class label: good (quality 6 and up) or poor. */
    private static synchronized Path wineGood() {
        Path out = root().resolve("wine-good.csv");
        if (!Files.exists(out)) {
            try {
                List<String> lines = Files.readAllLines(TestBundles.example("winequality-red.csv"));
                List<String> written = new ArrayList<>(lines.size());
                written.add(lines.get(0) + ",good");
                for (String line : lines.subList(1, lines.size())) {
                    int quality = Integer.parseInt(line.substring(line.lastIndexOf(',') + 1).strip());
                    written.add(line + "," + (quality >= 6 ? "good" : "poor"));
                }
                Files.write(out, written);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** An XGBoost bundle trained by the engine, once per test JVM. */
    private static synchronized Path bundle(String name, Path csv, DataSpec spec, Map<String, String> params) {
        return BUNDLES.computeIfAbsent(name, n -> {
            Path out = root().resolve(n);
            TrainModel.run(new TrainModel.Request(TrainingConfig.of(csv, spec).withAlgorithm(Algorithm.XGBOOST)
                    .withParams(params), out, Optional.empty(), List.of()), Progress.silent());
            return out;
        });
    }

    private static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("modelops-xgboost-trees");
                root.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }
}
