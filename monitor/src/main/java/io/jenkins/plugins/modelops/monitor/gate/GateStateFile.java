package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A gate's state kept in a file after every round, so that an interrupted gate ({@code modelops gate --state-file},
 * a {@code monitorModel} step across a Jenkins restart) resumes where it stopped.
 */
public final class GateStateFile {

    private GateStateFile() {
    }

    /** The unfinished state in {@code file}; empty when there is none or the gate there had ended (history). */
    public static Optional<GateState> unfinished(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        GateState saved = Json.MAPPER.readValue(file.toFile(), GateState.class);
        return saved.finished() ? Optional.empty() : Optional.of(saved);
    }

    /** Replaces the file atomically: a reader sees the previous round or this one, never half of one. */
    public static void save(Path file, GateState state) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".gate-", ".json");
            Json.MAPPER.writeValue(temporary.toFile(), state);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the gate's state in " + file, e);
        }
    }
}
