package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.train.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The server's predictions are Tribuo's: same labels and scores, batched or one by one, XGBoost included. */
class PredictorTest {

    @Test
    void xgboostBatchesAgreeWithTribuosOwnPredict() throws IOException {
        assertAgrees(TestBundles.irisXgboost());
    }

    @Test
    void logisticAgreesWithTribuosOwnPredict() throws IOException {
        assertAgrees(TestBundles.iris());
    }

    @SuppressWarnings("unchecked")
    private static void assertAgrees(Path bundleDir) throws IOException {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        Predictor predictor = Predictor.load(bundle);
        Model<Label> tribuo = (Model<Label>) bundle.loadModel();
        List<double[]> rows = new ArrayList<>();
        for (Map<String, Object> row : irisRows()) {
            rows.add(predictor.encode(row, false));
        }
        List<Predictor.Result> batch = predictor.predict(rows);
        assertThat(batch).hasSize(150);
        for (int i = 0; i < rows.size(); i++) {
            Prediction<Label> expected = tribuo.predict((Example<Label>) predictor.example(rows.get(i)));
            Predictor.Result single = predictor.predict(List.of(rows.get(i))).get(0);
            assertThat(batch.get(i).label()).isEqualTo(expected.getOutput().getLabel());
            assertThat(single.label()).isEqualTo(expected.getOutput().getLabel());
            for (int c = 0; c < predictor.classes().size(); c++) {
                double score = expected.getOutputScores().get(predictor.classes().get(c)).getScore();
                assertThat(batch.get(i).scores()[c]).isCloseTo(score, within(1e-6));
                assertThat(single.scores()[c]).isCloseTo(score, within(1e-6));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"SGD, linear", "XGBOOST, trees", "CART, tribuo"})
    @SuppressWarnings("unchecked")
    void aRegressorsScaledTargetIsTurnedBackIntoTheLabelsUnitsByEveryKernel(Algorithm algorithm, String kernel)
            throws IOException {
        ModelBundle bundle = ModelBundle.open(TestBundles.courses(algorithm));
        Predictor predictor = Predictor.load(bundle);
        Model<Regressor> tribuo = (Model<Regressor>) bundle.loadModel();
        var label = bundle.schema().label();
        assertThat(label.scaled()).isTrue();
        assertThat(predictor.kernel()).startsWith(kernel);

        CsvTable table = CsvTable.read(TestBundles.example("course-satisfaction.csv"));
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < 200; r++) {
            Map<String, Object> row = new HashMap<>();
            for (var f : bundle.schema().features()) {
                int c = table.columnIndex(f.name());
                row.put(f.name(), f.isNumeric() ? (Object) nullIfNaN(table.column(c).numbers()[r]) : table.cell(r, c));
            }
            rows.add(predictor.encode(row, false));
        }
        List<Predictor.Result> results = predictor.predict(rows);
        List<Predictor.Result> reference = predictor.predictWithReference(rows);
        double sum = 0;
        for (int i = 0; i < rows.size(); i++) {
            double modelSpace = tribuo.predict((Example<Regressor>) predictor.example(rows.get(i))).getOutput()
                    .getValues()[0];
            assertThat(results.get(i).value()).isCloseTo(label.unscale(modelSpace), within(1e-5));
            assertThat(reference.get(i).value()).isCloseTo(label.unscale(modelSpace), within(1e-5));
            sum += results.get(i).value();
        }
        // In the label's units (satisfaction 0-10, mean near the training mean), not in standard deviations.
        assertThat(sum / rows.size()).isCloseTo(label.targetMean(), within(1.0));
    }

    @Test
    void aModelOfOnlyCategoricalFeaturesLoadsWithItsCompiledKernel() throws IOException {
        // Its start-up probes cannot hold a row of only unseen categories: the model knows nothing of such a row.
        Path dir = Files.createTempDirectory("categorical");
        StringBuilder csv = new StringBuilder("colour,size,kind\n");
        for (int i = 0; i < 60; i++) {
            csv.append(i % 3 == 0 ? "red" : "blue").append(',').append(i % 2 == 0 ? "S" : "L").append(',')
                    .append(i % 3 == 0 ? "a" : "b").append('\n');
        }
        Path data = Files.writeString(dir.resolve("shop.csv"), csv);
        io.jenkins.plugins.modelops.usecase.TrainModel.run(new io.jenkins.plugins.modelops.usecase.TrainModel.Request(
                io.jenkins.plugins.modelops.train.TrainingConfig.of(data,
                        io.jenkins.plugins.modelops.data.DataSpec.of("kind")), dir.resolve("model"),
                java.util.Optional.empty(), List.of()), io.jenkins.plugins.modelops.Progress.silent());

        Predictor predictor = Predictor.load(ModelBundle.open(dir.resolve("model")));

        assertThat(predictor.kernel()).startsWith("linear");
        assertThat(predictor.predict(List.of(predictor.encode(Map.of("colour", "red", "size", "S"), false))).get(0)
                .label()).isEqualTo("a");
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    @Test
    void manySingleNativeXgboostPredictionsKeepWorking() throws IOException {
        // Each native call disposes its DMatrix; 20k calls would pile up native memory if they did not.
        Predictor predictor = Predictor.load(ModelBundle.open(TestBundles.irisXgboost()));
        double[] row = predictor.encode(irisRows().get(0), false);
        for (int i = 0; i < 20_000; i++) {
            assertThat(predictor.predictWithReference(List.of(row)).get(0).label()).isEqualTo("setosa");
        }
    }

    @Test
    void javaSerializedModelsAreRefused() throws Exception {
        Path copy = Files.createTempDirectory("bundle-copy").resolve("iris");
        Files.createDirectories(copy);
        try (var files = Files.list(TestBundles.iris())) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        // A Java-serialized stream where the protobuf model was, and a manifest hash that matches it.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(new HashMap<String, String>());
        }
        Files.write(copy.resolve("model.tribuo"), bytes.toByteArray());
        String manifest = Files.readString(copy.resolve("bundle.json"));
        String oldHash = io.jenkins.plugins.modelops.Digests.sha256(TestBundles.iris().resolve("model.tribuo"));
        Files.writeString(copy.resolve("bundle.json"), manifest.replace(oldHash,
                io.jenkins.plugins.modelops.Digests.sha256(copy.resolve("model.tribuo"))));
        ModelBundle bundle = ModelBundle.open(copy);
        assertThatThrownBy(() -> Predictor.load(bundle))
                .hasMessageContaining("is a Java-serialized object, not Tribuo's protobuf format");
    }

    static List<Map<String, Object>> irisRows() throws IOException {
        CsvTable table = CsvTable.read(TestBundles.example("iris.csv"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < table.rows(); r++) {
            Map<String, Object> row = new HashMap<>();
            for (String name : List.of("sepal_length", "sepal_width", "petal_length", "petal_width")) {
                row.put(name, table.column(table.columnIndex(name)).numbers()[r]);
            }
            rows.add(row);
        }
        return rows;
    }
}
