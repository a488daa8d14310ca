package io.jenkins.plugins.modelops.train;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.LabelSpec;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.metrics.Metrics;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training pipeline: read and validate the CSV, split, fit the encoding on the training rows, train with
 * Tribuo, score on the held-out rows, and optionally cross-validate on the training rows.
 */
public final class ModelTraining {

    private final TrainingConfig config;
    private final Progress progress;

    private ModelTraining(TrainingConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
    }

    public static TrainedModel train(TrainingConfig config, Progress progress) {
        return train(config, prepare(config, progress), progress);
    }

    /** Trains on data already {@linkplain #prepare prepared} from the same config. */
    public static TrainedModel train(TrainingConfig config, Prepared prepared, Progress progress) {
        return new ModelTraining(config, progress).run(prepared);
    }

    /** The data and the resolved algorithm, checked before any training starts. */
    public record Prepared(LabeledData data, Algorithm algorithm, Hyperparameters params, String dataSha256) {
    }

    /** Reads and checks everything a run needs; fails fast, before minutes of training, on any bad input. */
    public static Prepared prepare(TrainingConfig config, Progress progress) {
        String sha256 = Files.isRegularFile(config.data()) ? Digests.sha256(config.data()) : null;
        LabeledData data = LabeledData.read(config.data(), config.spec(), progress);
        Algorithm algorithm = config.algorithm().orElse(Algorithm.defaultFor(data.task()));
        if (!algorithm.supports(data.task())) {
            throw new InvalidInputException(Parameter.ALGORITHM, algorithm.unsupported(data.task()) + " (the task is " + data.task().id()
                    + " because " + data.taskReason() + ")");
        }
        Hyperparameters params = Hyperparameters.resolve(algorithm, data.task(), config.params());
        return new Prepared(data, algorithm, params, sha256);
    }

    private TrainedModel run(Prepared prepared) {
        LabeledData data = prepared.data();
        Split split = Split.holdout(data, config.testFraction(), config.seed());
        List<Split> folds = config.folds() != 0 ? Split.folds(data, split.train(), config.folds(), config.seed()) : List.of();
        progress.info(String.format("Algorithm %s %s; %d training rows, %d test rows (seed %d)",
                prepared.algorithm().id(), prepared.params().asMap(), split.train().length, split.test().length,
                config.seed()));

        Map<String, Object> crossValidation = folds.isEmpty() ? null : crossValidate(prepared, folds);

        long start = System.nanoTime();
        Fit fit = fit(prepared, split);
        progress.info(String.format(java.util.Locale.ROOT, "Trained %s in %.1f s", prepared.algorithm().id(),
                (System.nanoTime() - start) / 1e9));
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("train_rows", split.train().length);
        if (crossValidation != null) {
            more.put("cross_validation", crossValidation);
        }
        Metrics metrics = fit.metrics().with(more);
        String file = config.data().getFileName().toString();
        TrainedModel.DataFacts facts = new TrainedModel.DataFacts(file, prepared.dataSha256(), data.rows(),
                data.droppedRows(), split.train().length, split.test().length, data.taskReason(),
                data.warnings().stream().map(Parameter::plain).toList());
        return new TrainedModel(fit.model(), fit.schema(), prepared.algorithm(), prepared.params(), metrics, facts, config);
    }

    private record Fit(Model<?> model, ModelSchema schema, Metrics metrics) {
    }

