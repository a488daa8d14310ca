package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The label as seen in training: its classes (classification) or its observed range (regression).
 *
 * @param targetMean with {@code targetStd}: the model learned the target as {@code (y - mean) / std}, fitted on the
 *     training rows: centred for every regressor, and scaled too ({@code std} is 1 otherwise) for linear ones (SGD on a
 *     target far from zero, say a mean of 150, is worse than predicting the mean; Tribuo's CART loses a small variance
 *     to float rounding). Every prediction of the model is turned back with {@link #unscale}. Null for bundles of
 *     classifiers (and of regressors written before this field existed, which learned the target as it is).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSpec(String name, List<String> classes, Double min, Double max, Double targetMean,
                        Double targetStd) {

    public LabelSpec {
        classes = classes == null ? null : List.copyOf(classes);
        if ((targetMean == null) != (targetStd == null) || (targetStd != null && !(targetStd > 0))) {
            throw new IllegalArgumentException("label '" + name + "': targetMean and targetStd go together, and "
                    + "targetStd must be above 0 (was " + targetStd + ")");
        }
    }

    public static LabelSpec classes(String name, List<String> classes) {
        return new LabelSpec(name, List.copyOf(classes), null, null, null, null);
    }

    public static LabelSpec range(String name, double min, double max) {
        return new LabelSpec(name, null, min, max, null, null);
    }

    /** This label with the target standardized by the training rows' mean and standard deviation. */
    public LabelSpec standardized(double mean, double std) {
        return new LabelSpec(name, classes, min, max, mean, std > 0 ? std : 1.0);
    }

    @JsonIgnore
    public boolean scaled() {
        return targetMean != null;
    }

    /** A training target as the model learns it. */
    public double scale(double value) {
        return scaled() ? (value - targetMean) / targetStd : value;
    }

    /** A model's output as a prediction of the label. */
    public double unscale(double modelValue) {
        return scaled() ? modelValue * targetStd + targetMean : modelValue;
    }
}
