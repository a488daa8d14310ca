package io.jenkins.plugins.modelops.bench;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.synthetic.WideNumeric;
import io.jenkins.plugins.modelops.train.Algorithm;

import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.DataSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.evaluation.TrainTestSplitter;
import org.tribuo.math.optimisers.AdaGrad;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * trainModel end to end (CSV load, split, train, evaluate, bundle) against raw Tribuo doing the same work on a
 * 100k x 20 dataset, and CSV loading alone against Tribuo's CSVLoader. Run with {@code bench/training.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class TrainingBenchmark {

    /** Tribuo logs every CSV chunk and training step at INFO; held strongly, or java.util.logging forgets its level. */
    static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static final int ROWS = 100_000;
    static final int FEATURES = 20;
    static final long SEED = 42;

    Path dir;
    Path csv;

    @Setup(Level.Trial)
    public void generate() throws IOException {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        dir = Files.createTempDirectory("modelops-bench");
        csv = dir.resolve("wide.csv");
        WideNumeric.write(csv, ROWS, FEATURES, 2, SEED);
    }

    @TearDown(Level.Trial)
    public void clean() throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The same trainer configuration on both sides: Tribuo's logistic regression defaults. */
    static LinearSGDTrainer logistic() {
        return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), 5, -1, 1, SEED);
    }

    @Benchmark
    public Object endToEndModelOps() {
        TrainingConfig config = TrainingConfig.of(csv, DataSpec.of("label")).withAlgorithm(Algorithm.LOGISTIC)
                .withSeed(SEED);
        return TrainModel.run(new TrainModel.Request(config, dir.resolve("modelops-bundle"), Optional.empty(), List.of()),
                Progress.silent()).bundle().metrics().get("accuracy");
    }

    @Benchmark
    public Object endToEndRawTribuo() throws IOException {
        DataSource<Label> source = new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "label");
        TrainTestSplitter<Label> splitter = new TrainTestSplitter<>(source, 0.8, SEED);
        MutableDataset<Label> train = new MutableDataset<>(splitter.getTrain());
        MutableDataset<Label> test = new MutableDataset<>(splitter.getTest());
        Model<Label> model = logistic().train(train);
        double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
        model.serializeToFile(dir.resolve("raw-model.tribuo"));
        return accuracy;
    }

    @Benchmark
    public Object csvLoadModelOps() {
        return LabeledData.read(csv, DataSpec.of("label"), Progress.silent());
    }

    @Benchmark
    public Object csvLoadTribuo() throws IOException {
        return new MutableDataset<>(new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "label"));
    }
}
