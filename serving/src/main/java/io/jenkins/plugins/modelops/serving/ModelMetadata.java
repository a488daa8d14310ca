package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.serving.Tensors.Output;

import java.util.List;

/** The v2 model metadata ({@code GET /v2/models/NAME}): inputs with ranges or categories, outputs, the model's facts. */
final class ModelMetadata {

    private ModelMetadata() {
    }

    /** {@code kernel} (null while loading) says how predictions are computed. */
    static ObjectNode of(ModelBundle bundle, String name, String version, boolean strict, String kernel) {
        ObjectNode out = Bodies.JSON.createObjectNode().put("name", name).put("platform", "tribuo");
        out.putArray("versions").add(version);
        ArrayNode inputs = out.putArray("inputs");
        for (FeatureSpec feature : bundle.schema().features()) {
            ObjectNode input = inputs.addObject().put("name", feature.name())
                    .put("datatype", feature.isNumeric() ? Tensors.FP64 : Tensors.BYTES);
            input.putArray("shape").add(-1);
            ObjectNode parameters = input.putObject("parameters");
            if (feature.isNumeric()) {
                parameters.put("min", feature.min()).put("max", feature.max());
            } else {
                ArrayNode categories = parameters.putArray("categories");
                feature.categories().forEach(categories::add);
            }
        }
        ArrayNode outputs = out.putArray("outputs");
        List<String> classes = bundle.schema().label().classes();
        for (Output output : Output.of(classes != null)) {
            ObjectNode tensor = outputs.addObject().put("name", output.tensor).put("datatype", output.datatype);
            ArrayNode shape = tensor.putArray("shape").add(-1);
            if (output == Output.SCORES) {
                shape.add(classes.size());
                ArrayNode names = tensor.putObject("parameters").putArray("classes");
                classes.forEach(names::add);
            }
        }
        ObjectNode parameters = out.putObject("parameters").put("model_id", bundle.manifest().modelId())
                .put("algorithm", bundle.manifest().algorithm()).put("task", bundle.manifest().task())
                .put("label", bundle.manifest().label()).put("strict", strict);
        if (kernel != null) {
            parameters.put("kernel", kernel);
        }
        return out;
    }
}
