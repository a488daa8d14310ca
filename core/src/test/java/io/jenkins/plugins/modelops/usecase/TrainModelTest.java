package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.train.*;
import io.jenkins.plugins.modelops.metrics.*;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.gate.BlessingStatus;
import io.jenkins.plugins.modelops.gate.CheckResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrainModelTest {

    @TempDir
    Path dir;

    private TrainModel.Outcome train(TrainingConfig config, String out, String... requirements) {
        return train(config, out, Optional.empty(), requirements);
    }

    private TrainModel.Outcome train(TrainingConfig config, String out, Optional<Path> baseline, String... requirements) {
        return TrainModel.run(new TrainModel.Request(config, dir.resolve(out), baseline, List.of(requirements)),
                Progress.silent());
    }

    private static TrainingConfig iris(Algorithm algorithm) {
        return TrainingConfig.of(Examples.iris(), DataSpec.of("species")).withAlgorithm(algorithm);
    }

    private static TrainingConfig courses(Algorithm algorithm) {
        return TrainingConfig.of(Examples.courses(), DataSpec.of("satisfaction")
                .withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN)).withAlgorithm(algorithm);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everyClassifierLearnsIrisAndItsBundleReloadsToTheSamePredictions(Algorithm algorithm) throws IOException {
        TrainModel.Outcome outcome = train(iris(algorithm), "iris-" + algorithm.id());

        ModelBundle bundle = ModelBundle.open(outcome.bundle().dir());
        assertThat(bundle.manifest().algorithm()).isEqualTo(algorithm.id());
        assertThat(bundle.manifest().task()).isEqualTo("classification");
        assertThat(bundle.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.85);
        assertThat(bundle.metrics().get("f1_macro")).isGreaterThanOrEqualTo(0.85);
        assertThat(bundle.schema().label().classes()).containsExactly("setosa", "versicolor", "virginica");
        try (Stream<Path> files = Files.list(bundle.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.tribuo",
                    "metrics.json", "provenance.json", "schema.json", "model-card.md", "bundle.json");
        }

        // The reloaded model, fed through the same encoder, predicts every row exactly as the trained one did.
        @SuppressWarnings("unchecked")
        Model<Label> reloaded = (Model<Label>) bundle.loadModel();
        FeatureEncoder encoder = new FeatureEncoder(bundle.schema());
        LabeledData data = LabeledData.read(Examples.iris(), DataSpec.of("species"), Progress.silent());
        int correct = 0;
        for (int row = 0; row < data.rows(); row++) {
            Prediction<Label> p = reloaded.predict(encoder.encode(data, row, LabelFactory.UNKNOWN_LABEL));
            correct += p.getOutput().getLabel().equals(data.labelClass(row)) ? 1 : 0;
        }
        assertThat(correct / (double) data.rows()).isGreaterThanOrEqualTo(0.85);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"SGD", "CART", "RANDOM_FOREST", "XGBOOST"})
    void everyRegressorLearnsCourseSatisfaction(Algorithm algorithm) {
        TrainModel.Outcome outcome = train(courses(algorithm), "courses-" + algorithm.id());

        Metrics metrics = outcome.bundle().metrics();
        assertThat(outcome.bundle().manifest().task()).isEqualTo("regression");
        assertThat(metrics.get("r2")).isGreaterThan(0.5);
        assertThat(metrics.get("rmse")).isLessThan(1.5);
        assertThat(metrics.get("mae")).isLessThan(metrics.get("rmse") + 1e-12);
        assertThat(outcome.bundle().schema().features()).extracting(f -> f.name())
                .doesNotContain("enrolment_id", "satisfaction")
                .contains("course", "teacher", "forum_posts");
    }

    @Test
    void regressionPredictionsMatchAfterReload() {
        for (Algorithm algorithm : List.of(Algorithm.CART, Algorithm.SGD)) {
            TrainingConfig config = courses(algorithm);
            TrainModel.Outcome outcome = train(config, "courses-" + algorithm.id());
            ModelBundle bundle = ModelBundle.open(outcome.bundle().dir());
            @SuppressWarnings("unchecked")
            Model<Regressor> reloaded = (Model<Regressor>) bundle.loadModel();
            FeatureEncoder encoder = new FeatureEncoder(bundle.schema());

            // The reloaded model, fed the same held-out rows through the bundle's schema, gives back exactly the
            // metrics training wrote: a broken encoding, target scaling or model file cannot hide.
            LabeledData data = LabeledData.read(config.data(), config.spec(), Progress.silent());
            int[] test = Split.holdout(data, config.testFraction(), config.seed()).test();
            double squares = 0;
            for (int row : test) {
                double value = bundle.schema().label().unscale(reloaded.predict(
                        encoder.encode(data, row, RegressionFactory.UNKNOWN_REGRESSOR)).getOutput().getValues()[0]);
                squares += (value - data.target(row)) * (value - data.target(row));
            }
            assertThat(Math.sqrt(squares / test.length)).as(algorithm.id())
                    .isCloseTo(bundle.metrics().get("rmse"), within(1e-9));
            assertThat(bundle.schema().label().scaled()).isTrue();
            assertThat(bundle.schema().label().targetStd() == 1.0).isEqualTo(algorithm != Algorithm.SGD);
        }
    }

    @Test
    void sameDataAndSeedGiveTheSameModelIdAndMetrics() {
        TrainModel.Outcome first = train(iris(Algorithm.RANDOM_FOREST), "a");
        TrainModel.Outcome second = train(iris(Algorithm.RANDOM_FOREST), "b");
        TrainModel.Outcome otherSeed = train(iris(Algorithm.RANDOM_FOREST).withSeed(7), "c");

        assertThat(second.bundle().manifest().modelId()).isEqualTo(first.bundle().manifest().modelId());
        assertThat(second.bundle().metrics().asMap()).isEqualTo(first.bundle().metrics().asMap());
        assertThat(otherSeed.bundle().manifest().modelId()).isNotEqualTo(first.bundle().manifest().modelId());
    }

    @Test
    void stratifiedSplitKeepsEveryClassInTheTestSet() {
        TrainModel.Outcome outcome = train(iris(Algorithm.LOGISTIC), "iris");

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> perClass = (Map<String, Map<String, Object>>) outcome.bundle().metrics()
                .asMap().get("per_class");
        assertThat(perClass).hasSize(3);
        assertThat(perClass.values()).allSatisfy(c -> assertThat(((Number) c.get("support")).intValue()).isEqualTo(10));
        assertThat(outcome.bundle().manifest().data().trainRows()).isEqualTo(120);
        assertThat(outcome.bundle().manifest().data().testRows()).isEqualTo(30);
    }

    @Test
    void binaryClassificationReportsRocAucAndCrossValidation() throws IOException {
        Path binary = dir.resolve("binary.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(Examples.iris()));
        lines.removeIf(l -> l.endsWith("setosa"));
        Files.write(binary, lines);

        TrainModel.Outcome outcome = train(TrainingConfig.of(binary, DataSpec.of("species"))
                .withFolds(5), "binary");

        Metrics metrics = outcome.bundle().metrics();
        assertThat(metrics.get("roc_auc")).isBetween(0.8, 1.0);
        assertThat(metrics.asMap().get("positive_class")).isEqualTo("virginica");
        @SuppressWarnings("unchecked")
        Map<String, Object> cv = (Map<String, Object>) metrics.asMap().get("cross_validation");
        assertThat(cv).containsEntry("folds", 5).containsKeys("accuracy", "roc_auc");
    }

    @Test
    void aOneRowClassTrainsButIsNeverScoredAndClassesAreNamedAsWritten() throws IOException {
        Path data = dir.resolve("rare.csv");
        StringBuilder csv = new StringBuilder("x,y,kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(',').append(i % 7).append(',').append(i % 2 == 0 ? "1" : "2.0").append('\n');
        }
        csv.append("100,3,3\n"); // class 3 has a single row
        Files.writeString(data, csv);

        TrainModel.Outcome outcome = train(TrainingConfig.of(data, DataSpec.of("kind")).withAlgorithm(Algorithm.CART)
                .withTestFraction(0.5).withFolds(4), "rare");

        assertThat(outcome.bundle().schema().label().classes()).containsExactly("1", "2.0", "3");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> perClass = (Map<String, Map<String, Object>>) outcome.bundle().metrics()
                .asMap().get("per_class");
        assertThat(((Number) perClass.get("3").get("support")).intValue()).isZero();
    }

    @Test
    void inferredTaskCanBeOverridden() {
        TrainingConfig wine = TrainingConfig.of(Examples.wine(), DataSpec.of("quality")).withAlgorithm(Algorithm.CART);

        assertThat(train(wine, "wine-class").bundle().manifest().task()).isEqualTo("classification");
        TrainModel.Outcome regression = train(wine.withSpec(DataSpec.of("quality").withTask(Task.REGRESSION)), "wine-reg");
        assertThat(regression.bundle().manifest().task()).isEqualTo("regression");
        assertThat(regression.bundle().manifest().data().taskReason()).isEqualTo("given by the task parameter");
    }

    @Test
    void dropPolicyDropsIncompleteRows() {
        TrainingConfig config = TrainingConfig.of(Examples.courses(), DataSpec.of("satisfaction")
                .withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.DROP)).withAlgorithm(Algorithm.CART);

        TrainModel.Outcome outcome = train(config, "dropped");

        assertThat(outcome.bundle().manifest().data().droppedRows()).isBetween(1, 100);
        assertThat(outcome.bundle().manifest().data().rows() + outcome.bundle().manifest().data().droppedRows())
                .isEqualTo(2000);
    }

    @Test
    void blessingPassesFailsAndComparesWithABaseline() throws IOException {
        TrainModel.Outcome baseline = train(iris(Algorithm.LOGISTIC), "baseline", "accuracy>=0.9");
        assertThat(baseline.rejected()).isFalse();
        assertThat(baseline.bundle().manifest().blessing()).isEqualTo(BlessingStatus.BLESSED);
        assertThat(baseline.blessing().orElseThrow().rejected()).isFalse();

        TrainModel.Outcome candidate = train(iris(Algorithm.CART).withParams(Map.of("max_depth", "1")), "candidate",
                Optional.of(baseline.bundle().dir()), "f1_macro>=baseline-0.01", "accuracy>=0.5");

        assertThat(candidate.rejected()).isTrue();
        assertThat(candidate.bundle().manifest().blessing()).isEqualTo(BlessingStatus.NOT_BLESSED);
        Blessing blessing = Json.MAPPER.readValue(candidate.bundle().dir().resolve("blessing.json").toFile(), Blessing.class);
        assertThat(blessing.baselineModelId()).isEqualTo(baseline.bundle().manifest().modelId());
        Blessing.Check f1 = blessing.checks().get(0);
        assertThat(f1.result()).isEqualTo(CheckResult.FAIL);
        assertThat(f1.baselineValue()).isEqualTo(baseline.bundle().metrics().get("f1_macro"));
        assertThat(f1.threshold()).isCloseTo(baseline.bundle().metrics().get("f1_macro") - 0.01, within(1e-12));
        assertThat(blessing.checks().get(1).result()).isEqualTo(CheckResult.PASS);
        assertThat(Files.readString(candidate.bundle().dir().resolve("model-card.md"))).contains("**Not blessed**");
    }

    @Test
    void aFirstRunWithoutBaselineSkipsRelativeRequirementsVisibly() {
        TrainModel.Outcome withAbsolute = train(iris(Algorithm.LOGISTIC), "first", "f1_macro>=baseline-0.01",
                "accuracy>=0.9");

        assertThat(withAbsolute.blessing().orElseThrow().status()).isEqualTo(BlessingStatus.BLESSED);
        Blessing.Check skipped = withAbsolute.blessing().orElseThrow().checks().get(0);
        assertThat(skipped.result()).isEqualTo(CheckResult.SKIPPED);
        assertThat(skipped.reason()).contains("no baseline bundle given");
        assertThat(skipped.threshold()).isNull();

        TrainModel.Outcome onlyRelative = train(iris(Algorithm.LOGISTIC), "only-relative", "f1_macro>=baseline-0.01");
        assertThat(onlyRelative.bundle().manifest().blessing()).isEqualTo(BlessingStatus.NOT_EVALUATED);
        assertThat(onlyRelative.rejected()).isFalse();
    }

    @Test
    void noRequirementMeansNoBlessingClaimed() {
        TrainModel.Outcome outcome = train(iris(Algorithm.LOGISTIC), "plain");

        assertThat(outcome.blessing()).isEmpty();
        assertThat(outcome.rejected()).isFalse();
        assertThat(outcome.bundle().manifest().blessing()).isEqualTo(BlessingStatus.NOT_EVALUATED);
        assertThat(outcome.bundle().dir().resolve("blessing.json")).doesNotExist();
    }

    @Test
    void anEarlierBundleIsReplacedWholeAndNothingIsLeftBeside() throws IOException {
        train(iris(Algorithm.LOGISTIC), "model");
        TrainModel.Outcome second = train(iris(Algorithm.CART), "model");

        assertThat(ModelBundle.open(dir.resolve("model")).manifest().algorithm()).isEqualTo("cart");
        assertThat(second.bundle().dir()).isEqualTo(dir.resolve("model"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("model"));
        }
    }
}
