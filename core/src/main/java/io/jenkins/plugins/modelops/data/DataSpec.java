package io.jenkins.plugins.modelops.data;

import java.util.List;
import java.util.Optional;

/**
 * Which columns of a table to learn from, and how.
 *
 * @param label the column to predict
 * @param features the feature columns; empty means every column but the label and the excluded ones
 * @param exclude columns never used as features (ids, leaks)
 * @param categorical columns to treat as text even where their values look numeric (zip codes, codes)
 * @param missing what to do with missing cells
 * @param task classification or regression; empty to infer it from the label column
 * @param format the file's delimiter and decimal mark
 */
public record DataSpec(String label, List<String> features, List<String> exclude, List<String> categorical,
                       MissingPolicy missing, Optional<Task> task, CsvFormat format) {

    public DataSpec {
        features = List.copyOf(features);
        exclude = List.copyOf(exclude);
        categorical = List.copyOf(categorical);
    }

    public static DataSpec of(String label) {
        return new DataSpec(label, List.of(), List.of(), List.of(), MissingPolicy.ERROR, Optional.empty(),
                CsvFormat.DEFAULT);
    }

    public DataSpec withFeatures(List<String> value) {
        return new DataSpec(label, value, exclude, categorical, missing, task, format);
    }

    public DataSpec withExclude(List<String> value) {
        return new DataSpec(label, features, value, categorical, missing, task, format);
    }

    public DataSpec withCategorical(List<String> value) {
        return new DataSpec(label, features, exclude, value, missing, task, format);
    }

    public DataSpec withMissing(MissingPolicy value) {
        return new DataSpec(label, features, exclude, categorical, value, task, format);
    }

    public DataSpec withTask(Task value) {
        return new DataSpec(label, features, exclude, categorical, missing, Optional.ofNullable(value), format);
    }

    public DataSpec withFormat(CsvFormat value) {
        return new DataSpec(label, features, exclude, categorical, missing, task, value);
    }
}
