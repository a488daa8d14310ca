package io.jenkins.plugins.modelops.bundle;

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.train.TrainedModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a bundle atomically: every file goes into a temporary sibling directory, which is renamed into place only
 * when complete. A failed run leaves nothing behind, and a reader never sees half a bundle.
 */
public final class BundleWriter {

    private BundleWriter() {
    }

    /**
     * Fails fast, before training, if {@code out} cannot receive a bundle: it may be absent, empty, or an earlier
     * bundle (replaced as a whole); anything else is refused.
     */
    public static void checkTarget(Path out) {
        Path absolute = out.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new InvalidInputException("--out " + out + " is not a valid bundle directory; name a directory below /");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new InvalidInputException("--out " + out + " is a file; name a new or empty directory, or an earlier bundle");
        }
        if (Files.isDirectory(absolute) && !isEmpty(absolute) && !Files.isRegularFile(absolute.resolve(ModelBundle.MANIFEST))) {
            throw new InvalidInputException("--out " + out + " exists, is not empty and is not a model bundle; refusing "
                    + "to replace it. Name a new or empty directory, or an earlier bundle");
        }
    }

    public static ModelBundle write(TrainedModel trained, Optional<Blessing> blessing, Path out) {
        Path target = out.toAbsolutePath().normalize();
        checkTarget(target);
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                // Temp directories are owner-only; a bundle is read by other users (a container's server user).
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            trained.model().serializeToFile(temp.resolve(ModelBundle.MODEL));
            Json.MAPPER.writeValue(temp.resolve(ModelBundle.METRICS).toFile(), trained.metrics());
            Json.MAPPER.writeValue(temp.resolve(ModelBundle.SCHEMA).toFile(), trained.schema());
            Json.MAPPER.writeValue(temp.resolve(ModelBundle.PROVENANCE).toFile(),
                    ProvenanceUtil.convertToMap(trained.model().getProvenance()));
            if (blessing.isPresent()) {
                Json.MAPPER.writeValue(temp.resolve(ModelBundle.BLESSING).toFile(), blessing.get());
            }
            BundleManifest draft = manifest(trained, blessing, new TreeMap<>());
            Files.writeString(temp.resolve(ModelBundle.MODEL_CARD), ModelCard.render(trained, draft, blessing),
                    StandardCharsets.UTF_8);
            BundleManifest manifest = manifest(trained, blessing, hashes(temp));
            Json.MAPPER.writeValue(temp.resolve(ModelBundle.MANIFEST).toFile(), manifest);
            moveIntoPlace(temp, target);
            temp = null;
            return ModelBundle.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle to " + out, e);
        } finally {
            if (temp != null) {
                deleteRecursively(temp);
            }
        }
    }

    private static BundleManifest manifest(TrainedModel trained, Optional<Blessing> blessing,
                                           SortedMap<String, String> files) {
        String status = blessing.map(Blessing::status).orElse(Blessing.NOT_EVALUATED);
        return new BundleManifest(BundleManifest.FORMAT, ModelId.of(trained),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Versions.modelops(), Versions.tribuo(),
                trained.schema().task().id(), trained.schema().label().name(), trained.algorithm().id(),
                trained.params().asMap(), trained.config().seed(), trained.config().testFraction(), trained.data(),
                status, files);
    }

    private static SortedMap<String, String> hashes(Path dir) throws IOException {
        SortedMap<String, String> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                files.put(file.getFileName().toString(), Digests.sha256(file));
            }
        }
        return files;
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        if (Files.isDirectory(target) && isEmpty(target)) {
            Files.delete(target);
        }
        if (!Files.exists(target)) {
            atomicMove(temp, target);
            return;
        }
        // An earlier bundle: set it aside, move the new one in, then delete the old one; restore it on failure.
        Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
        Files.delete(old);
        atomicMove(target, old);
        try {
            atomicMove(temp, target);
        } catch (IOException e) {
            atomicMove(old, target);
            throw e;
        }
        deleteRecursively(old);
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp directory is hidden (dot-prefixed) and never mistaken for a bundle
        }
    }
}
