package io.jenkins.plugins.modelops.monitor.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.data.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * What a model server says of its model ({@code GET /v2/models/NAME}): the features it takes, numeric or not, its
 * label column, task and classes. The probe checks its rows against this before sending any.
 */
public record ServedModel(String name, String version, String modelId, Task task, String label,
                          List<Feature> features, List<String> classes) {

    /** One input: numeric ({@code FP64}) or categorical ({@code BYTES}). */
    public record Feature(String name, boolean numeric) {
    }

    public ServedModel {
        features = List.copyOf(features);
        classes = List.copyOf(classes);
    }

    public List<String> featureNames() {
        return features.stream().map(Feature::name).toList();
    }

    /** Reads the v2 metadata; {@code where} names the URL in errors. */
    static ServedModel of(JsonNode metadata, String where) {
        JsonNode parameters = metadata.path("parameters");
        String task = parameters.path("task").asText("");
        String label = parameters.path("label").asText("");
        if (task.isEmpty() || label.isEmpty() || !metadata.path("inputs").isArray()) {
            throw new IllegalStateException(where + " answered metadata without inputs, parameters.task or "
                    + "parameters.label: is this a ModelOps model server?");
        }
        List<Feature> features = new ArrayList<>();
        for (JsonNode input : metadata.path("inputs")) {
            features.add(new Feature(input.path("name").asText(), !"BYTES".equals(input.path("datatype").asText())));
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode output : metadata.path("outputs")) {
            if ("scores".equals(output.path("name").asText())) {
                output.path("parameters").path("classes").forEach(c -> classes.add(c.asText()));
            }
        }
        return new ServedModel(metadata.path("name").asText(), metadata.path("versions").path(0).asText(""),
                parameters.path("model_id").asText(""), Task.parse(task), label, features, classes);
    }
}
