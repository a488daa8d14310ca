package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * What a model takes and gives: its features in order, with types, observed ranges and encoding, and its label.
 * Written to {@code schema.json}; the training pipeline and the model server encode through the same
 * {@link FeatureEncoder} built from it, so a request is encoded exactly as the training rows were.
 *
 * @param missing the missing-value policy of training; {@code mean} lets a request omit numeric features
 * @param standardize whether numeric features (and a regression target) are centred and scaled (linear models)
 *     before the model sees them
 */
public record ModelSchema(Task task, LabelSpec label, List<FeatureSpec> features, MissingPolicy missing,
                          boolean standardize) {

    public ModelSchema {
        features = List.copyOf(features);
    }

    /**
     * Fits the schema on the training rows only, so no statistic of the test rows leaks into the model.
     *
     * @param bins quantile bins per numeric feature (0: none); only features with more distinct values are binned
     */
    public static ModelSchema fit(LabeledData data, int[] trainRows, MissingPolicy missing, boolean standardize, int bins) {
        List<FeatureSpec> features = new ArrayList<>(data.features().size());
        for (LabeledData.Column column : data.features()) {
            features.add(column.type() == ColumnType.NUMERIC
                    ? numeric(data, column, trainRows, bins)
                    : categorical(column, trainRows));
        }
        LabelSpec label;
        if (data.task() == Task.CLASSIFICATION) {
            TreeSet<String> classes = new TreeSet<>();
            for (int row : trainRows) {
                classes.add(data.labelClass(row));
            }
            label = LabelSpec.classes(data.label(), List.copyOf(classes));
        } else {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int row : trainRows) {
                min = Math.min(min, data.target(row));
                max = Math.max(max, data.target(row));
                sum += data.target(row);
            }
            // Every regressor learns a centred target: Tribuo's CART computes a node's variance in float as the mean
            // of squares minus the squared mean, which a target near 1000 with a variance near 1 rounds away (R² 0.47
            // fell to 0.12 for wine quality + 1000). Linear regressors also learn it scaled, as they do features.
            double mean = sum / trainRows.length;
            double squares = 0;
            for (int row : trainRows) {
                squares += (data.target(row) - mean) * (data.target(row) - mean);
            }
            label = LabelSpec.range(data.label(), min, max)
                    .standardized(mean, standardize ? Math.sqrt(squares / trainRows.length) : 1.0);
        }
        return new ModelSchema(data.task(), label, features, missing, standardize);
    }

    private static FeatureSpec numeric(LabeledData data, LabeledData.Column column, int[] rows, int bins) {
        double[] values = new double[rows.length];
        int n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int row : rows) {
            double v = column.numbers()[row];
            if (!Double.isNaN(v)) {
                values[n++] = v;
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (n == 0) {
            throw new InvalidInputException(Parameter.EXCLUDE, String.format(
                    "%s: column '%s' has no values in the %d training rows, so it cannot be learned or imputed; "
                            + "exclude it (%s %s)", data.source(), column.name(), rows.length, Parameter.EXCLUDE.ref(),
                    column.name()));
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            squares += (values[i] - mean) * (values[i] - mean);
        }
        double[] cuts = null;
        if (bins > 0) { // sorting is the cost of binning; linear models skip it
            double[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            cuts = Binning.cutPoints(sorted, bins);
        }
        return FeatureSpec.numeric(column.name(), min, max, mean, Math.sqrt(squares / n), cuts);
    }

    private static FeatureSpec categorical(LabeledData.Column column, int[] rows) {
        TreeSet<String> categories = new TreeSet<>();
        for (int row : rows) {
            if (column.texts()[row] != null) {
                categories.add(column.texts()[row]);
            }
        }
        return FeatureSpec.categorical(column.name(), List.copyOf(categories));
    }

    @JsonIgnore
    public List<String> featureNames() {
        return features.stream().map(FeatureSpec::name).toList();
    }
}
