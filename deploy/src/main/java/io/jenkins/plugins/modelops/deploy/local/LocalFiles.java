package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/** The files of a local deployment that do not depend on how its servers run: secrets, bundle copies. */
final class LocalFiles {

    private LocalFiles() {
    }

    /** The feedback token and id key, owner-only, generated once: a file that exists is kept. */
    static void writeSecrets(Path secrets) {
        ServerSecrets generated = ServerSecrets.generate(new SecureRandom());
        writeSecret(secrets.resolve(ServerSecrets.FEEDBACK_TOKEN_KEY), generated.feedbackToken());
        writeSecret(secrets.resolve(ServerSecrets.ID_KEY_KEY), generated.idKey());
    }

    private static void writeSecret(Path file, String value) {
        try {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A copy of the bundle at {@code target} (replacing what was there), so a rollback never needs the original. */
    static void copyBundle(ModelBundle bundle, Path target) {
        deleteTree(target.getParent());
        try (Stream<Path> files = Files.walk(bundle.dir())) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(bundle.dir().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            deleteTree(target.getParent());
            throw new UncheckedIOException("cannot copy the bundle " + bundle.dir() + " into " + target, e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
