package io.jenkins.plugins.modelops.deploy.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a local deployment is, kept in {@code <state-dir>/<name>/deployment.json}: its port, the process serving
 * each track, and the stable track's revision history (for rollback). Written whole and atomically, so a command
 * killed half-way leaves the previous state.
 *
 * @param history stable revisions in the order they served, the current one last
 * @param runtime {@code process} or {@code docker}; absent (older state files) means process
 * @param docker  for the docker runtime: the engine ({@code DOCKER_HOST}, when not the default) and base image
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record LocalState(String name, int port, Slot stable, Slot canary, List<Integer> history, int lastRevision,
                  String runtime, LocalDeploy.Docker docker) {

    static final String FILE = "deployment.json";

    LocalState {
        history = List.copyOf(history);
    }

    static Optional<LocalState> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), LocalState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local deployment's state " + file, e);
        }
    }

    void write(Path dir) {
        try {
            Path temporary = Files.createTempFile(dir, ".deployment-", ".json");
            Json.MAPPER.writeValue(temporary.toFile(), this);
            Files.move(temporary, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local deployment's state in " + dir, e);
        }
    }

    LocalState withStable(Slot slot) {
        List<Integer> served = new ArrayList<>(history);
        if (served.isEmpty() || served.get(served.size() - 1) != slot.revision()) {
            served.add(slot.revision());
        }
        return new LocalState(name, port, slot, canary, served, Math.max(lastRevision, slot.revision()), runtime,
                docker);
    }

    LocalState withCanary(Slot slot) {
        int last = slot == null ? lastRevision : Math.max(lastRevision, slot.revision());
        return new LocalState(name, port, stable, slot, history, last, runtime, docker);
    }

    /** The same stable revision in a new process (started again after a failed change). */
    LocalState restarted(Slot slot, int last) {
        return new LocalState(name, port, slot, canary, history, Math.max(lastRevision, last), runtime, docker);
    }

    /** After a rollback the abandoned revision leaves the history, so a second rollback goes one further back. */
    LocalState rolledBackTo(Slot slot) {
        List<Integer> served = new ArrayList<>(history);
        served.remove(served.size() - 1);
        return new LocalState(name, port, slot, canary, served, lastRevision, runtime, docker);
    }

    /** {@code process} unless the state says otherwise. */
    String runtimeName() {
        return runtime == null ? SlotRunner.PROCESS : runtime;
    }

    Optional<Integer> previousRevision() {
        return history.size() < 2 ? Optional.empty() : Optional.of(history.get(history.size() - 2));
    }
}
