package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.image.BaseImage;
import io.jenkins.plugins.modelops.deploy.image.BuildImage;
import io.jenkins.plugins.modelops.deploy.image.Target;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server as a container on a local Docker engine, which supervises it ({@code --restart unless-stopped}). Each
 * revision is an image built from its bundle copy, {@code modelops-local/NAME:rN}. The engine here may have no
 * bridge, so containers use the host's network; two of them (stable and canary, old and new) need their own ports,
 * so the server's command line is given here ({@code --entrypoint java}) rather than the image's, which keeps the
 * Kubernetes entrypoint (port 8080 on all interfaces).
 * <p>
 * The secrets go into an anonymous volume of the container with {@code docker cp} from a tar stream whose entries are
 * owned by the image's user with mode 0400 (the engine keeps both), before the container starts. Not {@code cp -a}:
 * that makes the daemon look the container's user up in the host's passwd database, where 65532 is not. a bind mount of {@code secrets/} (0600, owned by whoever
 * deployed) would be unreadable to user 65532, and a value on the docker command line would show in
 * {@code docker inspect}.
 */
final class DockerRunner implements SlotRunner {

    static final String LABEL_DEPLOYMENT = "io.modelops.deployment";
    static final String LABEL_TRACK = "io.modelops.track";
    static final String LABEL_REVISION = "io.modelops.revision";
    private static final String SECRETS = "/run/modelops-secrets";
    private static final int UID = 65532;

    private final Path dir;
    private final String name;
    private final DockerClient docker;
    private final String baseImage;

    /**
     * @param host      the engine's {@code DOCKER_HOST}; null for the client's default
     * @param baseImage the {@code --base-image} revisions are built on ({@code tar://}, {@code docker://} or a
     *                  registry reference)
     */
    DockerRunner(Path stateDir, String name, String host, String baseImage) {
        this.dir = stateDir.resolve(name);
        this.name = name;
        this.docker = new DockerClient(host);
        this.baseImage = baseImage;
    }

    static String image(String name, int revision) {
        return "modelops-local/" + name + ":r" + revision;
    }

    static String container(String name, String track, int revision) {
        return "modelops-" + name + "-" + track + "-r" + revision;
    }

    /** Fails early, naming the engine, when it cannot be reached. */
    void checkEngine() {
        DockerClient.Result version = docker.run("version", "--format", "{{.Server.Version}}");
        if (!version.ok()) {
            throw new IllegalStateException("the Docker engine" + docker.at() + " is not reachable for --docker: "
                    + version.output());
        }
    }

    @Override
    public void prepare(int revision, Path model, Progress progress) {
        BuildImage.run(BuildImage.Request.of(model, image(name, revision), new Target.Docker(docker.environment()))
                .withBase(BaseImage.parse(baseImage)).withName(name), progress);
    }

    @Override
    public Slot start(int revision, String modelId, int port, String track, Path log, Progress progress) {
        String container = container(name, track, revision);
        docker.run("rm", "-f", "-v", container); // a leftover of a command killed half-way
        List<String> create = new ArrayList<>(List.of("create", "--name", container,
                "--label", LABEL_DEPLOYMENT + "=" + name, "--label", LABEL_TRACK + "=" + track,
                "--label", LABEL_REVISION + "=" + revision,
                "--network", "host", "--user", UID + ":" + UID, "--read-only", "--tmpfs", "/tmp:rw,exec",
                "--restart", "unless-stopped", "--volume", SECRETS,
                "--env", ServerCommand.TRACK + "=" + track, "--entrypoint", "java", image(name, revision)));
        create.addAll(ServerCommand.JVM_FLAGS);
        create.addAll(List.of("-jar", ServerCommand.APP_DIR + "/" + ServerDistribution.LAUNCHER,
                "--bundle", ServerCommand.MODEL_DIR, "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--name", name,
                "--feedback-token-file", SECRETS + "/" + ServerSecrets.FEEDBACK_TOKEN_KEY,
                "--id-key-file", SECRETS + "/" + ServerSecrets.ID_KEY_KEY));
        String id = docker.check(create.toArray(String[]::new));
        id = id.substring(id.lastIndexOf('\n') + 1).strip();
        try {
            DockerClient.Result copied = docker.run(secrets(), "cp", "-", id + ":" + SECRETS);
            if (!copied.ok()) {
                throw new IllegalStateException("cannot copy the secrets into " + container + ": "
                        + copied.output());
            }
            docker.check("start", id);
        } catch (RuntimeException e) {
            docker.run("rm", "-f", "-v", id);
            throw e;
        }
        writeLog(log, "# docker logs " + container + docker.at() + "\n");
        return new Slot(revision, modelId, port, 0, Instant.now().toString(), id);
    }

