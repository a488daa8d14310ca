package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.bundle.ModelBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the given bundles say of the models they hold: the data's hash and the model card, matched to a served model
 * by its id ({@code modelops_model_info}'s {@code model_id}) or, for a version that no longer serves, by the short id
 * it is versioned with. Read at each poll without verifying the bundle (nothing is loaded or served from it here).
 */
final class ModelCards {

    /** One bundle's facts; {@code card} null when the bundle has no model-card.md. */
    record Card(String modelId, String shortId, String dataHash, String text) {
    }

    private ModelCards() {
    }

    /** The bundles' facts; one that cannot be read is a problem, and the others still count. */
    static List<Card> read(List<Path> bundles, Set<String> problems) {
        List<Card> cards = new ArrayList<>();
        for (Path dir : bundles) {
            try {
                BundleManifest manifest = Json.MAPPER.readValue(Files.readAllBytes(dir.resolve(ModelBundle.MANIFEST)),
                        BundleManifest.class);
                Path card = dir.resolve(ModelBundle.MODEL_CARD);
                cards.add(new Card(manifest.modelId(), manifest.shortId(), manifest.data() == null ? null
                        : manifest.data().sha256(), Files.isRegularFile(card) ? Files.readString(card) : null));
            } catch (IOException | RuntimeException e) {
                problems.add("bundle " + dir + " cannot be read: " + e.getMessage());
            }
        }
        return cards;
    }

    static Optional<Card> of(List<Card> cards, String modelId, String version) {
        return cards.stream().filter(c -> c.modelId().equals(modelId) || (modelId == null
                && c.shortId().equals(version))).findFirst();
    }
}
