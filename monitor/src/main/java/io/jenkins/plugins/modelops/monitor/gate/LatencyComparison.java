package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.monitor.signal.Condition;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code latency<=baseline}: the canary's whole latency distribution against the stable version's, by a one-sided
 * Mann-Whitney U test over the window's histograms ({@link MannWhitney}), as Kayenta judges a canary. It fails only
 * when the canary is slower beyond chance (p below {@link #ALPHA}, Kayenta's 98% confidence) and by more than a
 * small effect (a canary request slower than a baseline one in more than {@link #SMALL_EFFECT} of pairs, Vargha
 * and Delaney's "small"), so that a tiny shift seen on a huge sample does not roll a model back. Too few requests
 * on either side is inconclusive, never a pass.
 */
final class LatencyComparison {

    static final double ALPHA = 0.02;
    static final double SMALL_EFFECT = 0.56;

    private LatencyComparison() {
    }

    static Measurement measure(GatePolicy policy, Gate.Target target, Condition condition, SignalSource source,
                               Duration lookback, Instant at, Gate.Sleeper sleeper) {
        String model = target.model();
        String version = target.version().orElseThrow();
        String baselineVersion = target.baselineVersion().orElseThrow();
        SignalSource.Histogram canary;
        SignalSource.Histogram baseline;
        try {
            canary = Gate.retrying(() -> source.histogram(model, version, lookback, at), sleeper);
            baseline = Gate.retrying(() -> source.histogram(model, baselineVersion, lookback, at), sleeper);
        } catch (SignalSource.ReadingFailed e) {
            return Gate.measurement(at, condition, null, null, null, null, 0, Decision.ERROR, e.getMessage());
        }
        SignalSource.Reading evidence = new SignalSource.Reading(java.util.Optional.empty(), 0, canary.query()
                + "  vs  " + baseline.query());
        MannWhitney test = MannWhitney.test(canary.cumulative(), baseline.cumulative());
        long samples = (long) Math.floor(Math.min(test.canary(), test.baseline()));
        if (test.canary() <= 0 || test.baseline() <= 0) {
            String whose = test.canary() <= 0 ? "version " + version : "the baseline version " + baselineVersion;
            return Gate.measurement(at, condition, evidence, null, SMALL_EFFECT, 0.5, samples,
                    policy.noDataFor(condition.signal()), "no data: " + whose + " served no request in the window");
        }
        if (samples < policy.minSamples()) {
            return Gate.measurement(at, condition, evidence, test.slower(), SMALL_EFFECT, 0.5, samples,
                    Decision.INCONCLUSIVE, "only " + samples + " requests on the " + (test.canary() < test.baseline()
                            ? "canary" : "baseline") + "'s side; a measurement needs " + policy.minSamples());
        }
        boolean slower = test.pValue() < ALPHA && test.slower() > SMALL_EFFECT;
        String reason = String.format(Locale.ROOT, "a request of %s is slower than one of %s in %s of pairs "
                        + "(Mann-Whitney U, one-sided p=%s, over %d and %d requests): %s", version, baselineVersion,
                Numbers.format(round(test.slower())), pValue(test.pValue()), Math.round(test.canary()),
                Math.round(test.baseline()), slower ? "slower beyond chance and by more than a small effect ("
                        + SMALL_EFFECT + ")" : test.pValue() < ALPHA ? "slower, but by less than a small effect ("
                        + SMALL_EFFECT + ")" : "not slower beyond chance (p >= " + ALPHA + ")");
        return Gate.measurement(at, condition, evidence, test.slower(), SMALL_EFFECT, 0.5, samples,
                slower ? Decision.FAIL : Decision.PASS, reason);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String pValue(double p) {
        return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }
}