    private byte[] secrets() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String key : List.of(ServerSecrets.FEEDBACK_TOKEN_KEY, ServerSecrets.ID_KEY_KEY)) {
            try {
                files.put(key, Files.readAllBytes(dir.resolve("secrets").resolve(key)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the deployment's secret " + key, e);
            }
        }
        return DockerClient.tar(files, UID, UID, 0400);
    }

    @Override
    public ServerProcess.Readiness awaitReady(Slot slot, Path log, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            DockerClient.Result state = docker.run("inspect", "-f", "{{.State.Status}} {{.RestartCount}}",
                    slot.container());
            if (!state.ok()) {
                return new ServerProcess.Readiness(false, "the container " + slot.container() + " is gone: "
                        + state.output());
            }
            String[] fields = state.output().split(" ");
            if (!"running".equals(fields[0]) || !"0".equals(fields[fields.length - 1])) {
                return new ServerProcess.Readiness(false, "the server exited during start-up (container "
                        + state.output() + ")" + tail(slot));
            }
            if (ServerProcess.probe(slot.port())) {
                return new ServerProcess.Readiness(true, "ready");
            }
            ServerProcess.sleep(Duration.ofMillis(200));
        }
        return new ServerProcess.Readiness(false, "not ready after " + timeout.toSeconds() + " s" + tail(slot));
    }

    private String tail(Slot slot) {
        DockerClient.Result logs = docker.run("logs", "--tail", "20", slot.container());
        return logs.output().isEmpty() ? " (no output)"
                : "; the last lines of docker logs:\n  " + String.join("\n  ", logs.output().lines().toList());
    }

    @Override
    public boolean alive(Slot slot) {
        if (slot.container() == null) {
            return false;
        }
        DockerClient.Result state = docker.run("inspect", "-f", "{{.State.Status}}", slot.container());
        return state.ok() && (state.output().equals("running") || state.output().equals("restarting"));
    }

    /** {@code docker stop} (TERM, the server drains, KILL after {@code grace}), its output kept in the log, then rm. */
    @Override
    public void stop(Slot slot, Path log, Duration grace) {
        if (slot.container() == null) {
            return;
        }
        docker.run("stop", "-t", Long.toString(grace.toSeconds()), slot.container());
        DockerClient.Result logs = docker.run("logs", slot.container());
        if (logs.ok() && log != null) {
            writeLog(log, logs.output() + "\n");
        }
        docker.run("rm", "-f", "-v", slot.container());
    }

    @Override
    public void forget(int revision) {
        docker.run("rmi", image(name, revision));
    }

    @Override
    public void forgetAll() {
        for (String container : docker.run("ps", "-aq", "--filter", "label=" + LABEL_DEPLOYMENT + "=" + name)
                .output().lines().filter(l -> !l.isBlank()).toList()) {
            docker.run("rm", "-f", "-v", container);
        }
        for (String image : docker.run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter",
                "reference=modelops-local/" + name).output().lines().filter(l -> l.contains(":r")).toList()) {
            docker.run("rmi", image);
        }
    }

    private static void writeLog(Path log, String text) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a convenience; docker logs has the output too
        }
    }
}
