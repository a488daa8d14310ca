package io.jenkins.plugins.modelops.deploy.image;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Where a built image goes: a registry (the image reference names it), a local Docker engine, or a tarball. */
public sealed interface Target {

    /** Pushed to the registry the image reference names; plain HTTP only for loopback or when insecure. */
    record Registry() implements Target {
    }

    /**
     * Loaded into a Docker engine with {@code docker load}.
     *
     * @param environment the docker client's environment ({@code DOCKER_HOST}...); {@link #docker()} takes the
     *                    process's own
     */
    record Docker(Map<String, String> environment) implements Target {
        public Docker {
            environment = Map.copyOf(environment);
        }
    }

    /** A docker-archive tarball ({@code docker load -i FILE} reads it), written whole or not at all. */
    record Tar(Path file) implements Target {
    }

    static Target registry() {
        return new Registry();
    }

    /** The local engine as the {@code docker} client would find it: {@code DOCKER_*} variables respected. */
    static Target docker() {
        Map<String, String> environment = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("DOCKER_") || k.equals("PATH") || k.equals("HOME")) {
                environment.put(k, v);
            }
        });
        return new Docker(environment);
    }

    static Target tar(Path file) {
        return new Tar(file);
    }
}
