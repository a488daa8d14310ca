package io.jenkins.plugins.modelops.deploy.image;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.nio.file.Path;

/**
 * Where the image's JRE comes from ({@code --base-image}): a registry reference, an image on the local Docker engine
 * ({@code docker://REF}) or a docker-archive tarball ({@code tar://PATH}, what {@code docker save} writes; Jib does
 * not read OCI layouts).
 */
public sealed interface BaseImage {

    /** What users get when they name no base: a JRE 17 with libgomp1, so XGBoost models load too. */
    String DEFAULT = "eclipse-temurin:17-jre";

    /** A base pulled from a registry; its layers are not looked into (see {@link BuildImage}). */
    record Registry(String reference) implements BaseImage {
        @Override
        public String toString() {
            return reference;
        }
    }

    /** An image of the local Docker engine, read with {@code docker save}. */
    record Docker(String reference) implements BaseImage {
        @Override
        public String toString() {
            return "docker://" + reference;
        }
    }

    /** A docker-archive tarball. */
    record Tar(Path path) implements BaseImage {
        @Override
        public String toString() {
            return "tar://" + path;
        }
    }

    static BaseImage defaultBase() {
        return new Registry(DEFAULT);
    }

    /** Parses {@code --base-image}; every reference is checked here, before anything is built. */
    static BaseImage parse(String value) {
        if (value == null || value.isBlank()) {
            return defaultBase();
        }
        if (value.startsWith("tar://")) {
            String path = value.substring("tar://".length());
            if (path.isEmpty()) {
                throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " '" + value
                        + "' names no file: expected tar://PATH of a docker-archive tarball (docker save)");
            }
            return new Tar(Path.of(path));
        }
        if (value.startsWith("docker://")) {
            String reference = value.substring("docker://".length());
            ImageNames.parse(Parameter.BASE_IMAGE, reference, value);
            return new Docker(reference);
        }
        ImageNames.parse(Parameter.BASE_IMAGE, value, value);
        return new Registry(value);
    }
}
