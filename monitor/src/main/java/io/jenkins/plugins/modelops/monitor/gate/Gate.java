package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The promotion gate: every interval, each condition is measured on the version under test; a condition that fails
 * more often than the failure limit fails the gate at once; rounds that cannot be measured end it in ERROR; at the
 * end of the window it passes only if every condition passed in the last rounds on enough samples. No data, NaN,
 * too few samples and a missing baseline are inconclusive (or failures, by policy), never a pass.
 */
public final class Gate {

    /** What the gate judges: a model, the version under test (a canary) and the version it is compared with. */
    public record Target(String model, Optional<String> version, Optional<String> baselineVersion) {
    }

    /** The verdict, why, and the whole evidence. */
    public record Outcome(Decision verdict, String reason, GateState state) {
    }

    /** The gate's time: the real one reads the clock and sleeps; a test's may move a clock of its own instead. */
    public interface Sleeper {
        Instant now();

        void sleepUntil(Instant due) throws InterruptedException;
    }

    public static final Sleeper REAL_TIME = new Sleeper() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleepUntil(Instant due) throws InterruptedException {
            long millis = Duration.between(Instant.now(), due).toMillis();
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    };

    private static final double Z95 = 1.959964;
    /** Retries of one reading before the measurement is an ERROR: provider hiccups should not end a gate. */
    private static final Duration[] BACKOFF = {Duration.ofMillis(500), Duration.ofSeconds(1)};

    private Gate() {
    }

    public static GateState start(Instant now) {
        return new GateState(now.toString(), List.of(), 0, null, null);
    }

    /** When round {@code index} (from 1) is due. */
    public static Instant due(GatePolicy policy, GateState state, int index) {
        return Instant.parse(state.startedAt()).plus(policy.initialDelay()).plus(policy.interval().multipliedBy(index));
    }

