package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.BlessingStatus;
import io.jenkins.plugins.modelops.gate.CheckResult;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** What real exports and real pipelines do to the engine, each case a defect a review found. */
class RealWorldDataTest {

    @TempDir
    Path dir;

    private TrainModel.Outcome train(TrainingConfig config, String out, List<String> log, String... requirements) {
        return TrainModel.run(new TrainModel.Request(config, dir.resolve(out), Optional.empty(), List.of(requirements)),
                log::add);
    }

    @Test
    void regressorsBeatTheMeanOnANonCentredTargetAndIgnoreAShift() throws IOException {
        // Wine quality's target has mean 5.6; the shifted copy 1005.6. Plain SGD on the raw target was worse than the
        // mean predictor (R² below 0); a standardized target makes both the same problem.
        Path shifted = dir.resolve("wine-shifted.csv");
        List<String> lines = Files.readAllLines(Examples.wine());
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        int label = List.of(lines.get(0).split(",")).indexOf("quality");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            cells[label] = Integer.toString(Integer.parseInt(cells[label]) + 1000);
            out.add(String.join(",", cells));
        }
        Files.write(shifted, out);
        DataSpec spec = DataSpec.of("quality").withTask(Task.REGRESSION);

        TrainModel.Outcome plain = train(TrainingConfig.of(Examples.wine(), spec).withFolds(3), "plain",
                new ArrayList<>());
        TrainModel.Outcome moved = train(TrainingConfig.of(shifted, spec).withFolds(3), "moved", new ArrayList<>());
        assertThat(crossValidatedR2(moved)).isCloseTo(crossValidatedR2(plain), within(0.01)).isGreaterThan(0.25);
        // Trees too: Tribuo's CART lost the small variance of a shifted target to float rounding (R² 0.21 -> 0.09).
        TrainingConfig cart = TrainingConfig.of(Examples.wine(), spec).withAlgorithm(Algorithm.CART);
        double cartR2 = train(cart, "cart", new ArrayList<>()).bundle().metrics().get(Metric.R2);
        double movedCartR2 = train(TrainingConfig.of(shifted, spec).withAlgorithm(Algorithm.CART), "moved-cart",
                new ArrayList<>()).bundle().metrics().get(Metric.R2);
        assertThat(movedCartR2).isCloseTo(cartR2, within(0.01));

