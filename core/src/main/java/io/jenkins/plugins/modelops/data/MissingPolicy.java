package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to do with a missing cell (empty, {@code NA}, {@code N/A}, {@code NaN}, {@code null} or {@code ?}). */
public enum MissingPolicy {
    /** Stop and name the first missing cell. The default: silent repairs hide broken exports. */
    ERROR,
    /** Drop every row with a missing feature or label. */
    DROP,
    /** Replace a missing numeric feature with its mean over the training rows (never over the test rows). */
    MEAN;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static MissingPolicy parse(String value) {
        for (MissingPolicy policy : values()) {
            if (policy.id().equalsIgnoreCase(value.strip())) {
                return policy;
            }
        }
        throw new InvalidInputException(Parameter.MISSING, "unknown missing-value policy '" + value + "'; expected one of: "
                + Arrays.stream(values()).map(MissingPolicy::id).collect(Collectors.joining(", ")));
    }
}
