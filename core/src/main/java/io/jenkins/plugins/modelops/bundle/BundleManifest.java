package io.jenkins.plugins.modelops.bundle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.jenkins.plugins.modelops.gate.BlessingStatus;
import io.jenkins.plugins.modelops.train.TrainedModel;

import java.util.SortedMap;

/**
 * {@code bundle.json}: who the model is and what it is made of. {@code modelId} is a content hash of what determines
 * the model (data, encoding, algorithm, hyperparameters, seed, split, versions), so the same inputs give the same id
 * on any machine; {@code files} holds the SHA-256 of every other file in the bundle.
 *
 * @param blessing the offline gate's verdict; {@code not-evaluated} when no requirement was given
 */
public record BundleManifest(String format, String modelId, String createdAt, String toolVersion,
                             String tribuoVersion, String task, String label, String algorithm,
                             SortedMap<String, String> hyperparameters, long seed, double testFraction,
                             TrainedModel.DataFacts data, BlessingStatus blessing, SortedMap<String, String> files) {

    public static final String FORMAT = "modelops-bundle/1";

    /** A short form of the id for logs and labels, like a short git hash. */
    @JsonIgnore
    public String shortId() {
        return modelId.substring(0, 12);
    }
}
