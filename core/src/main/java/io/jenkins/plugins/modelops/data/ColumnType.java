package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a feature column is encoded: as a number, or one-hot over the categories seen in training. */
public enum ColumnType {
    NUMERIC, CATEGORICAL;

    @JsonValue
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
