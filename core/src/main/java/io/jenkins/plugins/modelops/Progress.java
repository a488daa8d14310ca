package io.jenkins.plugins.modelops;

/**
 * Where the engine reports what it is doing. The CLI prints to stderr, the Jenkins step to the build log.
 * The engine never prints or exits by itself.
 */
public interface Progress {

    void info(String message);

    default void warn(String message) {
        info("WARNING: " + message);
    }

    /** A sink that drops everything, for tests and library callers that want silence. */
    static Progress silent() {
        return message -> { };
    }
}