    /** Fits encoding and model on {@code split.train()}, scores on {@code split.test()}. */
    @SuppressWarnings("unchecked")
    private Fit fit(Prepared prepared, Split split) {
        LabeledData data = prepared.data();
        ModelSchema schema = ModelSchema.fit(data, split.train(), config.spec().missing(),
                prepared.algorithm().standardizesFeatures(), prepared.algorithm().bins(prepared.params()));
        FeatureEncoder encoder = new FeatureEncoder(schema);
        Trainer<?> trainer = prepared.algorithm().trainer(data.task(), prepared.params(), config.seed());
        Map<String, Provenance> run = runProvenance(prepared);
        int[] test = split.test();
        if (data.task() == Task.CLASSIFICATION) {
            LabelFactory factory = new LabelFactory();
            MutableDataset<Label> train = new MutableDataset<>(dataProvenance(prepared, factory), factory);
            for (int row : split.train()) {
                train.add(encoder.encode(data, row, new Label(data.labelClass(row))));
            }
            Model<Label> model = ((Trainer<Label>) trainer).train(train, run);
            List<String> classes = schema.label().classes();
            String[] truth = new String[test.length];
            String[] predicted = new String[test.length];
            double[] positive = classes.size() == 2 ? new double[test.length] : null;
            List<Example<Label>> examples = new ArrayList<>(test.length);
            for (int row : test) {
                examples.add(encoder.encode(data, row, LabelFactory.UNKNOWN_LABEL));
            }
            List<Prediction<Label>> predictions = model.predict(examples); // one batch: XGBoost builds one matrix
            for (int i = 0; i < test.length; i++) {
                Prediction<Label> p = predictions.get(i);
                truth[i] = data.labelClass(test[i]);
                predicted[i] = p.getOutput().getLabel();
                if (positive != null) {
                    Label score = p.getOutputScores().get(classes.get(1));
                    positive[i] = score == null ? Double.NEGATIVE_INFINITY : score.getScore();
                }
            }
            return new Fit(model, schema, Evaluation.classification(truth, predicted, positive, classes));
        }
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> train = new MutableDataset<>(dataProvenance(prepared, factory), factory);
        LabelSpec label = schema.label();
        for (int row : split.train()) {
            train.add(encoder.encode(data, row, new Regressor(data.label(), label.scale(data.target(row)))));
        }
        Model<Regressor> model = ((Trainer<Regressor>) trainer).train(train, run);
        List<Example<Regressor>> examples = new ArrayList<>(test.length);
        for (int row : test) {
            examples.add(encoder.encode(data, row, RegressionFactory.UNKNOWN_REGRESSOR));
        }
        List<Prediction<Regressor>> predictions = model.predict(examples);
        double[] truth = new double[test.length];
        double[] predicted = new double[test.length];
        for (int i = 0; i < test.length; i++) {
            truth[i] = data.target(test[i]);
            predicted[i] = label.unscale(predictions.get(i).getOutput().getValues()[0]);
        }
        return new Fit(model, schema, Evaluation.regression(truth, predicted));
    }

    private Map<String, Object> crossValidate(Prepared prepared, List<Split> folds) {
        List<Metrics> results = new ArrayList<>();
        for (int i = 0; i < folds.size(); i++) {
            results.add(fit(prepared, folds.get(i)).metrics());
            progress.info(String.format("Cross-validation fold %d of %d done", i + 1, folds.size()));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("folds", folds.size());
        for (String name : results.get(0).numericNames()) {
            double[] values = results.stream().mapToDouble(m -> m.get(name)).toArray();
            double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
            double variance = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum()
                    / Math.max(1, values.length - 1);
            summary.put(name, Map.of("mean", mean, "std", Math.sqrt(variance), "folds", values));
        }
        return summary;
    }

    private <T extends org.tribuo.Output<T>> DataProvenance dataProvenance(Prepared prepared, org.tribuo.OutputFactory<T> factory) {
        OffsetDateTime modified;
        try {
            modified = OffsetDateTime.ofInstant(Files.getLastModifiedTime(config.data()).toInstant(), ZoneOffset.UTC);
        } catch (IOException e) {
            modified = OffsetDateTime.now(ZoneOffset.UTC);
        }
        // The file's name and hash, never its absolute path: provenance travels with the bundle.
        String description = config.data().getFileName() + " (sha256 " + prepared.dataSha256() + ")";
        return new SimpleDataSourceProvenance(description, modified, factory);
    }

    private Map<String, Provenance> runProvenance(Prepared prepared) {
        Map<String, Provenance> run = new LinkedHashMap<>();
        run.put("modelops-version", new StringProvenance("modelops-version", Versions.modelops()));
        run.put("data-sha256", new StringProvenance("data-sha256", prepared.dataSha256()));
        run.put("algorithm", new StringProvenance("algorithm", prepared.algorithm().id()));
        run.put("hyperparameters", new StringProvenance("hyperparameters", prepared.params().toString()));
        run.put("split", new StringProvenance("split", "test fraction " + config.testFraction() + ", seed " + config.seed()));
        return run;
    }
}
