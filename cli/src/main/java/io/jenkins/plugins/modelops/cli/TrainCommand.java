package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.data.CsvFormat;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.Hyperparameters;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code modelops train}: the trainModel step from a shell. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on a CSV file, evaluate it on held-out rows and write a model bundle.",
                "Exit codes: 0 trained (and blessed, if requirements were given), 1 blessing failed, 2 bad input."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV file with a header row")
    Path data;

    @Option(names = "--label", required = true, paramLabel = "COL", description = "the column to predict")
    String label;

    @Option(names = "--features", split = ",", paramLabel = "a,b", description = "feature columns (default: all others)")
    List<String> features = new ArrayList<>();

    @Option(names = "--exclude", split = ",", paramLabel = "id", description = "columns never used as features")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--categorical", split = ",", paramLabel = "a,b",
            description = "columns to treat as text even if they look numeric")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--task", paramLabel = "classification|regression",
            description = "override the task inferred from the label")
    String task;

    @Option(names = "--algorithm", paramLabel = "NAME",
            description = "logistic, sgd, liblinear, cart, random-forest, xgboost (default: logistic, or sgd for regression)")
    String algorithm;

    @Option(names = "--param", paramLabel = "k=v", description = "hyperparameter, repeatable (e.g. max_depth=8)")
    List<String> params = new ArrayList<>();

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2", description = "held-out share (default 0.2)")
    double testFraction;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "0",
            description = "k-fold cross-validation on the training rows (default: none)")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "seed for the split and the trainer (default 42)")
    long seed;

    @Option(names = "--missing", paramLabel = "error|drop|mean", defaultValue = "error",
            description = "missing values: error (default), drop the row, or mean-impute numeric columns")
    String missing;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
            description = "field delimiter: ',' (default), ';' or tab")
    String delimiter;

    @Option(names = "--decimal", paramLabel = "CHAR", defaultValue = ".",
            description = "decimal mark of numbers: '.' (default) or ','")
    String decimal;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "bundle directory to write")
    Path out;

    @Option(names = "--baseline", paramLabel = "DIR", description = "earlier bundle for baseline requirements")
    Path baseline;

    @Option(names = "--require", paramLabel = "EXPR",
            description = "gate requirement, repeatable: accuracy>=0.90, rmse<=baseline*1.02, f1_macro>=baseline-0.01")
    List<String> requirements = new ArrayList<>();

    @Option(names = "--json", description = "print a machine-readable summary on stdout")
    boolean json;

    @Option(names = "--name", paramLabel = "NAME",
            description = "the model's name in its lifecycle status (default: the --out directory's name, as the server names it)")
    String name;

    @Mixin
    PushgatewayOptions pushgateway = new PushgatewayOptions();

    @Override
    public Integer call() throws Exception {
        DataSpec dataSpec = DataSpec.of(label).withFeatures(features).withExclude(exclude).withCategorical(categorical)
                .withMissing(MissingPolicy.parse(missing)).withTask(task == null ? null : Task.parse(task))
                .withFormat(new CsvFormat(CsvFormat.parseDelimiter(delimiter), CsvFormat.parseDecimal(decimal)));
        TrainingConfig config = TrainingConfig.of(data, dataSpec)
                .withAlgorithm(algorithm == null ? null : Algorithm.parse(algorithm))
                .withParams(Hyperparameters.parsePairs(params))
                .withTestFraction(testFraction)
                .withFolds(folds)
                .withSeed(seed);
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        TrainModel.Outcome outcome = TrainModel.run(new TrainModel.Request(config, out, Optional.ofNullable(baseline),
                requirements, name, pushgateway.reporter()).against(Path.of("").toAbsolutePath()), progress);
        BundleManifest manifest = outcome.bundle().manifest();
        if (json) {
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(outcome.summary()));
        } else {
            spec.commandLine().getOut().printf("model %s (%s, %s) -> %s%n", manifest.shortId(), manifest.algorithm(),
                    manifest.task(), outcome.bundle().dir());
            outcome.bundle().metrics().numericNames().forEach(n ->
                    spec.commandLine().getOut().printf(java.util.Locale.ROOT, "  %-16s %.4f%n", n, outcome.bundle().metrics().get(n)));
            spec.commandLine().getOut().println("  blessing         " + manifest.blessing().id());
        }
        return outcome.rejected() ? ModelOps.REJECTED : ModelOps.OK;
    }
}
