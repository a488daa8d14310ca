package io.jenkins.plugins.modelops.serving.bench;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureEncoder;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.xgboost.XGBoostModel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Single-thread µs per row of the pure-Java tree evaluator ({@code XGBoostTrees}) against the native path
 * ({@code XGBoostBatch}: DMatrix, {@code Booster.predict}, Tribuo's converter), one row per call and 100 rows per
 * call, on iris's 150 rows encoded as the server encodes them. Not a test: a main method.
 * <p>
 * Usage: {@code XGBoostTreesTiming [SECONDS [BUNDLE_DIR CSV LABEL]]}; without a bundle it trains iris with XGBoost's
 * default hyperparameters (50 rounds, 150 trees) into a temporary directory first.
 */
public final class XGBoostTreesTiming {

    // Both classes are package-private in the serving package: reached through method handles, which the JIT inlines
    // from static finals as it would a direct call.
    private static final MethodHandle TREES_OF;
    private static final MethodHandle TREES_PREDICT;
    private static final MethodHandle BATCH_OF;
    private static final MethodHandle BATCH_PREDICT;

    static {
        try {
            Class<?> trees = Class.forName("io.jenkins.plugins.modelops.serving.XGBoostTrees");
            Class<?> batch = Class.forName("io.jenkins.plugins.modelops.serving.XGBoostBatch");
            Class<?> batchFunction = Class.forName("io.jenkins.plugins.modelops.serving.Predictor$Batch");
            MethodHandles.Lookup treesLookup = MethodHandles.privateLookupIn(trees, MethodHandles.lookup());
            MethodHandles.Lookup batchLookup = MethodHandles.privateLookupIn(batch, MethodHandles.lookup());
            TREES_OF = treesLookup.findStatic(trees, "of", MethodType.methodType(trees, XGBoostModel.class))
                    .asType(MethodType.methodType(Object.class, XGBoostModel.class));
            TREES_PREDICT = treesLookup.findVirtual(trees, "predict",
                            MethodType.methodType(void.class, Example.class, double[].class))
                    .asType(MethodType.methodType(void.class, Object.class, Example.class, double[].class));
            BATCH_OF = batchLookup.findStatic(batch, "of",
                            MethodType.methodType(batchFunction, Model.class, boolean.class))
                    .asType(MethodType.methodType(Object.class, Model.class, boolean.class));
            BATCH_PREDICT = MethodHandles.privateLookupIn(batchFunction, MethodHandles.lookup())
                    .findVirtual(batchFunction, "predict", MethodType.methodType(List.class, List.class))
                    .asType(MethodType.methodType(List.class, Object.class, List.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private XGBoostTreesTiming() {
    }

    public static void main(String[] args) throws Throwable {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path bundleDir;
        Path csv;
        DataSpec spec;
        if (args.length > 3) {
            bundleDir = Path.of(args[1]);
            csv = Path.of(args[2]);
            spec = DataSpec.of(args[3]);
        } else {
            csv = example("iris.csv");
            spec = DataSpec.of("species");
            bundleDir = Files.createTempDirectory("xgboost-trees-timing").resolve("iris");
            TrainModel.run(new TrainModel.Request(TrainingConfig.of(csv, spec).withAlgorithm(Algorithm.XGBOOST),
                    bundleDir, Optional.empty(), List.of()), Progress.silent());
        }
        ModelBundle bundle = ModelBundle.open(bundleDir);
        XGBoostModel<?> model = (XGBoostModel<?>) bundle.loadModel();
        FeatureEncoder encoder = new FeatureEncoder(bundle.schema());
        LabeledData data = LabeledData.read(csv, spec, Progress.silent());
        List<Example<?>> examples = new ArrayList<>();
        for (int row = 0; row < data.rows(); row++) {
            examples.add(encoder.encode(data, row, LabelFactory.UNKNOWN_LABEL));
        }
        while (examples.size() < 100) {
            examples.addAll(List.copyOf(examples));
        }
        List<Example<?>> hundred = examples.subList(0, 100);

        Object trees = TREES_OF.invokeExact(model);
        if (trees == null) {
            throw new IllegalStateException("XGBoostTrees cannot represent this model");
        }
        Object batch = BATCH_OF.invokeExact((Model) model, true);
        double[] out = new double[model.getOutputIDInfo().size()];

        System.out.printf("model: %s, %d rows, %s s per measurement, single thread%n", bundleDir,
                examples.size(), seconds);
        for (int round = 0; round < 2; round++) {
            String when = round == 0 ? "warm-up" : "measured";
            report(when, "XGBoostTrees, 1 row per call", seconds, 1, () -> {
                for (Example<?> example : examples) {
                    TREES_PREDICT.invokeExact(trees, (Example) example, out);
                }
                return examples.size();
            });
            report(when, "XGBoostTrees, 100 rows per call", seconds, 100, () -> {
                for (Example<?> example : hundred) {
                    TREES_PREDICT.invokeExact(trees, (Example) example, out);
                }
                return hundred.size();
            });
            report(when, "XGBoostBatch (native), 1 row per call", seconds, 1, () -> {
                for (Example<?> example : examples) {
                    List<?> result = (List<?>) BATCH_PREDICT.invokeExact(batch, (List) List.of(example));
                    if (result.size() != 1) {
                        throw new AssertionError();
                    }
                }
                return examples.size();
            });
            report(when, "XGBoostBatch (native), 100 rows per call", seconds, 100, () -> {
                List<?> result = (List<?>) BATCH_PREDICT.invokeExact(batch, (List) hundred);
                return result.size();
            });
        }
    }

    @FunctionalInterface
    private interface Work {
        /** Predicts some rows, returns how many. */
        int run() throws Throwable;
    }

    private static void report(String when, String name, double seconds, int rowsPerCall, Work work)
            throws Throwable {
        long rows = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            rows += work.run();
            now = System.nanoTime();
        } while (now < end);
        double micros = (now - start) / 1e3 / rows;
        if (when.equals("measured")) {
            System.out.printf("%-42s %8.3f µs/row  (%.3f µs/call)%n", name, micros, micros * rowsPerCall);
        }
    }

    private static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
