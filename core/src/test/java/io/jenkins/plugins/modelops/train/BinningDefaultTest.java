package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.data.synthetic.WideNumeric;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quantile binning is on by default for tree algorithms only because it keeps quality within one point
 * (accuracy for classification, R² for regression). This test holds that promise on continuous data with far more
 * distinct values than the default bins, so binning really changes what the trees see (the bundled datasets have
 * fewer than 1024 distinct values per feature, where binning changes nothing). One split's accuracy moves by two
 * points from tree to tree on 600 test rows, so quality is the mean over five seeds (split and trainer).
 */
class BinningDefaultTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"classification, cart", "classification, random-forest", "regression, cart"})
    void defaultBinsCostAtMostOnePointWhereTheyBin(String task, String algorithm) throws IOException {
        Path data = dir.resolve("wide.csv");
        if (task.equals("classification")) {
            WideNumeric.write(data, 3000, 6, 3, 11);
        } else {
            WideNumeric.writeRegression(data, 3000, 6, 11);
        }
        String metric = task.equals("classification") ? "accuracy" : "r2";

        String label = task.equals("classification") ? "label" : "target";
        double quality = 0;
        double rawQuality = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            TrainedModel binned = train(data, label, algorithm, Algorithm.DEFAULT_BINS, seed);
            TrainedModel raw = train(data, label, algorithm, 0, seed);
            for (FeatureSpec f : binned.schema().features()) { // 2400 distinct training values binned into 1024
                assertThat(f.bins()).as(f.name()).isNotNull()
                        .hasSizeBetween(Algorithm.DEFAULT_BINS / 2, Algorithm.DEFAULT_BINS);
            }
            assertThat(raw.schema().features()).allMatch(f -> f.bins() == null);
            quality += binned.metrics().get(metric) / SEEDS;
            rawQuality += raw.metrics().get(metric) / SEEDS;
        }
        assertThat(quality).as("%s with bins=%d vs bins=0 (%.4f)", metric, Algorithm.DEFAULT_BINS, rawQuality)
                .isGreaterThanOrEqualTo(rawQuality - 0.01);
    }

    private static final int SEEDS = 5;

    private static TrainedModel train(Path data, String label, String algorithm, int bins, long seed) {
        // Ten trees keep the forest's five seeds quick; the bins do the same to each tree.
        Map<String, String> params = algorithm.equals("random-forest")
                ? Map.of("bins", Integer.toString(bins), "trees", "10") : Map.of("bins", Integer.toString(bins));
        TrainingConfig config = TrainingConfig.of(data, DataSpec.of(label))
                .withAlgorithm(Algorithm.parse(algorithm))
                .withParams(params).withSeed(seed);
        return ModelTraining.train(config, Progress.silent());
    }
}
