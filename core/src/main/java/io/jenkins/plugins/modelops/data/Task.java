package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a model predicts: a class or a number. */
public enum Task {
    CLASSIFICATION, REGRESSION;

    /** The lower-case name used in flags, JSON and Jenkinsfiles. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Task parse(String value) {
        for (Task task : values()) {
            if (task.id().equalsIgnoreCase(value.strip())) {
                return task;
            }
        }
        throw new InvalidInputException(Parameter.TASK, "unknown task '" + value + "'; expected one of: "
                + Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", ")));
    }
}
