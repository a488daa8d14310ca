package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Outcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Result;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files and processes of local deployments under a state directory:
 * <pre>
 * server/SHA/            the model server (launcher + lib/), shared by every deployment of that build
 * .NAME.lock             one command at a time per deployment
 * NAME/deployment.json   {@link LocalState}
 * NAME/secrets/          feedback-token, id-key (owner-only; generated once, kept across revisions)
 * NAME/revisions/N/model a copy of the bundle each revision serves (so a rollback never depends on the original)
 * NAME/logs/TRACK-rN.log each server's output
 * </pre>
 */
final class LocalDeployments {

    /** Revisions kept for rollback beyond the serving one. */
    private static final int KEPT_REVISIONS = 5;
    /** Longer than the server's own drain, so a TERM is normally enough. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(ServerCommand.DEFAULT_SHUTDOWN_GRACE_SECONDS + 5);

    private LocalDeployments() {
    }

    static Locked lock(Path stateDir, String name) {
        try {
            Files.createDirectories(stateDir);
            FileChannel channel = FileChannel.open(stateDir.resolve("." + name + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            return new Locked(stateDir, name, channel, channel.lock());
        } catch (IOException e) {
            throw new InvalidInputException(Parameter.STATE_DIR, Parameter.STATE_DIR.ref() + " " + stateDir
                    + " cannot be used: " + e.getMessage());
        }
    }

    /** One deployment, locked against other commands until closed. */
    static final class Locked implements AutoCloseable {
        private final Path stateDir;
        private final String name;
        private final Path dir;
        private final FileChannel channel;
        private final FileLock lock;
        /** How this deployment's servers run; set from its state (or the request, the first time). */
        private SlotRunner runner;

        Locked(Path stateDir, String name, FileChannel channel, FileLock lock) {
            this.stateDir = stateDir;
            this.name = name;
            this.dir = stateDir.resolve(name);
            this.channel = channel;
            this.lock = lock;
        }

        Optional<LocalState> state() {
            return LocalState.read(dir);
        }

        LocalState existing() {
            return state().orElseThrow(() -> new InvalidInputException(Parameter.NAME, "there is no local deployment '"
                    + name + "' in " + stateDir + " (deploy it with --local, or give " + Parameter.STATE_DIR.ref()
                    + ")"));
        }

        Outcome rollOut(Optional<LocalState> current, ModelBundle bundle, int port, LocalDeploy.Docker docker,
                        Duration timeout, Progress progress) {
            if (current.isEmpty()) {
                return firstDeploy(bundle, port, docker, timeout, progress);
            }
            LocalState state = use(current.get(), docker);
            if (state.canary() != null) {
                throw new InvalidInputException(Parameter.STRATEGY, "'" + name + "' has a canary (revision "
                        + state.canary().revision() + "): promote or abort it before a new rollout");
            }
            int revision = state.lastRevision() + 1;
            prepare(bundle, revision, progress);
            int newPort = port > 0 ? port : state.port();
            Slot old = state.stable();
            stop(old, "stable", progress);
            Start started = start(revision, bundle.manifest().modelId(), newPort, "stable", timeout, progress);
            if (started.readiness().ready()) {
                new LocalState(name, newPort, state.stable(), null, state.history(), revision, state.runtime(),
                        state.docker()).withStable(started.slot()).write(dir);
                prune(LocalState.read(dir).orElseThrow());
                return outcome(Result.ROLLED_OUT, "stable", started, "ready");
            }
            progress.warn("revision " + revision + " did not get ready: " + started.readiness().reason());
            stop(started.slot(), "stable", progress);
            deleteRevision(revision);
            runner.forget(revision);
            Start restored = restart(old, state.port(), "stable", timeout, progress);
            state.restarted(restored.slot(), revision).write(dir);
            return outcome(Result.ROLLED_BACK, "stable", restored, started.readiness().reason());
        }

        private Outcome firstDeploy(ModelBundle bundle, int port, LocalDeploy.Docker docker, Duration timeout,
                                    Progress progress) {
            LocalState initial = new LocalState(name, 0, null, null, List.of(), 0,
                    docker == null ? SlotRunner.PROCESS : SlotRunner.DOCKER, docker == null ? null
                    : new LocalDeploy.Docker(docker.baseImage(), docker.host() != null ? docker.host()
                    : blankToNull(System.getenv("DOCKER_HOST"))));
            runner = runner(stateDir, initial);
            if (runner instanceof DockerRunner engine) {
                engine.checkEngine();
            }
            try {
                LocalFiles.createDirectories(dir);
                LocalFiles.writeSecrets(dir.resolve("secrets"));
                prepare(bundle, 1, progress);
                int chosen = port > 0 ? port : freePort();
                Start started = start(1, bundle.manifest().modelId(), chosen, "stable", timeout, progress);
                if (started.readiness().ready()) {
                    new LocalState(name, chosen, null, null, List.of(), 1, initial.runtime(), initial.docker())
                            .withStable(started.slot()).write(dir);
                    return outcome(Result.ROLLED_OUT, "stable", started, "ready");
                }
                stop(started.slot(), "stable", progress);
                Outcome failed = outcome(Result.FAILED, "stable", started, started.readiness().reason());
                runner.forgetAll();
                LocalFiles.deleteTree(dir);
                return failed;
            } catch (RuntimeException e) {
                runner.forgetAll();
                LocalFiles.deleteTree(dir); // nothing half-done: no deployment without a ready server
                throw e;
            }
        }

