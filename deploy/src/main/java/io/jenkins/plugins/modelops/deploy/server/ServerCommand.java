package io.jenkins.plugins.modelops.deploy.server;

import java.util.List;

/**
 * How an image or a local deployment starts the model server, and the environment variables it reads
 * ({@code MODELOPS_<FLAG>}, the server's own convention; {@code ServerCommandTest} checks them against it).
 */
public final class ServerCommand {

    /** Where the image keeps the launcher and its libraries, and the model bundle. */
    public static final String APP_DIR = "/app";
    public static final String MODEL_DIR = "/model";
    public static final int CONTAINER_PORT = 8080;

    public static final String FEEDBACK_TOKEN = "MODELOPS_FEEDBACK_TOKEN";
    public static final String ID_KEY = "MODELOPS_ID_KEY";
    public static final String TRACK = "MODELOPS_TRACK";
    public static final String SHUTDOWN_GRACE = "MODELOPS_SHUTDOWN_GRACE";
    public static final String TLS_CERT = "MODELOPS_TLS_CERT";
    public static final String TLS_KEY = "MODELOPS_TLS_KEY";

    /** The server's default {@code --shutdown-grace} in seconds: pods get longer than this to stop. */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

    /** The JVM's flags in a container: heap from the memory limit, and exit (so Kubernetes restarts) on OOM. */
    public static final List<String> JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");

    private ServerCommand() {
    }

    /** The image's entrypoint for a deployment named {@code name}; the rest comes from MODELOPS_* variables. */
    public static List<String> containerEntrypoint(String name) {
        return List.of("java", JVM_FLAGS.get(0), JVM_FLAGS.get(1), "-jar", APP_DIR + "/" + ServerDistribution.LAUNCHER,
                "--bundle", MODEL_DIR, "--host", "0.0.0.0", "--port", Integer.toString(CONTAINER_PORT),
                "--name", name);
    }
}
