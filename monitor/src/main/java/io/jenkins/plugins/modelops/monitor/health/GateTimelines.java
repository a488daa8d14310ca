package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.monitor.gate.GateState;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/** The gate state files ({@code modelops gate --state-file}) read afresh at each poll: a running gate grows. */
final class GateTimelines {

    private GateTimelines() {
    }

    static List<HealthSnapshot.GateTimeline> read(List<HealthRequest.GateFile> files) {
        List<HealthSnapshot.GateTimeline> timelines = new ArrayList<>();
        for (HealthRequest.GateFile gate : files) {
            String name = gate.file().getFileName().toString();
            String file = gate.file().toString();
            try {
                GateState state = Json.MAPPER.readValue(java.nio.file.Files.readAllBytes(gate.file()), GateState.class);
                timelines.add(new HealthSnapshot.GateTimeline(name, gate.model(), file, state, null));
            } catch (NoSuchFileException notYet) {
                timelines.add(new HealthSnapshot.GateTimeline(name, gate.model(), file, null, "not written yet (a "
                        + "gate writes its state file after its first round)"));
            } catch (IOException e) {
                timelines.add(new HealthSnapshot.GateTimeline(name, gate.model(), file, null,
                        "cannot be read as a gate state: " + e.getMessage()));
            }
        }
        return timelines;
    }
}
