package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Real bundles trained in-process from the repository's examples, once per test JVM. */
final class TestBundles {

    private static Path root;

    private TestBundles() {
    }

    /** Iris, logistic regression: 4 numeric features, classes setosa, versicolor, virginica. */
    static synchronized Path iris() {
        return train("iris", "iris.csv", DataSpec.of("species"), Algorithm.LOGISTIC);
    }

    static synchronized Path irisXgboost() {
        return train("iris-xgb", "iris.csv", DataSpec.of("species"), Algorithm.XGBOOST);
    }

    /** Iris, linear SVM (sgd with its default hinge loss): scores are not probabilities. */
    static synchronized Path irisHinge() {
        return train("iris-hinge", "iris.csv", DataSpec.of("species"), Algorithm.SGD);
    }

    /** Iris, a CART tree: no compiled kernel, Tribuo predicts. */
    static synchronized Path irisCart() {
        return train("iris-cart", "iris.csv", DataSpec.of("species"), Algorithm.CART);
    }

    /** Class names of {@link #oddClasses()}, in the bundle's order: a comma, a quote, and both. */
    static final List<String> ODD_CLASSES = List.of("setosa, \"wild\"", "versicolor", "virginica \"v\", large");

    /**
     * Iris, logistic regression, its classes renamed to {@link #ODD_CLASSES}: names that a comma-joined list of
     * classes, or one quoted carelessly, would get wrong.
     */
    static synchronized Path oddClasses() {
        try {
            Path csv = Files.createTempFile("iris-odd-classes", ".csv");
            csv.toFile().deleteOnExit();
            String quotedSetosa = "\"" + ODD_CLASSES.get(0).replace("\"", "\"\"") + "\"";
            String quotedVirginica = "\"" + ODD_CLASSES.get(2).replace("\"", "\"\"") + "\"";
            Files.writeString(csv, Files.readString(example("iris.csv")).replace(",setosa", "," + quotedSetosa)
                    .replace(",virginica", "," + quotedVirginica));
            return train("iris-odd-classes", csv, DataSpec.of("species"), Algorithm.LOGISTIC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Course satisfaction, regression (sgd): 3 categorical and 6 numeric features, missing values imputed. */
    static synchronized Path courses() {
        return train("courses", "course-satisfaction.csv", DataSpec.of("satisfaction")
                .withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN), Algorithm.SGD);
    }

    /** Course satisfaction, regression with another algorithm: the trees kernel (xgboost) or Tribuo (cart). */
    static synchronized Path courses(Algorithm algorithm) {
        return algorithm == Algorithm.SGD ? courses() : train("courses-" + algorithm.id(), "course-satisfaction.csv",
                DataSpec.of("satisfaction").withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN),
                algorithm);
    }

    static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    private static Path train(String name, String data, DataSpec spec, Algorithm algorithm) {
        return train(name, example(data), spec, algorithm);
    }

    private static Path train(String name, Path data, DataSpec spec, Algorithm algorithm) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("modelops-serving-bundles");
                root.toFile().deleteOnExit();
            }
            Path out = root.resolve(name);
            if (!Files.isDirectory(out)) {
                TrainModel.run(new TrainModel.Request(TrainingConfig.of(data, spec).withAlgorithm(algorithm),
                        out, Optional.empty(), List.of()), Progress.silent());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
