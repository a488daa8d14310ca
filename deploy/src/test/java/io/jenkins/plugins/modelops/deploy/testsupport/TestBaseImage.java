package io.jenkins.plugins.modelops.deploy.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JRE 17 base image for tests (Debian bookworm, openjdk-17-jre-headless and libgomp1) as a docker-archive
 * tarball, from {@code scripts/test-base-image.sh}, which builds it offline once and caches it outside the repository.
 */
public final class TestBaseImage {

    private static Path path;

    private TestBaseImage() {
    }

    public static synchronized Path tarball() {
        if (path == null) {
            Path script = RealTools.repoRoot().resolve("scripts/test-base-image.sh");
            String out = RealTools.run(List.of("bash", script.toString()), Map.of(), Duration.ofMinutes(10)).strip();
            Path built = Path.of(out.substring(out.lastIndexOf('\n') + 1));
            if (!Files.isRegularFile(built)) {
                throw new IllegalStateException(script + " printed " + out + ", which is no file");
            }
            path = built;
        }
        return path;
    }
}
