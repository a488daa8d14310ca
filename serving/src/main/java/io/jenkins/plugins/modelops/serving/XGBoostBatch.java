package io.jenkins.plugins.modelops.serving;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.xgboost.XGBoostClassificationConverter;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.common.xgboost.XGBoostOutputConverter;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.regression.xgboost.XGBoostRegressionConverter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * XGBoost prediction that frees its native memory. Tribuo's {@link XGBoostModel#predict} builds a native DMatrix per
 * call and leaves it to the finalizer; under steady load native memory grows (881 MiB RSS measured) and latency with
 * it. This converts examples exactly as Tribuo does ({@code XGBoostTrainer.convertExamples}, reachable from a
 * subclass only, hence the never-instantiated subclass), predicts with the model's boosters and disposes the DMatrix
 * at once.
 */
abstract class XGBoostBatch<T extends Output<T>> extends XGBoostTrainer<T> {

    private XGBoostBatch() {
        // Never instantiated: the class exists to reach XGBoostTrainer's protected static conversion.
    }

    /** Predicts a batch of examples in one native call. */
    @FunctionalInterface
    interface Native<T extends Output<T>> {
        List<Prediction<T>> predict(List<Example<T>> examples);
    }

    /** A predict function over a loaded XGBoost model, or null if the model is not XGBoost. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T extends Output<T>> Native<T> of(Model<T> model) {
        if (!(model instanceof XGBoostModel<T> xgb)) {
            return null;
        }
        boolean classification = model.getOutputIDInfo().getDomain().iterator().next() instanceof Label;
        // Booster.predict is synchronized: one set of boosters per core, each single-threaded, lets requests on
        // different threads predict at the same time.
        int sets = Runtime.getRuntime().availableProcessors();
        BlockingQueue<List<Booster>> pool = new ArrayBlockingQueue<>(sets);
        try {
            for (int s = 0; s < sets; s++) {
                List<Booster> boosters = xgb.getInnerModels(); // copies
                for (Booster booster : boosters) {
                    booster.setParam("nthread", 1);
                }
                pool.add(boosters);
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost rejected nthread=1: " + e.getMessage(), e);
        }
        XGBoostOutputConverter<T> converter = classification
                ? (XGBoostOutputConverter) new XGBoostClassificationConverter()
                : (XGBoostOutputConverter) new XGBoostRegressionConverter();
        return examples -> {
            try {
                List<Booster> boosters = pool.take(); // before the DMatrix exists, so an interrupt cannot leak it
                XGBoostTrainer.DMatrixTuple<T> matrix;
                try {
                    matrix = convertExamples(examples, model.getFeatureIDMap());
                } catch (RuntimeException | XGBoostError e) {
                    pool.add(boosters);
                    throw e;
                }
                try {
                    List<float[][]> outputs = new ArrayList<>(boosters.size());
                    for (Booster booster : boosters) {
                        outputs.add(booster.predict(matrix.data));
                    }
                    return converter.convertBatchOutput(model.getOutputIDInfo(), outputs, matrix.numValidFeatures,
                            matrix.examples);
                } finally {
                    pool.add(boosters);
                    matrix.data.dispose();
                }
            } catch (XGBoostError e) {
                throw new IllegalStateException("XGBoost failed to predict: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an XGBoost booster", e);
            }
        };
    }
}