        Outcome startCanary(LocalState current, ModelBundle bundle, LocalDeploy.Docker docker, Duration timeout,
                            Progress progress) {
            LocalState state = use(current, docker);
            if (state.canary() != null) {
                throw new InvalidInputException(Parameter.STRATEGY, "'" + name + "' already has a canary (revision "
                        + state.canary().revision() + "): promote or abort it first");
            }
            int revision = state.lastRevision() + 1;
            prepare(bundle, revision, progress);
            Start started = start(revision, bundle.manifest().modelId(), freePort(), "canary", timeout, progress);
            if (started.readiness().ready()) {
                state.withCanary(started.slot()).write(dir);
                return outcome(Result.ROLLED_OUT, "canary", started, "ready");
            }
            stop(started.slot(), "canary", progress);
            deleteRevision(revision);
            runner.forget(revision);
            return outcome(Result.ROLLED_BACK, "canary", started, started.readiness().reason());
        }

        Outcome promote(LocalState state, Duration timeout, Progress progress) {
            use(state, null);
            Slot canary = Optional.ofNullable(state.canary()).orElseThrow(() -> new InvalidInputException(
                    Parameter.NAME, "'" + name + "' has no canary to promote"));
            stop(state.stable(), "stable", progress);
            Start promoted = restart(canary, state.port(), "stable", timeout, progress);
            if (!promoted.readiness().ready()) {
                stop(promoted.slot(), "stable", progress);
                Start restored = restart(state.stable(), state.port(), "stable", timeout, progress);
                state.restarted(restored.slot(), state.lastRevision()).write(dir);
                return outcome(Result.ROLLED_BACK, "stable", restored, promoted.readiness().reason());
            }
            stop(canary, "canary", progress);
            LocalState promotedState = state.withStable(promoted.slot()).withCanary(null);
            promotedState.write(dir);
            prune(promotedState);
            return outcome(Result.ROLLED_OUT, "stable", promoted, "ready");
        }

        void abort(LocalState state, Progress progress) {
            use(state, null);
            Slot canary = Optional.ofNullable(state.canary()).orElseThrow(() -> new InvalidInputException(
                    Parameter.NAME, "'" + name + "' has no canary to abort"));
            stop(canary, "canary", progress);
            state.withCanary(null).write(dir);
            deleteRevision(canary.revision());
            runner.forget(canary.revision());
        }

        Outcome rollback(LocalState state, Duration timeout, Progress progress) {
            use(state, null);
            int previous = state.previousRevision().orElseThrow(() -> new InvalidInputException(Parameter.NAME, "'"
                    + name + "' has served only revision " + state.stable().revision() + ": nothing to roll back to"));
            stop(state.stable(), "stable", progress);
            Slot target = new Slot(previous, modelId(previous), state.port(), 0, "", null);
            Start back = restart(target, state.port(), "stable", timeout, progress);
            if (!back.readiness().ready()) {
                stop(back.slot(), "stable", progress);
                Start restored = restart(state.stable(), state.port(), "stable", timeout, progress);
                state.restarted(restored.slot(), state.lastRevision()).write(dir);
                throw new IllegalStateException("revision " + previous + " did not get ready ("
                        + back.readiness().reason() + "); revision " + state.stable().revision() + " serves again");
            }
            state.rolledBackTo(back.slot()).write(dir);
            return outcome(Result.ROLLED_BACK, "stable", back, "rolled back from revision "
                    + state.stable().revision());
        }

        void undeploy(LocalState state, Progress progress) {
            use(state, null);
            stop(state.canary(), "canary", progress);
            stop(state.stable(), "stable", progress);
            runner.forgetAll();
            LocalFiles.deleteTree(dir);
            progress.info("Removed local deployment " + name + " (" + dir + ")");
        }

        private record Start(Slot slot, ServerProcess.Readiness readiness, Path log) {
        }

        private Start restart(Slot slot, int port, String track, Duration timeout, Progress progress) {
            return start(slot.revision(), slot.modelId(), port, track, timeout, progress);
        }

