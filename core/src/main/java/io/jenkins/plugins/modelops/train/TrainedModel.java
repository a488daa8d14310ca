package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.metrics.Metrics;
import org.tribuo.Model;

import java.util.List;

/**
 * A model trained on the training rows and scored on the held-out rows, with all that shaped it.
 *
 * @param data facts about the data it learned from
 */
public record TrainedModel(Model<?> model, ModelSchema schema, Algorithm algorithm, Hyperparameters params,
                           Metrics metrics, DataFacts data, TrainingConfig config) {

    /**
     * @param file the data file's name (never its absolute path: bundles travel)
     * @param sha256 the data file's content hash
     * @param taskReason why the task is classification or regression
     * @param warnings what looked wrong in the data without being refused (e.g. an id-like column)
     */
    public record DataFacts(String file, String sha256, int rows, int droppedRows, int trainRows, int testRows,
                            String taskReason, List<String> warnings) {

        public DataFacts {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }
    }
}
