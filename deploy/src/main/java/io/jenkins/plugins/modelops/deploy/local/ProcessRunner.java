package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The server as a {@link ServerProcess} under a shell supervisor, with this JVM's java and the embedded server. */
final class ProcessRunner implements SlotRunner {

    private final Path stateDir;
    private final Path dir;
    private final String name;

    ProcessRunner(Path stateDir, String name) {
        this.stateDir = stateDir;
        this.dir = stateDir.resolve(name);
        this.name = name;
    }

    @Override
    public void prepare(int revision, Path model, Progress progress) {
        // the revision's bundle copy is all a process needs
    }

    @Override
    public Slot start(int revision, String modelId, int port, String track, Path log, Progress progress) {
        Path launcher = server();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ServerCommand.JVM_FLAGS);
        command.addAll(List.of("-jar", launcher.toString(), "--bundle", LocalDeployments.revisionDir(dir, revision)
                .resolve("model").toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--name", name,
                "--feedback-token-file", dir.resolve("secrets").resolve(ServerSecrets.FEEDBACK_TOKEN_KEY).toString(),
                "--id-key-file", dir.resolve("secrets").resolve(ServerSecrets.ID_KEY_KEY).toString()));
        long pid = ServerProcess.start(command, Map.of(ServerCommand.TRACK, track), log);
        return new Slot(revision, modelId, port, pid, Instant.now().toString(), null);
    }

    @Override
    public ServerProcess.Readiness awaitReady(Slot slot, Path log, Duration timeout) {
        return ServerProcess.awaitReady(slot.pid(), slot.port(), log, timeout);
    }

    @Override
    public boolean alive(Slot slot) {
        return ServerProcess.alive(slot.pid());
    }

    @Override
    public void stop(Slot slot, Path log, Duration grace) {
        if (slot.pid() <= 0) {
            return;
        }
        ServerProcess.stop(slot.pid(), grace);
    }

    @Override
    public void forget(int revision) {
        // nothing outside the state directory
    }

    @Override
    public void forgetAll() {
        // the shared server/ directory stays for other deployments
    }

    /** The model server this build carries, written once per distinct build. */
    private Path server() {
        ServerDistribution distribution = ServerDistribution.embedded();
        byte[] launcher = distribution.launcher();
        String id = Digests.sha256(launcher).substring(0, 16);
        Path target = stateDir.resolve("server").resolve(id);
        Path written = target.resolve(ServerDistribution.LAUNCHER);
        if (!Files.isRegularFile(written)) {
            try {
                Files.createDirectories(target.getParent());
                Path temporary = Files.createTempDirectory(target.getParent(), ".part-");
                distribution.writeTo(temporary);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another deployment wrote the same build meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the model server into " + target, e);
            }
        }
        return written;
    }
}
