package io.jenkins.plugins.modelops.deploy;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Real bundles trained in-process from the repository's examples, once per test JVM; shared by deploy's tests. */
public final class TestBundles {

    private static Path root;

    private TestBundles() {
    }

    /** Iris, logistic regression: 4 numeric features, classes setosa, versicolor, virginica. */
    public static synchronized Path iris() {
        return train("iris", "iris.csv", DataSpec.of("species"), Algorithm.LOGISTIC, 1);
    }

    /** Iris, logistic regression with another seed: a second model with the same server and dependencies. */
    public static synchronized Path irisRetrained() {
        return train("iris-2", "iris.csv", DataSpec.of("species"), Algorithm.LOGISTIC, 2);
    }

    /** Iris, XGBoost: needs the native library (and libgomp) where it runs. */
    public static synchronized Path irisXgboost() {
        return train("iris-xgb", "iris.csv", DataSpec.of("species"), Algorithm.XGBOOST, 1);
    }

    /** Course satisfaction, regression (sgd), missing values imputed. */
    public static synchronized Path courses() {
        return train("courses", "course-satisfaction.csv", DataSpec.of("satisfaction")
                .withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN), Algorithm.SGD, 1);
    }

    public static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    private static Path train(String name, String data, DataSpec spec, Algorithm algorithm, long seed) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("modelops-deploy-bundles");
                root.toFile().deleteOnExit();
            }
            Path out = root.resolve(name);
            if (!Files.isDirectory(out)) {
                TrainModel.run(new TrainModel.Request(TrainingConfig.of(example(data), spec).withAlgorithm(algorithm)
                        .withSeed(seed), out, Optional.empty(), List.of()), Progress.silent());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
