package io.jenkins.plugins.modelops.bundle;

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.gate.BlessingStatus;
import io.jenkins.plugins.modelops.train.TrainedModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
     * ModelOps bundle (replaced as a whole). Anything else is refused and left untouched: a directory with other
     * files, one whose {@code bundle.json} is not ours, the working directory or one that holds it.
     */
    public static void checkTarget(Path out) {
        Path absolute = out.toAbsolutePath().normalize();
        String named = Parameter.OUTPUT.ref() + " " + out;
        if (absolute.getParent() == null) {
            throw new InvalidInputException(Parameter.OUTPUT, named + " is not a valid bundle directory; name a "
                    + "directory below /");
        }
        if (Path.of("").toAbsolutePath().normalize().startsWith(absolute)) {
            throw new InvalidInputException(Parameter.OUTPUT, named + " is the working directory or holds it; "
                    + "refusing to replace it. Name a new or empty directory, or an earlier bundle");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new InvalidInputException(Parameter.OUTPUT, named + " is a file; name a new or empty directory, or "
                    + "an earlier bundle");
        }
        if (Files.isDirectory(absolute) && !isEmpty(absolute)) {
            String why = notABundle(absolute);
            if (why != null) {
                throw new InvalidInputException(Parameter.OUTPUT, named + " exists, is not empty and is not a "
                        + "ModelOps bundle (" + why + "); refusing to replace it. Name a new or empty directory, or "
                        + "an earlier bundle");
            }
        }
    }

    /** Why an existing directory is not a bundle this writer may replace whole, or null if it is one. */
    private static String notABundle(Path dir) {
        Path manifestFile = dir.resolve(ModelBundle.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return "it has no " + ModelBundle.MANIFEST;
        }
        BundleManifest manifest;
        try {
            manifest = Json.MAPPER.readValue(manifestFile.toFile(), BundleManifest.class);
        } catch (IOException | RuntimeException e) {
            return "its " + ModelBundle.MANIFEST + " is not a bundle manifest";
        }
        if (manifest.format() == null || !BundleManifest.READABLE.contains(manifest.format())
                || manifest.files() == null) {
            return "its " + ModelBundle.MANIFEST + " is not in the bundle format";
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.equals(ModelBundle.MANIFEST) && !manifest.files().containsKey(name)) {
                    return "it holds " + name + ", which " + ModelBundle.MANIFEST + " does not list";
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return null;
    }

    public static ModelBundle write(TrainedModel trained, Optional<Blessing> blessing, Path out) {
        Path target = out.toAbsolutePath().normalize();
        checkTarget(target);
        recoverInterruptedReplace(target);
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

    /**
     * A run killed between the two renames of a replace left the earlier bundle in a hidden {@code .NAME.old-DIGITS}
     * sibling (the name {@link Files#createTempDirectory} gave it): restore it when the target is gone (so this run
     * replaces it as usual), delete it when the new bundle made it into place. Only such a sibling that is a whole
     * bundle is touched; anything else of that name is left alone. One writer per target is assumed, as in a
     * workspace; two concurrent writes of one bundle directory are not supported.
     */
    private static void recoverInterruptedReplace(Path target) {
        java.util.regex.Pattern ours = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote("." + target.getFileName() + ".old-") + "\\d+");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            for (Path old : siblings.filter(p -> ours.matcher(p.getFileName().toString()).matches()).toList()) {
                if (!Files.isDirectory(old) || notABundle(old) != null) {
                    continue;
                }
                if (!Files.exists(target)) {
                    atomicMove(old, target);
                } else {
                    deleteRecursively(old);
                }
            }
        } catch (NoSuchFileException e) {
            // no parent directory yet: nothing was left behind
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up after an interrupted write of " + target, e);
        }
    }

    private static BundleManifest manifest(TrainedModel trained, Optional<Blessing> blessing,
                                           SortedMap<String, String> files) {
        BlessingStatus status = blessing.map(Blessing::status).orElse(BlessingStatus.NOT_EVALUATED);
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
