package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.data.DataSpec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that decides a training run. Immutable; the CLI and the Jenkins step both build one.
 *
 * @param algorithm empty for the task's default (logistic for classification, sgd for regression)
 * @param params hyperparameters as given ({@code key=value}); checked against the algorithm
 * @param folds k for k-fold cross-validation on the training rows; 0 for none
 */
public record TrainingConfig(Path data, DataSpec spec, Optional<Algorithm> algorithm, Map<String, String> params,
                             double testFraction, int folds, long seed) {

    public static final double DEFAULT_TEST_FRACTION = 0.2;
    public static final long DEFAULT_SEED = 42;

    public TrainingConfig {
        params = Map.copyOf(params);
    }

    public static TrainingConfig of(Path data, DataSpec spec) {
        return new TrainingConfig(data, spec, Optional.empty(), Map.of(), DEFAULT_TEST_FRACTION, 0, DEFAULT_SEED);
    }

    public TrainingConfig withSpec(DataSpec value) {
        return new TrainingConfig(data, value, algorithm, params, testFraction, folds, seed);
    }

    public TrainingConfig withAlgorithm(Algorithm value) {
        return new TrainingConfig(data, spec, Optional.ofNullable(value), params, testFraction, folds, seed);
    }

    public TrainingConfig withParams(Map<String, String> value) {
        return new TrainingConfig(data, spec, algorithm, value, testFraction, folds, seed);
    }

    public TrainingConfig withTestFraction(double value) {
        return new TrainingConfig(data, spec, algorithm, params, value, folds, seed);
    }

    public TrainingConfig withFolds(int value) {
        return new TrainingConfig(data, spec, algorithm, params, testFraction, value, seed);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(data, spec, algorithm, params, testFraction, folds, value);
    }
}
