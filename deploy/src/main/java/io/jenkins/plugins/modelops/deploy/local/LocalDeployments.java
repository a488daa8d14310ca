package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Outcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Result;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

        Outcome rollOut(Optional<LocalState> current, ModelBundle bundle, int port, Duration timeout,
                        Progress progress) {
            if (current.isEmpty()) {
                return firstDeploy(bundle, port, timeout, progress);
            }
            LocalState state = current.get();
            if (state.canary() != null) {
                throw new InvalidInputException(Parameter.STRATEGY, "'" + name + "' has a canary (revision "
                        + state.canary().revision() + "): promote or abort it before a new rollout");
            }
            int revision = state.lastRevision() + 1;
            copyBundle(bundle, revision);
            int newPort = port > 0 ? port : state.port();
            Slot old = state.stable();
            stop(old, "stable", progress);
            Start started = start(revision, bundle.manifest().modelId(), newPort, "stable", timeout, progress);
            if (started.readiness().ready()) {
                new LocalState(name, newPort, state.stable(), null, state.history(), revision)
                        .withStable(started.slot()).write(dir);
                prune(LocalState.read(dir).orElseThrow());
                return outcome(Result.ROLLED_OUT, "stable", started, "ready");
            }
            progress.warn("revision " + revision + " did not get ready: " + started.readiness().reason());
            stop(started.slot(), "stable", progress);
            deleteRevision(revision);
            Start restored = restart(old, state.port(), "stable", timeout, progress);
            state.restarted(restored.slot(), revision).write(dir);
            return outcome(Result.ROLLED_BACK, "stable", restored, started.readiness().reason());
        }

        private Outcome firstDeploy(ModelBundle bundle, int port, Duration timeout, Progress progress) {
            try {
                createDirectories(dir);
                secrets();
                copyBundle(bundle, 1);
                int chosen = port > 0 ? port : freePort();
                Start started = start(1, bundle.manifest().modelId(), chosen, "stable", timeout, progress);
                if (started.readiness().ready()) {
                    new LocalState(name, chosen, null, null, List.of(), 1).withStable(started.slot()).write(dir);
                    return outcome(Result.ROLLED_OUT, "stable", started, "ready");
                }
                stop(started.slot(), "stable", progress);
                Outcome failed = outcome(Result.FAILED, "stable", started, started.readiness().reason());
                deleteTree(dir);
                return failed;
            } catch (RuntimeException e) {
                deleteTree(dir); // nothing half-done: no deployment without a ready server
                throw e;
            }
        }

        Outcome startCanary(LocalState state, ModelBundle bundle, Duration timeout, Progress progress) {
            if (state.canary() != null) {
                throw new InvalidInputException(Parameter.STRATEGY, "'" + name + "' already has a canary (revision "
                        + state.canary().revision() + "): promote or abort it first");
            }
            int revision = state.lastRevision() + 1;
            copyBundle(bundle, revision);
            Start started = start(revision, bundle.manifest().modelId(), freePort(), "canary", timeout, progress);
            if (started.readiness().ready()) {
                state.withCanary(started.slot()).write(dir);
                return outcome(Result.ROLLED_OUT, "canary", started, "ready");
            }
            stop(started.slot(), "canary", progress);
            deleteRevision(revision);
            return outcome(Result.ROLLED_BACK, "canary", started, started.readiness().reason());
        }

        Outcome promote(LocalState state, Duration timeout, Progress progress) {
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
            Slot canary = Optional.ofNullable(state.canary()).orElseThrow(() -> new InvalidInputException(
                    Parameter.NAME, "'" + name + "' has no canary to abort"));
            stop(canary, "canary", progress);
            state.withCanary(null).write(dir);
            deleteRevision(canary.revision());
        }

        Outcome rollback(LocalState state, Duration timeout, Progress progress) {
            int previous = state.previousRevision().orElseThrow(() -> new InvalidInputException(Parameter.NAME, "'"
                    + name + "' has served only revision " + state.stable().revision() + ": nothing to roll back to"));
            stop(state.stable(), "stable", progress);
            Slot target = new Slot(previous, modelId(previous), state.port(), 0, "");
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
            stop(state.canary(), "canary", progress);
            stop(state.stable(), "stable", progress);
            deleteTree(dir);
            progress.info("Removed local deployment " + name + " (" + dir + ")");
        }

        private record Start(Slot slot, ServerProcess.Readiness readiness, Path log) {
        }

        private Start restart(Slot slot, int port, String track, Duration timeout, Progress progress) {
            return start(slot.revision(), slot.modelId(), port, track, timeout, progress);
        }

        private Start start(int revision, String modelId, int port, String track, Duration timeout,
                            Progress progress) {
            Path launcher = server();
            Path log = dir.resolve("logs").resolve(track + "-r" + revision + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ServerCommand.JVM_FLAGS);
            command.addAll(List.of("-jar", launcher.toString(), "--bundle", revisionDir(revision).resolve("model")
                    .toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--name", name,
                    "--feedback-token-file", dir.resolve("secrets").resolve(ServerSecrets.FEEDBACK_TOKEN_KEY).toString(),
                    "--id-key-file", dir.resolve("secrets").resolve(ServerSecrets.ID_KEY_KEY).toString()));
            progress.info("Starting " + name + " revision " + revision + " (" + track + ") on 127.0.0.1:" + port);
            long pid = ServerProcess.start(command, Map.of(ServerCommand.TRACK, track), log);
            Slot slot = new Slot(revision, modelId, port, pid, Instant.now().toString());
            ServerProcess.Readiness readiness = ServerProcess.awaitReady(pid, port, log, timeout);
            if (readiness.ready()) {
                progress.info(name + " revision " + revision + " (" + track + ") is ready at http://127.0.0.1:"
                        + port);
            }
            return new Start(slot, readiness, log);
        }

        private void stop(Slot slot, String track, Progress progress) {
            if (slot != null && ServerProcess.alive(slot.pid())) {
                progress.info("Stopping " + name + " revision " + slot.revision() + " (" + track + ")");
                ServerProcess.stop(slot.pid(), STOP_GRACE);
            }
        }

        private Outcome outcome(Result result, String track, Start start, String reason) {
            return new Outcome(result, name, track, start.slot().revision(), "http://127.0.0.1:"
                    + start.slot().port(), start.slot().modelId(),
                    dir.resolve("secrets").resolve(ServerSecrets.FEEDBACK_TOKEN_KEY), start.log(), reason);
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

        private void secrets() {
            Path secrets = dir.resolve("secrets");
            ServerSecrets generated = ServerSecrets.generate(new SecureRandom());
            writeSecret(secrets.resolve(ServerSecrets.FEEDBACK_TOKEN_KEY), generated.feedbackToken());
            writeSecret(secrets.resolve(ServerSecrets.ID_KEY_KEY), generated.idKey());
        }

        private static void writeSecret(Path file, String value) {
            try {
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }

        private Path revisionDir(int revision) {
            return dir.resolve("revisions").resolve(Integer.toString(revision));
        }

        private String modelId(int revision) {
            return ModelBundle.open(revisionDir(revision).resolve("model")).manifest().modelId();
        }

        private void copyBundle(ModelBundle bundle, int revision) {
            Path target = revisionDir(revision).resolve("model");
            deleteTree(revisionDir(revision));
            try (Stream<Path> files = Files.walk(bundle.dir())) {
                for (Path file : files.toList()) {
                    Path copy = target.resolve(bundle.dir().relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                }
            } catch (IOException e) {
                deleteTree(revisionDir(revision));
                throw new UncheckedIOException("cannot copy the bundle " + bundle.dir() + " into " + target, e);
            }
        }

        private void deleteRevision(int revision) {
            deleteTree(revisionDir(revision));
        }

        /** Keeps the revisions a rollback can reach and the canary's; removes the rest. */
        private void prune(LocalState state) {
            List<Integer> kept = new ArrayList<>(state.history().subList(
                    Math.max(0, state.history().size() - 1 - KEPT_REVISIONS), state.history().size()));
            if (state.canary() != null) {
                kept.add(state.canary().revision());
            }
            try (Stream<Path> revisions = Files.list(dir.resolve("revisions"))) {
                revisions.filter(r -> !kept.contains(Integer.parseInt(r.getFileName().toString())))
                        .forEach(LocalDeployments::deleteTree);
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

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
