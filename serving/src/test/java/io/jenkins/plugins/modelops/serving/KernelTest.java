package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every kernel predicts what Tribuo's own {@code Model.predict} predicts, row by row over the whole dataset the model
 * was trained on, and the server picks the compiled kernel only where it exists.
 */
class KernelTest {

    @Test
    void logisticUsesTheLinearKernelAndMatchesTribuo() throws IOException {
        assertMatchesTribuo(TestBundles.iris(), "iris.csv", "linear", 1e-12);
    }

    @Test
    void hingeSgdUsesTheLinearKernelWithRawScores() throws IOException {
        assertMatchesTribuo(TestBundles.irisHinge(), "iris.csv", "linear", 1e-12);
    }

    @Test
    void linearRegressionWithCategoriesAndMissingValuesUsesTheLinearKernel() throws IOException {
        assertMatchesTribuo(TestBundles.courses(), "course-satisfaction.csv", "linear", 1e-12);
    }

    @Test
    void xgboostUsesTheTreeKernelAndMatchesTribuo() throws IOException {
        // Float sums and XGBoost's expf: within 1e-6 (XGBoostTreesTest measures the exact differences).
        assertMatchesTribuo(TestBundles.irisXgboost(), "iris.csv", "trees", 1e-6);
    }

    @Test
    void treesWithoutACompiledKernelKeepTribuo() throws IOException {
        assertMatchesTribuo(TestBundles.irisCart(), "iris.csv", "tribuo", 0);
    }

    @Test
    void aKernelThatDisagreesOnAProbeIsNamedAndRefused() throws IOException {
        Predictor predictor = Predictor.load(ModelBundle.open(TestBundles.iris()));
        Predictor.Kernel right = predictor::predict;
        // Swaps the scores of two classes on one probe row only: the check has to look at every row.
        Predictor.Kernel wrong = rows -> {
            Predictions correct = predictor.predict(rows);
            Predictions results = Predictions.of(predictor.classes(), correct.size());
            for (int i = 0; i < correct.size(); i++) {
                double[] scores = correct.get(i).scores();
                if (i == 100) {
                    scores = new double[] {scores[1], scores[0], scores[2]};
                }
                results.set(i, correct.labelIndex(i), scores);
            }
            return results;
        };
        List<double[]> probes = predictor.probes();
        assertThat(probes).hasSize(Predictor.PROBES);
        assertThat(predictor.disagreement(right, right, probes, 0)).isNull();
        assertThat(predictor.disagreement(wrong, right, probes, 1e-9)).startsWith("probe 100 score of 'setosa'");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void assertMatchesTribuo(Path bundleDir, String data, String kernel, double tolerance)
            throws IOException {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        Predictor predictor = Predictor.load(bundle);
        assertThat(predictor.kernel()).isEqualTo(kernel);
        Model model = bundle.loadModel();
        // The examples Tribuo sees come from the engine's own encoder (as in training), not from the server's vectors.
        FeatureEncoder encoder = new FeatureEncoder(bundle.schema());
        Object unknown = predictor.classification() ? LabelFactory.UNKNOWN_LABEL : RegressionFactory.UNKNOWN_REGRESSOR;
        List<double[]> encoded = new ArrayList<>();
        List<Example<?>> examples = new ArrayList<>();
        for (Map<String, Object> row : rows(data, predictor)) {
            encoded.add(predictor.encode(row, false));
            Example<?> example = encoder.encode(row, (Output) unknown, false);
            examples.add(example);
            // Same features, same values: the vector holds exactly what the example holds among the model's features.
            assertThat(features(predictor.example(encoded.get(encoded.size() - 1))))
                    .isEqualTo(features(example).entrySet().stream()
                            .filter(e -> model.getFeatureIDMap().getID(e.getKey()) >= 0)
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        }
        List<Predictor.Result> results = predictor.predict(encoded);
        List<Prediction> expected = model.predict((List) examples);
        assertThat(results).hasSize(expected.size());
        for (int i = 0; i < results.size(); i++) {
            Predictor.Result result = results.get(i);
            if (predictor.classification()) {
                Prediction<Label> want = expected.get(i);
                assertThat(result.label()).as("row %d", i).isEqualTo(want.getOutput().getLabel());
                for (int c = 0; c < predictor.classes().size(); c++) {
                    assertThat(result.scores()[c]).as("row %d class %d", i, c)
                            .isCloseTo(want.getOutputScores().get(predictor.classes().get(c)).getScore(), within(tolerance));
                }
            } else {
                Prediction<Regressor> want = expected.get(i);
                // Tribuo predicts the target as the model learned it; the server answers in the label's units.
                double value = predictor.schema().label().unscale(want.getOutput().getValues()[0]);
                assertThat(result.value()).as("row %d", i).isCloseTo(value, within(tolerance));
            }
        }
    }

    private static Map<String, Double> features(Example<?> example) {
        Map<String, Double> features = new HashMap<>();
        for (org.tribuo.Feature feature : example) {
            features.put(feature.getName(), feature.getValue());
        }
        return features;
    }

    /** The dataset's rows as requests: the schema's features only, missing cells as absent values. */
    static List<Map<String, Object>> rows(String data, Predictor predictor) {
        CsvTable table = CsvTable.read(TestBundles.example(data));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < table.rows(); r++) {
            Map<String, Object> row = new HashMap<>();
            for (FeatureSpec feature : predictor.schema().features()) {
                CsvTable.Column column = table.column(table.columnIndex(feature.name()));
                switch (column.kind(r)) {
                    case NUMBER -> row.put(feature.name(), feature.isNumeric() ? (Object) column.numbers()[r]
                            : table.numberText(column.numbers()[r]));
                    case TEXT -> row.put(feature.name(), column.texts()[r]);
                    case MISSING -> { }
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
