package io.jenkins.plugins.modelops;

/**
 * Where the engine reports what it is doing. The CLI prints to stderr, the Jenkins step to the build log.
 * The engine never prints or exits by itself.
 */
public interface Progress {

    // Messages may name parameters through Parameter.ref(): a sink renders them in its caller's spelling, e.g.
    // Parameter.render(message, flags) in the CLI, Parameter.plain(message) in the Jenkins step.

    void info(String message);

    default void warn(String message) {
        info("WARNING: " + message);
    }

    /** A sink that drops everything, for tests and library callers that want silence. */
    static Progress silent() {
        return message -> { };
    }
}
