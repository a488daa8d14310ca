package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.util.List;

/**
 * How a gate judges: what it measures, for how long, how often, and how much evidence it needs. Argo Rollouts'
 * analysis fields under their names (failure limit, inconclusive limit, consecutive errors and successes), with the
 * defaults that never pass without evidence: no data, NaN or too few samples are inconclusive, not a pass.
 *
 * @param window how long the gate observes; the verdict comes by window + one interval
 * @param interval time between measurements
 * @param initialDelay time before the first observation counts (the new version warming up)
 * @param minSamples labelled predictions (accuracy, mae, rmse) or requests (the rest) a measurement needs
 * @param consecutiveSuccesses rounds in a row, at the end, in which every condition passed
 * @param failureLimit failed measurements of one condition tolerated; one more fails the gate at once
 * @param inconclusiveLimit inconclusive measurements of one condition tolerated before the gate ends
 *                          inconclusive; -1 waits for the end of the window
 * @param errorLimit rounds in a row whose measurements could not be taken (provider errors) before ERROR
 * @param noData what a measurement without data (empty result, NaN) is: INCONCLUSIVE or FAIL, never PASS
 * @param source which feedback counts for accuracy and errors
 * @param noDataBySignal {@code noData} for single signals (no traffic may be fine for latency but not for accuracy)
 */