        private Start start(int revision, String modelId, int port, String track, Duration timeout,
                            Progress progress) {
            Path log = log(track, revision);
            progress.info("Starting " + name + " revision " + revision + " (" + track + ") on 127.0.0.1:" + port
                    + (runner instanceof DockerRunner ? " in a container" : ""));
            Slot slot;
            try {
                slot = runner.start(revision, modelId, port, track, log, progress);
            } catch (RuntimeException e) {
                // A start that fails outright is a failed rollout like one that never gets ready: undone.
                return new Start(new Slot(revision, modelId, port, 0, Instant.now().toString(), null),
                        new ServerProcess.Readiness(false, "cannot start: " + e.getMessage()), log);
            }
            ServerProcess.Readiness readiness = runner.awaitReady(slot, log, timeout);
            if (readiness.ready()) {
                progress.info(name + " revision " + revision + " (" + track + ") is ready at http://127.0.0.1:"
                        + port);
            }
            return new Start(slot, readiness, log);
        }

        private Path log(String track, int revision) {
            return dir.resolve("logs").resolve(track + "-r" + revision + ".log");
        }

        private void stop(Slot slot, String track, Progress progress) {
            if (slot != null && runner.alive(slot)) {
                progress.info("Stopping " + name + " revision " + slot.revision() + " (" + track + ")");
            }
            if (slot != null) {
                runner.stop(slot, log(track, slot.revision()), STOP_GRACE);
            }
        }

        /** The runner the deployment was created with; {@code docker} (a new request's) may change its base image. */
        private LocalState use(LocalState state, LocalDeploy.Docker docker) {
            LocalState current = state;
            if (docker != null) {
                if (!SlotRunner.DOCKER.equals(state.runtime())) {
                    throw new InvalidInputException(Parameter.DOCKER, "'" + name + "' runs as a process, not in "
                            + "Docker: undeploy it first to deploy it with " + Parameter.DOCKER.ref());
                }
                if (docker.baseImage() != null && !docker.baseImage().equals(state.docker().baseImage())) {
                    current = new LocalState(state.name(), state.port(), state.stable(), state.canary(),
                            state.history(), state.lastRevision(), state.runtime(),
                            new LocalDeploy.Docker(docker.baseImage(), state.docker().host()));
                    current.write(dir);
                }
            }
            runner = runner(stateDir, current);
            return current;
        }

        /** The revision's bundle copy, and its image for the docker runner; nothing is left of a failed one. */
        private void prepare(ModelBundle bundle, int revision, Progress progress) {
            LocalFiles.copyBundle(bundle, revisionDir(revision).resolve("model"));
            try {
                runner.prepare(revision, revisionDir(revision).resolve("model"), progress);
            } catch (RuntimeException e) {
                deleteRevision(revision);
                throw e;
            }
        }

        private Outcome outcome(Result result, String track, Start start, String reason) {
            return new Outcome(result, name, track, start.slot().revision(), "http://127.0.0.1:"
                    + start.slot().port(), start.slot().modelId(),
                    dir.resolve("secrets").resolve(ServerSecrets.FEEDBACK_TOKEN_KEY), start.log(), reason);
        }

        private Path revisionDir(int revision) {
            return LocalDeployments.revisionDir(dir, revision);
        }

        private String modelId(int revision) {
            return ModelBundle.open(revisionDir(revision).resolve("model")).manifest().modelId();
        }

        private void deleteRevision(int revision) {
            LocalFiles.deleteTree(revisionDir(revision));
        }

        /** Keeps the revisions a rollback can reach and the canary's; removes the rest. */
        private void prune(LocalState state) {
            List<Integer> kept = new ArrayList<>(state.history().subList(
                    Math.max(0, state.history().size() - 1 - KEPT_REVISIONS), state.history().size()));
            if (state.canary() != null) {
                kept.add(state.canary().revision());
            }
            try (Stream<Path> revisions = Files.list(dir.resolve("revisions"))) {
                for (Path revision : revisions.toList()) {
                    int number = Integer.parseInt(revision.getFileName().toString());
                    if (!kept.contains(number)) {
                        LocalFiles.deleteTree(revision);
                        runner.forget(number);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // pruning is housekeeping: a failure costs disk space, not correctness
            }
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The deployment's runner, from its state: processes unless it says docker. */
    static SlotRunner runner(Path stateDir, LocalState state) {
        if (SlotRunner.DOCKER.equals(state.runtime())) {
            return new DockerRunner(stateDir, state.name(), state.docker().host(), state.docker().baseImage());
        }
        return new ProcessRunner(stateDir, state.name());
    }

    static Path revisionDir(Path dir, int revision) {
        return dir.resolve("revisions").resolve(Integer.toString(revision));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }


}
