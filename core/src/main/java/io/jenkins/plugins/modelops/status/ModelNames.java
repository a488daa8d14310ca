package io.jenkins.plugins.modelops.status;

import java.nio.file.Path;

/** A model's name where none is given: its bundle directory's name, as the server and trainModel both default it. */
public final class ModelNames {

    private ModelNames() {
    }

    /** The directory's name made URL- and label-safe, at most 63 characters; {@code model} when nothing is left. */
    public static String of(Path bundleDir) {
        Path name = bundleDir.toAbsolutePath().normalize().getFileName();
        String dir = name == null ? "model" : name.toString();
        String safe = dir.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return safe.isEmpty() ? "model" : safe.substring(0, Math.min(63, safe.length()));
    }
}