public record GatePolicy(List<Condition> conditions, Duration window, Duration interval, Duration initialDelay,
                         long minSamples, int consecutiveSuccesses, int failureLimit, int inconclusiveLimit,
                         int errorLimit, Decision noData, Signal.Source source,
                         java.util.Map<Signal, Decision> noDataBySignal) {

    public GatePolicy {
        conditions = List.copyOf(conditions);
        noDataBySignal = noDataBySignal == null ? java.util.Map.of() : java.util.Map.copyOf(noDataBySignal);
        for (var entry : noDataBySignal.entrySet()) {
            noEvidenceIsNoPass(entry.getKey().id() + "=" + entry.getValue(), entry.getValue());
        }
        if (conditions.isEmpty()) {
            throw new InvalidInputException(Parameter.GATE, "a gate needs at least one condition in "
                    + Parameter.GATE.ref() + ", e.g. accuracy>=0.9 or latencyP99<=50ms: without one it would pass on "
                    + "no evidence");
        }
        positive(Parameter.WINDOW, window);
        if (interval.isNegative() || interval.isZero() || interval.compareTo(window) > 0) {
            throw new InvalidInputException(Parameter.INTERVAL, Parameter.INTERVAL.ref() + " " + seconds(interval)
                    + " must be positive and at most the " + Parameter.WINDOW.ref() + " " + seconds(window));
        }
        if (interval.toMillis() % 1000 != 0 || window.toMillis() % 1000 != 0) {
            throw new InvalidInputException(Parameter.WINDOW, Parameter.WINDOW.ref() + " and "
                    + Parameter.INTERVAL.ref() + " are whole seconds (PromQL ranges are): " + window.toMillis()
                    + "ms, " + interval.toMillis() + "ms");
        }
        if (initialDelay.isNegative() || initialDelay.compareTo(window) >= 0) {
            throw new InvalidInputException(Parameter.INITIAL_DELAY, Parameter.INITIAL_DELAY.ref() + " "
                    + seconds(initialDelay) + " must be at least 0 and shorter than the " + Parameter.WINDOW.ref()
                    + " " + seconds(window));
        }
        atLeast(Parameter.MIN_SAMPLES, minSamples, 1, "a measurement on no sample is no evidence");
        atLeast(Parameter.CONSECUTIVE_SUCCESSES, consecutiveSuccesses, 1, "the last round at least must pass");
        atLeast(Parameter.FAILURE_LIMIT, failureLimit, 0, "0 fails the gate at the first failed measurement");
        atLeast(Parameter.INCONCLUSIVE_LIMIT, inconclusiveLimit, -1, "-1 waits for the end of the window");
        atLeast(Parameter.ERROR_LIMIT, errorLimit, 0, "0 ends in ERROR at the first round that cannot be measured");
        noEvidenceIsNoPass(String.valueOf(noData), noData);
        long rounds = rounds(window, initialDelay, interval);
        if (consecutiveSuccesses > rounds) {
            throw new InvalidInputException(Parameter.CONSECUTIVE_SUCCESSES, Parameter.CONSECUTIVE_SUCCESSES.ref()
                    + " " + consecutiveSuccesses + " cannot happen in "
                    + rounds + " measurements (" + Parameter.WINDOW.ref() + " " + seconds(window) + ", interval "
                    + seconds(interval) + ")");
        }
    }

    private static void atLeast(Parameter parameter, long value, long minimum, String why) {
        if (value < minimum) {
            throw new InvalidInputException(parameter, parameter.ref() + " " + value + " must be at least " + minimum
                    + " (" + why + ")");
        }
    }

    private static void noEvidenceIsNoPass(String given, Decision decision) {
        if (decision == Decision.PASS || decision == Decision.ERROR) {
            throw new InvalidInputException(Parameter.NO_DATA, Parameter.NO_DATA.ref() + " " + given + ": no data "
                    + "counts as INCONCLUSIVE or FAIL; a gate never passes on no evidence");
        }
    }

    /** Argo's and Flagger's usual choices, with a 100-sample floor for a measurement to count. */
    public static GatePolicy of(List<Condition> conditions, Duration window, Duration interval) {
        return new GatePolicy(conditions, window, interval, Duration.ZERO, 100, 1, 0, -1, 4, Decision.INCONCLUSIVE,
                Signal.Source.ANY, java.util.Map.of());
    }

    public GatePolicy withMinSamples(long value) {
        return new GatePolicy(conditions, window, interval, initialDelay, value, consecutiveSuccesses, failureLimit,
                inconclusiveLimit, errorLimit, noData, source, noDataBySignal);
    }

    public GatePolicy withSource(Signal.Source value) {
        return new GatePolicy(conditions, window, interval, initialDelay, minSamples, consecutiveSuccesses,
                failureLimit, inconclusiveLimit, errorLimit, noData, value, noDataBySignal);
    }

    public GatePolicy withLimits(int successes, int failures, int inconclusives, int errors) {
        return new GatePolicy(conditions, window, interval, initialDelay, minSamples, successes, failures,
                inconclusives, errors, noData, source, noDataBySignal);
    }

    public GatePolicy withNoData(Decision value) {
        return new GatePolicy(conditions, window, interval, initialDelay, minSamples, consecutiveSuccesses,
                failureLimit, inconclusiveLimit, errorLimit, value, source, noDataBySignal);
    }

    public GatePolicy withInitialDelay(Duration value) {
        return new GatePolicy(conditions, window, interval, value, minSamples, consecutiveSuccesses, failureLimit,
                inconclusiveLimit, errorLimit, noData, source, noDataBySignal);
    }

    /** The same, with {@code decision} for a signal's missing data alone. */
    public GatePolicy withNoData(Signal signal, Decision decision) {
        java.util.Map<Signal, Decision> all = new java.util.EnumMap<>(Signal.class);
        all.putAll(noDataBySignal);
        all.put(signal, decision);
        return new GatePolicy(conditions, window, interval, initialDelay, minSamples, consecutiveSuccesses,
                failureLimit, inconclusiveLimit, errorLimit, noData, source, all);
    }

    /** What missing data (an empty result, NaN) counts as for {@code signal}. */
    public Decision noDataFor(Signal signal) {
        return noDataBySignal.getOrDefault(signal, noData);
    }

    /** How many measurements the window holds: the last one is the first at or after its end. */
    public long rounds() {
        return rounds(window, initialDelay, interval);
    }

    private static long rounds(Duration window, Duration initialDelay, Duration interval) {
        long observed = window.minus(initialDelay).toMillis();
        return Math.max(1, (observed + interval.toMillis() - 1) / interval.toMillis());
    }

    private static void positive(Parameter parameter, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new InvalidInputException(parameter, parameter.ref() + " must be positive: " + seconds(value));
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
