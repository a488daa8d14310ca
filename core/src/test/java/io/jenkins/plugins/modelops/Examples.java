package io.jenkins.plugins.modelops;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example datasets shipped in the repository's {@code examples/} folder. */
public final class Examples {

    private Examples() {
    }

    public static Path path(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    public static Path iris() {
        return path("iris.csv");
    }

    public static Path wine() {
        return path("winequality-red.csv");
    }

    public static Path courses() {
        return path("course-satisfaction.csv");
    }
}
