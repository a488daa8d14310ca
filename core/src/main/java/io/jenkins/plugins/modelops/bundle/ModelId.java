package io.jenkins.plugins.modelops.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.train.TrainedModel;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model id: SHA-256 over the canonical JSON of everything that determines the model. Tribuo's provenance and
 * the serialized model carry training timestamps and host facts, so hashing them would give every run a new id;
 * hashing the determinants gives the same id for the same data, settings and versions.
 */
final class ModelId {

    private ModelId() {
    }

    static String of(TrainedModel trained) {
        Map<String, Object> determinants = new LinkedHashMap<>();
        determinants.put("data_sha256", trained.data().sha256());
        determinants.put("schema", trained.schema());
        determinants.put("algorithm", trained.algorithm().id());
        determinants.put("hyperparameters", trained.params().asMap());
        determinants.put("seed", trained.config().seed());
        determinants.put("test_fraction", trained.config().testFraction());
        determinants.put("modelops", Versions.modelops());
        determinants.put("tribuo", Versions.tribuo());
        try {
            return Digests.sha256(Json.CANONICAL.writeValueAsString(determinants).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
