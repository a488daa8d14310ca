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

    /**
     * The format this version writes. 2: a regressor's model predicts the target as {@code schema.json}'s label
     * scaling says (see {@code LabelSpec.targetMean}); a reader that ignored it would serve wrong values, so readers
     * of format 1 refuse it by its format.
     */
    public static final String FORMAT = "modelops-bundle/2";
    /** The formats this version reads: 1 (regressors learned the target as it is) and 2. */
    public static final java.util.Set<String> READABLE = java.util.Set.of("modelops-bundle/1", FORMAT);

    /** A short form of the id for logs and labels, like a short git hash. */
    @JsonIgnore
    public String shortId() {
        return modelId.substring(0, 12);
    }
}
