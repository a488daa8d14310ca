package io.jenkins.plugins.modelops.monitor.usecase;

import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.deploy.DeploymentTarget;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.GateStateFile;
import io.jenkins.plugins.modelops.monitor.gate.Measurement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's plain-value summary (modelops gate --json, the monitorModel step) and its resumable state file. */
class GateSummaryTest {

    @TempDir
    Path dir;

    private static GateState state(Decision verdict) {
        Measurement m = new Measurement("2026-12-02T08:00:00Z", "accuracy>=0.9", "accuracy", "q", 0.8, 0.9, null,
                500, 0.76, 0.84, Decision.FAIL, "0.8 < 0.9");
        return new GateState("2026-12-02T07:59:00Z", List.of(new GateState.Round(1, m.at(), List.of(m))), 0,
                verdict, verdict == null ? null : "accuracy failed");
    }

    @Test
    void summaryIsPlainValuesWithEveryMeasurementAndTheStepsSpelling() throws Exception {
        GateModel.Outcome gate = new GateModel.Outcome(Decision.FAIL, "failed within the " + Parameter.WINDOW.ref(),
                state(Decision.FAIL), Optional.of(new DeploymentTarget.Action("rollback", "iris", true, "revision 1")));

        Map<String, Object> summary = new MonitorModel.Outcome(gate, "prometheus", true, Optional.empty(), true)
                .summary();

        assertThat(summary.get("verdict")).isEqualTo("FAIL");
        assertThat(summary.get("reason")).isEqualTo("failed within the window:");
        assertThat(((Map<?, ?>) summary.get("action")).get("verb")).isEqualTo("rollback");
        Map<?, ?> round = (Map<?, ?>) ((List<?>) ((Map<?, ?>) summary.get("state")).get("rounds")).get(0);
        Map<?, ?> measurement = (Map<?, ?>) ((List<?>) round.get("measurements")).get(0);
        assertThat(measurement.get("value")).isEqualTo(0.8);
        assertThat(measurement.get("threshold")).isEqualTo(0.9);
        new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(summary);
    }

    @Test
    void aStoppedGateHasNoVerdict() {
        GateModel.Outcome gate = new GateModel.Outcome(null, "stopped", state(null), Optional.empty());

        assertThat(new MonitorModel.Outcome(gate, "scrape", false, Optional.empty(), false).summary())
                .doesNotContainKey("verdict").containsEntry("reason", "stopped");
    }

    @Test
    void anUnfinishedStateIsResumedAndAFinishedOneIsHistory() throws Exception {
        Path file = dir.resolve("state/gate.json");
        assertThat(GateStateFile.unfinished(file)).isEmpty();

        GateStateFile.save(file, state(null));
        assertThat(GateStateFile.unfinished(file)).get().extracting(s -> s.rounds().size()).isEqualTo(1);

        GateStateFile.save(file, state(Decision.PASS));
        assertThat(GateStateFile.unfinished(file)).isEmpty();
    }
}
