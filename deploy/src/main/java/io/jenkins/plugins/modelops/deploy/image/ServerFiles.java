package io.jenkins.plugins.modelops.deploy.image;

import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The server's files on disk for Jib, in a directory named by their content under the user's cache, with fixed file
 * times. Jib's application-layer cache recognises a layer by its files' paths and times, not their bytes: a fresh
 * temporary copy per build would make it compress the 27 MB of dependencies every time; this copy lets a warm build
 * reuse them, and the content name guarantees the same path never holds other bytes.
 */
final class ServerFiles {

    private static final FileTime FIXED = FileTime.fromMillis(1000);

    private ServerFiles() {
    }

    /** The directory holding the launcher and {@code lib/}: reused when present, else written. */
    static Path materialize(ServerDistribution server, Path scratch) {
        Path cache = cacheRoot();
        // Writing the files costs a second or two (the XGBoost jar is rewritten); the jar they come from, unchanged
        // (same path, size and time), gives the same files, so its identity finds them without writing.
        String jarKey = jarKey();
        Path known = jarKey == null ? null : cache.resolve("by-jar").resolve(jarKey);
        try {
            if (known != null && Files.isRegularFile(known)) {
                Path stable = cache.resolve(Files.readString(known).strip());
                if (Files.isRegularFile(stable.resolve(ServerDistribution.LAUNCHER))) {
                    return stable;
                }
            }
        } catch (IOException | RuntimeException e) {
            // write them below
        }
        Path fresh = scratch.resolve("server");
        server.writeTo(fresh);
        try {
            String key = digest(fresh);
            Path stable = cache.resolve(key);
            if (known != null) {
                Files.createDirectories(known.getParent());
                Files.writeString(known, key);
            }
            if (Files.isDirectory(stable)) {
                return stable;
            }
            fixTimes(fresh);
            Files.createDirectories(cache);
            Path staged = Files.createTempDirectory(cache, ".part-");
            Files.move(fresh, staged.resolve("d"));
            try {
                Files.move(staged.resolve("d"), stable, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another build put the same files there first
            } catch (AtomicMoveNotSupportedException e) {
                return staged.resolve("d");
            } finally {
                BuildImage.deleteQuietly(staged);
            }
            return Files.isDirectory(stable) ? stable : fresh;
        } catch (IOException e) {
            // No usable cache (read-only home...): build from the temporary copy; only slower.
            return fresh;
        }
    }

    /** The identity of the jar holding the distribution (path, size, time); null when it is no jar (a build tree). */
    private static String jarKey() {
        try {
            var source = ServerDistribution.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            String identity = jar.toAbsolutePath() + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return null;
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("modelops").resolve("image-server");
    }

    private static String digest(Path dir) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files(dir)) {
                sha.update(dir.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                        sha.update(buffer, 0, n);
                    }
                }
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fixTimes(Path dir) throws IOException {
        for (Path file : files(dir)) {
            Files.setLastModifiedTime(file, FIXED);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