        assertThat(plain.bundle().manifest().algorithm()).isEqualTo("sgd");
        double r2 = plain.bundle().metrics().get(Metric.R2);
        assertThat(r2).isGreaterThan(0.25); // scikit-learn's LinearRegression: about 0.35 on this split
        assertThat(moved.bundle().metrics().get(Metric.R2)).isCloseTo(r2, within(0.01));
        assertThat(moved.bundle().schema().label().targetMean()).isBetween(1005.0, 1006.0);
        assertThat(plain.bundle().metrics().get(Metric.RMSE)).isCloseTo(moved.bundle().metrics().get(Metric.RMSE),
                within(0.01));
    }

    @SuppressWarnings("unchecked")
    private static double crossValidatedR2(TrainModel.Outcome outcome) {
        Map<String, Object> cv = (Map<String, Object>) outcome.bundle().metrics().asMap().get("cross_validation");
        return ((Number) ((Map<String, Object>) cv.get("r2")).get("mean")).doubleValue();
    }

    @Test
    void anIdLikeTextColumnIsNamedInTheLogAndTheModelCard() throws IOException {
        StringBuilder csv = new StringBuilder("customer,x,kind\n");
        for (int i = 0; i < 60; i++) {
            csv.append("C-").append(1000 + i).append(',').append(i % 9).append(',').append(i % 9 < 4 ? "a" : "b")
                    .append('\n');
        }
        Path data = Files.writeString(dir.resolve("customers.csv"), csv);
        List<String> log = new ArrayList<>();

        TrainModel.Outcome outcome = train(TrainingConfig.of(data, DataSpec.of("kind")), "m", log);

        String warning = "column 'customer' looks like an id: 60 distinct values in 60 rows (100%), so its categories "
                + "will not recur in new data; exclude it with exclude: customer";
        assertThat(log).anySatisfy(line -> assertThat(io.jenkins.plugins.modelops.Parameter.plain(line))
                .isEqualTo("WARNING: " + warning));
        assertThat(outcome.bundle().manifest().data().warnings()).containsExactly(warning);
        assertThat(Files.readString(outcome.bundle().dir().resolve("model-card.md"))).contains("- " + warning);
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"LOGISTIC", "CART", "XGBOOST"})
    void testRowsWhoseCategoriesAreAllUnseenAreScoredNotFatal(Algorithm algorithm) throws IOException {
        StringBuilder csv = new StringBuilder("colour,size,kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 2 == 0 ? "red" : "blue").append(',').append(i % 3 == 0 ? "S" : "L").append(',')
                    .append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        for (int i = 0; i < 20; i++) { // every one a category pair seen once: most land only in the test rows
            csv.append("c").append(i).append(",s").append(i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        Path data = Files.writeString(dir.resolve("unseen.csv"), csv);

        TrainModel.Outcome outcome = train(TrainingConfig.of(data, DataSpec.of("kind")).withTestFraction(0.5)
                .withAlgorithm(algorithm), "m", new ArrayList<>());

        assertThat(((Number) outcome.bundle().metrics().asMap().get("test_rows")).intValue()).isEqualTo(30);
        assertThat(outcome.bundle().metrics().get(Metric.ACCURACY)).isBetween(0.5, 1.0);
    }

    @Test
    void labelsAreClassesAsWritten() throws IOException {
        StringBuilder csv = new StringBuilder("x,code\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(',').append(i < 20 ? "01" : "1").append('\n');
        }
        Path data = Files.writeString(dir.resolve("codes.csv"), csv);
        List<String> log = new ArrayList<>();

        TrainModel.Outcome outcome = train(TrainingConfig.of(data, DataSpec.of("code")).withAlgorithm(Algorithm.CART),
                "m", log);

        assertThat(outcome.bundle().schema().label().classes()).containsExactly("01", "1");
        assertThat(outcome.bundle().metrics().get(Metric.ACCURACY)).isEqualTo(1.0);
        assertThat(log).anyMatch(l -> l.contains("the classes '01' and '1', which are the same number"));
    }

    @Test
    void rocAucOnATestSetOfOneClassIsNotEvaluableAndBlocksTheBlessing() throws IOException {
        StringBuilder csv = new StringBuilder("x,kind\n");
        for (int i = 0; i < 30; i++) {
            csv.append(i).append(",common\n");
        }
        csv.append("99,rare\n"); // a one-row class trains only, so the test rows hold one class
        Path data = Files.writeString(dir.resolve("rare.csv"), csv);

        TrainModel.Outcome outcome = train(TrainingConfig.of(data, DataSpec.of("kind")).withAlgorithm(Algorithm.CART),
                "m", new ArrayList<>(), "roc_auc>=0.7");

        assertThat(outcome.rejected()).isTrue();
        assertThat(outcome.bundle().manifest().blessing()).isEqualTo(BlessingStatus.NOT_BLESSED);
        assertThat(outcome.blessing().orElseThrow().checks().get(0).result()).isEqualTo(CheckResult.NOT_EVALUABLE);
        assertThat(outcome.bundle().metrics().has(Metric.ROC_AUC)).isFalse();
    }

    @Test
    void numbersAreWrittenWithADecimalPointUnderEveryLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            List<String> log = new ArrayList<>();
            TrainModel.Outcome outcome = train(TrainingConfig.of(Examples.iris(), DataSpec.of("species")), "m", log,
                    "accuracy>=0.5");
            assertThat(log).anySatisfy(l -> assertThat(l).matches(".*PASS accuracy>=0.5: accuracy = 0\\.\\d{4}, "
                    + "threshold 0\\.5000"));
            assertThat(log).noneMatch(l -> l.matches(".*\\d,\\d.*s$"));
            assertThat(outcome.bundle().dir().resolve("model-card.md")).content()
                    .containsPattern("\\| accuracy \\| 0\\.\\d{4} \\|").doesNotContainPattern("\\| 0,\\d");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void anInterruptedReplaceIsRecoveredOnTheNextRun() throws IOException {
        TrainingConfig iris = TrainingConfig.of(Examples.iris(), DataSpec.of("species"));
        Path target = train(iris, "m", new ArrayList<>()).bundle().dir();
        // A kill between the renames: the earlier bundle sits in .m.old-*, and m is gone.
        Path old = dir.resolve(".m.old-123");
        Files.move(target, old);

        train(iris.withAlgorithm(Algorithm.CART), "m", new ArrayList<>());

        assertThat(ModelBundle.open(target).manifest().algorithm()).isEqualTo("cart");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("m");
        }
    }

    @Test
    void aBundleHoldingAnotherFileIsNotReplaced() throws IOException {
        TrainingConfig iris = TrainingConfig.of(Examples.iris(), DataSpec.of("species"));
        Path target = train(iris, "m", new ArrayList<>()).bundle().dir();
        Files.writeString(target.resolve("my-notes.md"), "mine");

        assertThatThrownBy(() -> train(iris, "m", new ArrayList<>()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("m exists, is not empty and is not a ModelOps bundle (it holds my-notes.md, "
                        + "which bundle.json does not list); refusing to replace it. Name a new or empty directory, "
                        + "or an earlier bundle");
        assertThat(target.resolve("my-notes.md")).hasContent("mine");
        assertThat(ModelBundle.open(target).manifest().algorithm()).isEqualTo("logistic");
    }
}
