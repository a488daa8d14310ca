package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One input feature as the model saw it in training. Numeric features carry their observed range and moments
 * (training rows only), categorical ones the categories seen; the server validates and encodes requests with it.
 *
 * @param bins quantile cut points when the feature is binned for tree training, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureSpec(String name, ColumnType type, Double min, Double max, Double mean, Double std,
                          List<String> categories, double[] bins) {

    public static FeatureSpec numeric(String name, double min, double max, double mean, double std, double[] bins) {
        return new FeatureSpec(name, ColumnType.NUMERIC, min, max, mean, std, null, bins);
    }

    public static FeatureSpec categorical(String name, List<String> categories) {
        return new FeatureSpec(name, ColumnType.CATEGORICAL, null, null, null, null, List.copyOf(categories), null);
    }

    @JsonIgnore
    public boolean isNumeric() {
        return type == ColumnType.NUMERIC;
    }
}
