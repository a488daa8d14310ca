package io.jenkins.plugins.modelops.bundle;

import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.metrics.Metrics;
import org.tribuo.Model;
import org.tribuo.protos.core.ModelProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model bundle on disk, opened and verified: every file's SHA-256 matches {@code bundle.json}. The model itself
 * is loaded on demand ({@link #loadModel()}), from Tribuo's protobuf format only.
 */
public record ModelBundle(Path dir, BundleManifest manifest, ModelSchema schema, Metrics metrics) {

    public static final String MODEL = "model.tribuo";
    public static final String MANIFEST = "bundle.json";
    public static final String SCHEMA = "schema.json";
    public static final String METRICS = "metrics.json";
    public static final String PROVENANCE = "provenance.json";
    public static final String MODEL_CARD = "model-card.md";
    public static final String BLESSING = "blessing.json";

    /** Opens and verifies a bundle directory; every problem names the directory, the file and what is wrong. */
    public static ModelBundle open(Path given) {
        // Absolute, so "." works and the bundle keeps a name (the server names a model after its directory).
        Path dir = given.toAbsolutePath().normalize();
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(given + (Files.exists(dir) ? " is a file, not a model bundle directory"
                    : ": no such model bundle directory"));
        }
        if (!Files.isRegularFile(manifestFile)) {
            throw new InvalidInputException(dir + " is not a model bundle: it has no " + MANIFEST
                    + " (bundles are written by trainModel / modelops train)");
        }
        BundleManifest manifest = read(manifestFile, BundleManifest.class);
        if (manifest.format() == null || !BundleManifest.READABLE.contains(manifest.format())) {
            throw new InvalidInputException(manifestFile + ": format '" + manifest.format() + "' is not supported; "
                    + "this version reads " + String.join(" and ", new java.util.TreeSet<>(BundleManifest.READABLE)));
        }
        for (String required : new String[] {MODEL, SCHEMA, METRICS}) {
            if (manifest.files() == null || !manifest.files().containsKey(required)) {
                throw new InvalidInputException(manifestFile + ": lists no " + required + "; the bundle is incomplete");
            }
        }
        for (Map.Entry<String, String> file : manifest.files().entrySet()) {
            Path path = dir.resolve(file.getKey()).normalize();
            if (!path.startsWith(dir) || !Files.isRegularFile(path)) {
                throw new InvalidInputException(dir + ": " + file.getKey() + " is listed in " + MANIFEST
                        + " but missing; the bundle is incomplete");
            }
            String actual = Digests.sha256(path);
            if (!actual.equals(file.getValue())) {
                throw new InvalidInputException(String.format("%s: SHA-256 of %s is %s, but %s records %s; the bundle "
                        + "was modified or damaged after training", dir, file.getKey(), actual, MANIFEST, file.getValue()));
            }
        }
        return new ModelBundle(dir, manifest, read(dir.resolve(SCHEMA), ModelSchema.class),
                read(dir.resolve(METRICS), Metrics.class));
    }

    /**
     * Loads the model from Tribuo's protobuf format. A Java-serialized file is refused (deserializing it could run
     * arbitrary code), and so is any model class trainModel does not produce; see {@link ModelClassAllowList}.
     */
    public Model<?> loadModel() {
        Path file = dir.resolve(MODEL);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            if (magic.length == 2 && (magic[0] & 0xff) == 0xAC && (magic[1] & 0xff) == 0xED) {
                throw new InvalidInputException(file + " is a Java-serialized object, not Tribuo's protobuf format. "
                        + "Java-serialized models are refused: loading one can run arbitrary code. Retrain it with "
                        + "trainModel / modelops train");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            ModelProto proto;
            try (InputStream in = Files.newInputStream(file)) {
                proto = ModelProto.parseFrom(in);
            }
            ModelClassAllowList.check(proto, file);
            return Model.deserialize(proto);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InvalidInputException(file + " is not a Tribuo protobuf model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new InvalidInputException(file + " could not be loaded as a Tribuo model: " + e.getMessage(), e);
        }
    }

    private static <T> T read(Path file, Class<T> type) {
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(file + ": not valid " + type.getSimpleName() + " JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
