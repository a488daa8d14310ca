package io.jenkins.plugins.modelops.plugin.train;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.plugin.OnAgent;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code trainModel} step's fields as plain values that cross to the agent (strings, numbers, JDK lists and
 * maps that Jenkins' remoting filter admits), turned into the core request there. Null means the engine's default.
 */
public record TrainArguments(String data, String label, ArrayList<String> features, ArrayList<String> exclude,
                             String task, String algorithm, LinkedHashMap<String, String> params, Double testFraction,
                             Integer folds, Long seed, String missing, String output, String baseline,
                             ArrayList<String> require) implements OnAgent.Work {

    private static final long serialVersionUID = 1L;

    /** Where the bundle goes when {@code output} is not given, relative to the workspace. */
    public static final String DEFAULT_OUTPUT = "model";

    /** Trains on the agent; the engine's summary is the step's return value. */
    @Override
    public Map<String, Object> run(Path workspace, Progress progress) {
        return new LinkedHashMap<>(TrainModel.run(request(workspace), progress).summary());
    }

    /** The core request, every relative path resolved against {@code workspace}. */
    public TrainModel.Request request(Path workspace) {
        DataSpec spec = DataSpec.of(label).withFeatures(features).withExclude(exclude)
                .withMissing(missing == null ? MissingPolicy.ERROR : MissingPolicy.parse(missing))
                .withTask(task == null ? null : Task.parse(task));
        TrainingConfig config = TrainingConfig.of(Path.of(data), spec)
                .withAlgorithm(algorithm == null ? null : Algorithm.parse(algorithm))
                .withParams(params)
                .withTestFraction(testFraction == null ? TrainingConfig.DEFAULT_TEST_FRACTION : testFraction)
                .withFolds(folds == null ? 0 : folds)
                .withSeed(seed == null ? TrainingConfig.DEFAULT_SEED : seed);
        return new TrainModel.Request(config, Path.of(output == null ? DEFAULT_OUTPUT : output),
                Optional.ofNullable(baseline).map(Path::of), require).against(workspace);
    }

    /** Lists and maps as the remoting filter admits them; hyperparameter values as text ({@code max_depth: 8}). */
    static TrainArguments of(String data, String label, List<String> features, List<String> exclude, String task,
                             String algorithm, Map<String, ?> params, Double testFraction, Integer folds, Long seed,
                             String missing, String output, String baseline, List<String> require) {
        LinkedHashMap<String, String> textParams = new LinkedHashMap<>();
        if (params != null) {
            params.forEach((k, v) -> textParams.put(k, String.valueOf(v)));
        }
        return new TrainArguments(data, label, list(features), list(exclude), task, algorithm, textParams,
                testFraction, folds, seed, missing, output, baseline, list(require));
    }

    static ArrayList<String> list(List<String> values) {
        return values == null ? new ArrayList<>() : new ArrayList<>(values);
    }
}
