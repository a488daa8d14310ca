package io.jenkins.plugins.modelops.monitor.gate;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * A gate's progress as a value of plain types (strings, numbers, lists), so it serializes to JSON and back: a
 * Jenkins step that is stopped mid-window (a controller restart) resumes from it and ends with the same verdict,
 * because every round is measured at its own due time, whenever it is actually taken.
 *
 * @param verdict null while the gate runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateState(String startedAt, List<Round> rounds, int consecutiveErrorRounds, Decision verdict,
                        String reason) {

    public GateState {
        rounds = rounds == null ? List.of() : List.copyOf(rounds);
    }

    /** The measurements taken at one due time; {@code index} counts from 1. */
    public record Round(int index, String at, List<Measurement> measurements) {
        public Round {
            measurements = List.copyOf(measurements);
        }
    }

    public boolean finished() {
        return verdict != null;
    }

    GateState with(Round round, int errorRounds) {
        List<Round> all = new ArrayList<>(rounds);
        all.add(round);
        return new GateState(startedAt, all, errorRounds, null, null);
    }

    GateState ended(Decision decision, String why) {
        return new GateState(startedAt, rounds, consecutiveErrorRounds, decision, why);
    }
}
