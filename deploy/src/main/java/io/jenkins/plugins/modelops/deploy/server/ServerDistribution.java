package io.jenkins.plugins.modelops.deploy.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The model server as this module carries it (under {@code META-INF/modelops/server/}, packed by the build):
 * {@code modelops-serving.jar} and its runtime jars. {@link #launcher()} and {@link #library} give the files an image
 * or a local deployment runs, byte for byte the same on every call, so that the same inputs make the same image.
 * <p>What the server never loads on Linux x86_64 is left out: the jars in {@link #NEVER_LOADED} (terminal libraries,
 * training-only jars) and XGBoost's macOS and Windows native libraries.
 */
public final class ServerDistribution {

    static final String ROOT = "META-INF/modelops/server/";
    static final String MAIN_CLASS = "io.jenkins.plugins.modelops.serving.ModelServer";
    /** The launcher's name in an image ({@code /app/}) and in a local deployment's directory. */
    public static final String LAUNCHER = "modelops-serving.jar";

    /** Fixed entry times (the earliest a zip can hold) so a rewritten jar depends on its contents only. */
    private static final long ENTRY_TIME = 315_532_800_000L + 2_000L; // 1980-01-01T00:00:02Z

    private final ClassLoader loader;
    private final List<String> libraries;

    private ServerDistribution(ClassLoader loader, List<String> libraries) {
        this.loader = loader;
        this.libraries = List.copyOf(libraries);
    }

    /** The distribution inside this module's jar. */
    public static ServerDistribution embedded() {
        ClassLoader loader = ServerDistribution.class.getClassLoader();
        String classPath = new String(read(loader, ROOT + "classpath.txt"), StandardCharsets.UTF_8).strip();
        List<String> libraries = new ArrayList<>();
        for (String entry : classPath.split("[:\\s]+")) {
            if (!entry.isEmpty() && !stripped(entry)) {
                libraries.add(entry);
            }
        }
        return new ServerDistribution(loader, libraries);
    }

    /** The runtime jars, relative to the launcher ({@code lib/NAME.jar}), in class-path order. */
    public List<String> libraries() {
        return libraries;
    }

    /** Which libraries belong to ModelOps itself (they change with every release; the others rarely do). */
    public static boolean ownLibrary(String library) {
        return library.startsWith("lib/modelops-");
    }

    /** {@code modelops-serving.jar} with a manifest that starts the server on {@link #libraries()}. */
    public byte[] launcher() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", libraries));
        return rewrite(read(loader, ROOT + LAUNCHER), manifest, name -> true);
    }

    /** One runtime jar's bytes, without what the server never loads on Linux x86_64. */
    public byte[] library(String library) {
        if (!libraries.contains(library)) {
            throw new IllegalArgumentException("not a server library: " + library);
        }
        byte[] jar = read(loader, ROOT + library);
        if (library.startsWith("lib/xgboost4j")) {
            return rewrite(jar, null, name -> !name.startsWith("lib/macos/") && !name.startsWith("lib/windows/"));
        }
        return jar;
    }

    /** Writes the launcher and {@code lib/} into {@code dir} (a local deployment's copy); returns the launcher. */
    public Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir.resolve("lib"));
            for (String library : libraries) {
                write(dir.resolve(library), library(library));
            }
            Path launcher = dir.resolve(LAUNCHER);
            write(launcher, launcher());
            return launcher;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model server into " + dir, e);
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".part-", ".jar");
        Files.write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Jars the server never loads, by the start of their file names: the terminal libraries of Tribuo's configuration
     * shell, and what only training reads (Tribuo's CSV loading and tokenizers, and the commons and opencsv jars
     * they bring). Measured, not guessed: servers of every algorithm ModelOps trains (logistic, sgd, liblinear, cart,
     * random forest and xgboost classifiers; sgd, cart and xgboost regressors) run with {@code -verbose:class} through
     * metadata, predictions, the evaluate form, feedback by id, kernel checks on every row and /metrics loaded no
     * class from them. BouncyCastle stays (the TLS flags read PEM with it), as does everything any of them loaded.
     */
    static final List<String> NEVER_LOADED = List.of("jline-", "jansi-", "tribuo-data-", "tribuo-util-tokenization-",
            "opencsv-", "commons-text-", "commons-beanutils-", "commons-collections-", "commons-collections4-",
            "commons-lang3-");

    private static boolean stripped(String library) {
        String name = library.substring(library.lastIndexOf('/') + 1);
        return NEVER_LOADED.stream().anyMatch(name::startsWith);
    }

    /** A copy of {@code jar} keeping the entries {@code keep} accepts, with fixed times, and {@code manifest} if given. */
    private static byte[] rewrite(byte[] jar, Manifest manifest, java.util.function.Predicate<String> keep) {
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar), false)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length);
            Manifest kept = manifest != null ? manifest : in.getManifest();
            try (JarOutputStream out = new JarOutputStream(bytes)) {
                if (kept != null) {
                    ZipEntry entry = new ZipEntry("META-INF/MANIFEST.MF");
                    entry.setTime(ENTRY_TIME);
                    out.putNextEntry(entry);
                    kept.write(out);
                    out.closeEntry();
                }
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF") || !keep.test(entry.getName())) {
                        continue;
                    }
                    ZipEntry copy = new ZipEntry(entry.getName());
                    copy.setTime(ENTRY_TIME);
                    out.putNextEntry(copy);
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite a server jar", e);
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            Objects.requireNonNull(in, () -> resource + " is missing: this build of ModelOps has no model server "
                    + "to deploy (build with ./mvnw package, which packs it)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
