package io.jenkins.plugins.modelops.bench;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.data.synthetic.WideNumeric;
import io.jenkins.plugins.modelops.train.Split;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Tribuo's CART on raw continuous features against the same trainer on quantile-binned features (what
 * {@code bins=256} does), depth 10. Prints each variant's held-out accuracy (or RMSE) once per trial, so speed and
 * the accuracy it costs are measured in the same run. Run with {@code bench/training.sh TreeBinningBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class TreeBinningBenchmark {

    /** Tribuo logs every CSV chunk and training step at INFO; held strongly, or java.util.logging forgets its level. */
    static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    @Param({"classification-100000", "regression-2000", "regression-8000"})
    String data;

    @Param({"0", "256", "1024"})
    int bins;

    MutableDataset<?> train;
    MutableDataset<?> test;
    boolean classification;

    @Setup(Level.Trial)
    public void load() throws IOException {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        String[] parts = data.split("-");
        classification = parts[0].equals("classification");
        int rows = Integer.parseInt(parts[1]);
        Path csv = Files.createTempFile("modelops-tree", ".csv");
        if (classification) {
            WideNumeric.write(csv, rows, 20, 2, 42);
        } else {
            WideNumeric.writeRegression(csv, rows, 20, 42);
        }
        String label = classification ? "label" : "target";
        LabeledData labeled = LabeledData.read(csv, DataSpec.of(label)
                .withTask(classification ? Task.CLASSIFICATION : Task.REGRESSION), Progress.silent());
        Files.delete(csv);
        Split split = Split.holdout(labeled, 0.2, 42);
        FeatureEncoder encoder = new FeatureEncoder(ModelSchema.fit(labeled, split.train(), MissingPolicy.ERROR, false, bins));
        if (classification) {
            train = dataset(labeled, split.train(), encoder, new LabelFactory(), r -> new Label(labeled.labelClass(r)));
            test = dataset(labeled, split.test(), encoder, new LabelFactory(), r -> new Label(labeled.labelClass(r)));
        } else {
            train = dataset(labeled, split.train(), encoder, new RegressionFactory(), r -> new Regressor(label, labeled.target(r)));
            test = dataset(labeled, split.test(), encoder, new RegressionFactory(), r -> new Regressor(label, labeled.target(r)));
        }
        System.err.printf(Locale.ROOT, "%n[quality] %s bins=%d: %s%n", data, bins, quality(trainOnce()));
    }

    private static <T extends Output<T>> MutableDataset<T> dataset(LabeledData data, int[] rows, FeatureEncoder encoder,
                                                                   org.tribuo.OutputFactory<T> factory,
                                                                   IntFunction<T> output) {
        MutableDataset<T> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("bench", factory), factory);
        for (int row : rows) {
            dataset.add(encoder.encode(data, row, output.apply(row)));
        }
        return dataset;
    }

    @SuppressWarnings("unchecked")
    private Model<?> trainOnce() {
        if (classification) {
            return new CARTClassificationTrainer(10, 5f, 0f, 1f, false, new GiniIndex(), 42)
                    .train((MutableDataset<Label>) train);
        }
        return new CARTRegressionTrainer(10, 5f, 0f, 1f, false, new MeanSquaredError(), 42)
                .train((MutableDataset<Regressor>) train);
    }

    @SuppressWarnings("unchecked")
    private String quality(Model<?> model) {
        if (classification) {
            List<Prediction<Label>> predictions = ((Model<Label>) model).predict((MutableDataset<Label>) test);
            long correct = predictions.stream().filter(p -> p.getOutput().getLabel()
                    .equals(p.getExample().getOutput().getLabel())).count();
            return String.format(Locale.ROOT, "accuracy %.4f", correct / (double) predictions.size());
        }
        List<Prediction<Regressor>> predictions = ((Model<Regressor>) model).predict((MutableDataset<Regressor>) test);
        double squares = 0;
        for (Prediction<Regressor> p : predictions) {
            double e = p.getOutput().getValues()[0] - p.getExample().getOutput().getValues()[0];
            squares += e * e;
        }
        return String.format(Locale.ROOT, "rmse %.4f", Math.sqrt(squares / predictions.size()));
    }

    @Benchmark
    public Object trainCart() {
        return trainOnce();
    }
}
