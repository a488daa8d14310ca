package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quantile binning is on by default for tree algorithms only because it keeps quality at most one point on every
 * bundled dataset (accuracy for classification, R² for regression). This test holds that promise.
 */
class BinningDefaultTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "winequality-red.csv, quality, cart, accuracy",
            "winequality-red.csv, quality, random-forest, accuracy",
            "iris.csv, species, cart, accuracy",
            "course-satisfaction.csv, satisfaction, cart, r2",
            "course-satisfaction.csv, satisfaction, random-forest, r2"})
    void defaultBinsCostAtMostOnePoint(String file, String label, String algorithm, String metric) {
        assertThat(Algorithm.DEFAULT_BINS).isPositive();
        double binned = quality(Examples.path(file), label, algorithm, Algorithm.DEFAULT_BINS, metric);
        double raw = quality(Examples.path(file), label, algorithm, 0, metric);

        assertThat(binned).as("%s with bins=%d vs bins=0 (%.4f)", metric, Algorithm.DEFAULT_BINS, raw)
                .isGreaterThanOrEqualTo(raw - 0.01);
    }

    private static double quality(Path data, String label, String algorithm, int bins, String metric) {
        DataSpec spec = DataSpec.of(label).withExclude(label.equals("satisfaction") ? List.of("enrolment_id") : List.of())
                .withMissing(MissingPolicy.MEAN);
        TrainingConfig config = TrainingConfig.of(data, spec).withAlgorithm(Algorithm.parse(algorithm))
                .withParams(Map.of("bins", Integer.toString(bins)));
        return ModelTraining.train(config, Progress.silent()).metrics().get(metric);
    }
}
