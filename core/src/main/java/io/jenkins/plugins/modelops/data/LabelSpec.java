package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The label as seen in training: its classes (classification) or its observed range (regression).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSpec(String name, List<String> classes, Double min, Double max) {
}