    /**
     * Runs (or resumes) the gate until its verdict; {@code checkpoint} gets the state after every round, to keep.
     */
    public static Outcome run(GatePolicy policy, Target target, GateState state, SignalSource source,
                              Sleeper sleeper, Progress progress, Consumer<GateState> checkpoint) {
        validate(policy, target, source);
        GateState current = state;
        while (!current.finished()) {
            int index = current.rounds().size() + 1;
            Instant due = due(policy, current, index);
            try {
                sleeper.sleepUntil(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(null, "interrupted; resume from the state", current);
            }
            current = round(policy, target, current, source, sleeper);
            for (Measurement m : current.rounds().get(current.rounds().size() - 1).measurements()) {
                progress.info(describe(index, policy.rounds(), m));
            }
            checkpoint.accept(current);
        }
        progress.info("Gate " + current.verdict() + ": " + current.reason());
        return new Outcome(current.verdict(), current.reason(), current);
    }

    /** One round at its due time, and the verdict if this round decides it. */
    static GateState round(GatePolicy policy, Target target, GateState state, SignalSource source, Sleeper sleeper) {
        int index = state.rounds().size() + 1;
        Instant at = due(policy, state, index);
        Duration lookback = policy.interval().multipliedBy(index);
        Duration observed = policy.window().minus(policy.initialDelay());
        if (lookback.compareTo(observed) > 0) {
            lookback = observed;
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Condition condition : policy.conditions()) {
            measurements.add(measure(policy, target, condition, source, lookback, at, sleeper));
        }
        boolean errors = measurements.stream().anyMatch(m -> m.decision() == Decision.ERROR);
        GateState next = state.with(new GateState.Round(index, at.toString(), measurements),
                errors ? state.consecutiveErrorRounds() + 1 : 0);
        return decide(policy, next);
    }

    private static Measurement measure(GatePolicy policy, Target target, Condition condition, SignalSource source,
                                       Duration lookback, Instant at, Sleeper sleeper) {
        Signal signal = condition.signal();
        if (signal == Signal.LATENCY) {
            return LatencyComparison.measure(policy, target, condition, source, lookback, at, sleeper);
        }
        SignalSource.Reading reading;
        try {
            reading = read(source, signal, target.model(), target.version(), policy.source(), lookback, at, sleeper);
        } catch (SignalSource.ReadingFailed e) {
            return measurement(at, condition, null, null, null, null, 0, Decision.ERROR, e.getMessage());
        }
        Optional<String> problem = evidenceProblem(policy, signal, reading, "");
        if (problem.isPresent()) {
            Decision decision = reading.samples() < policy.minSamples() && reading.value().isPresent()
                    && !reading.value().get().isNaN() ? Decision.INCONCLUSIVE : policy.noDataFor(signal);
            return measurement(at, condition, reading, reading.value().orElse(null), null, null, reading.samples(),
                    decision, problem.get());
        }
        double value = reading.value().orElseThrow();
        Double baseline = null;
        if (condition.usesBaseline()) {
            SignalSource.Reading base;
            try {
                base = read(source, signal, target.model(), target.baselineVersion(), policy.source(), lookback, at,
                        sleeper);
            } catch (SignalSource.ReadingFailed e) {
                return measurement(at, condition, reading, value, null, null, reading.samples(), Decision.ERROR,
                        "the baseline could not be read: " + e.getMessage());
            }
            Optional<String> baseProblem = evidenceProblem(policy, signal, base, "the baseline version "
                    + target.baselineVersion().orElse("?") + ": ");
            if (baseProblem.isPresent()) {
                return measurement(at, condition, reading, value, null, base.value().orElse(null), reading.samples(),
                        Decision.INCONCLUSIVE, baseProblem.get());
            }
            baseline = base.value().orElseThrow();
        }
        double threshold = condition.threshold(baseline == null ? Double.NaN : baseline);
        boolean holds = condition.holds(value, threshold);
        return measurement(at, condition, reading, value, threshold, baseline, reading.samples(),
                holds ? Decision.PASS : Decision.FAIL, Numbers.format(value) + (holds ? " meets " : " breaks ")
                        + condition.comparison().symbol() + " " + Numbers.format(threshold));
    }

    /** Why a reading is not evidence (no data, NaN, too few samples), or empty when it is. */
    private static Optional<String> evidenceProblem(GatePolicy policy, Signal signal, SignalSource.Reading reading,
                                                    String whose) {
        if (reading.value().isEmpty()) {
            return Optional.of(whose + "no data: the query returned no series (no traffic or feedback for this "
                    + "version yet, or nothing scraped)");
        }
        if (reading.value().get().isNaN()) {
            return Optional.of(whose + "the value is NaN (nothing divided by nothing: no requests or feedback in "
                    + "the window)");
        }
        if (signal != Signal.ALERTS && reading.samples() < policy.minSamples()) { // a count of alerts is no sample
            return Optional.of(whose + "only " + reading.samples() + " samples; a measurement needs "
                    + policy.minSamples());
        }
        return Optional.empty();
    }

    private static SignalSource.Reading read(SignalSource source, Signal signal, String model,
                                             Optional<String> version, Signal.Source feedback, Duration lookback,
                                             Instant at, Sleeper sleeper) {
        return retrying(() -> source.read(signal, model, version, feedback, lookback, at), sleeper);
    }

    /** A reading, retried with backoff while the source says a retry may help. */
    static <T> T retrying(java.util.function.Supplier<T> reading, Sleeper sleeper) {
        for (int attempt = 0; ; attempt++) {
            try {
                return reading.get();
            } catch (SignalSource.ReadingFailed e) {
                if (!e.retryable() || attempt >= BACKOFF.length) {
                    throw e;
                }
                try {
                    sleeper.sleepUntil(sleeper.now().plus(BACKOFF[attempt]));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static GateState decide(GatePolicy policy, GateState state) {
        for (Condition condition : policy.conditions()) {
            List<Measurement> history = history(state, condition);
            long failures = history.stream().filter(m -> m.decision() == Decision.FAIL).count();
            if (failures > policy.failureLimit()) {
                Measurement last = history.get(history.size() - 1);
                return state.ended(Decision.FAIL, condition.expression() + " failed " + failures + " time"
                        + (failures == 1 ? "" : "s") + " (failure limit " + policy.failureLimit() + "); last: "
                        + last.reason());
            }
        }
        if (state.consecutiveErrorRounds() > policy.errorLimit()) {
            return state.ended(Decision.ERROR, state.consecutiveErrorRounds() + " rounds in a row could not be "
                    + "measured (error limit " + policy.errorLimit() + "); last: " + lastError(state));
        }
        if (policy.inconclusiveLimit() >= 0) {
            for (Condition condition : policy.conditions()) {
                long inconclusive = history(state, condition).stream()
                        .filter(m -> m.decision() == Decision.INCONCLUSIVE).count();
                if (inconclusive > policy.inconclusiveLimit()) {
                    return state.ended(Decision.INCONCLUSIVE, condition.expression() + " was inconclusive "
                            + inconclusive + " times (limit " + policy.inconclusiveLimit() + ")");
                }
            }
        }
        if (state.rounds().size() < policy.rounds()) {
            return state;
        }
        List<GateState.Round> last = state.rounds().subList(state.rounds().size() - policy.consecutiveSuccesses(),
                state.rounds().size());
        if (last.stream().allMatch(r -> r.measurements().stream().allMatch(m -> m.decision() == Decision.PASS))) {
            return state.ended(Decision.PASS, "every condition passed in the last " + policy.consecutiveSuccesses()
                    + " of " + state.rounds().size() + " rounds");
        }
        GateState.Round end = state.rounds().get(state.rounds().size() - 1);
        if (end.measurements().stream().anyMatch(m -> m.decision() == Decision.ERROR)) {
            return state.ended(Decision.ERROR, "the last round could not be measured: " + lastError(state));
        }
        List<String> open = new ArrayList<>();
        for (Measurement m : end.measurements()) {
            if (m.decision() != Decision.PASS) {
                open.add(m.condition() + ": " + m.reason());
            }
        }
        return state.ended(Decision.INCONCLUSIVE, open.isEmpty() ? "not every condition passed in each of the "
                + "last " + policy.consecutiveSuccesses() + " rounds" : "at the end of the window, "
                + String.join("; ", open));
    }

    private static List<Measurement> history(GateState state, Condition condition) {
        return state.rounds().stream().flatMap(r -> r.measurements().stream())
                .filter(m -> m.condition().equals(condition.expression())).toList();
    }

    private static String lastError(GateState state) {
        for (int i = state.rounds().size() - 1; i >= 0; i--) {
            for (Measurement m : state.rounds().get(i).measurements()) {
                if (m.decision() == Decision.ERROR) {
                    return m.reason();
                }
            }
        }
        return "none";
    }

    static Measurement measurement(Instant at, Condition condition, SignalSource.Reading reading,
                                           Double value, Double threshold, Double baseline, long samples,
                                           Decision decision, String reason) {
        Double lower = null;
        Double upper = null;
        if (condition.signal() == Signal.ACCURACY && value != null && !value.isNaN() && samples > 0) {
            double[] interval = wilson(value, samples);
            lower = interval[0];
            upper = interval[1];
        }
        return new Measurement(at.toString(), condition.expression(), condition.signal().id(),
                reading == null ? null : reading.query(), finite(value), threshold, finite(baseline), samples, lower,
                upper, decision, reason);
    }

    /** JSON has no NaN: a NaN value is shown by the reason instead. */
    private static Double finite(Double value) {
        return value == null || value.isNaN() || value.isInfinite() ? null : value;
    }

    /** The 95% Wilson score interval of a proportion {@code p} observed on {@code n} trials. */
    static double[] wilson(double p, long n) {
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    private static void validate(GatePolicy policy, Target target, SignalSource source) {
        boolean baseline = policy.conditions().stream().anyMatch(Condition::usesBaseline);
        if (baseline && (target.baselineVersion().isEmpty() || target.version().isEmpty())) {
            throw new InvalidInputException(Parameter.GATE, "a condition on baseline compares two versions: give "
                    + "the version under test and the baseline version (the stable one beside the canary)");
        }
    }

    private static String describe(int index, long rounds, Measurement m) {
        return String.format("[%d/%d] %-28s %-12s %s (%d samples)", index, rounds, m.condition(), m.decision(),
                m.reason(), m.samples());
    }
}
