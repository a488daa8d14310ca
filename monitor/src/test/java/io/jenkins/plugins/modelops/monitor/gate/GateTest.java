package io.jenkins.plugins.modelops.monitor.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verdict logic on scripted readings (what Prometheus would answer at each round), on a clock the gate moves
 * itself. The gate on a real Prometheus and real servers is {@code GatePrometheusTest}.
 */
class GateTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Gate.Target IRIS = new Gate.Target("iris", Optional.of("v2"), Optional.empty());

    /** Answers from a function of (signal, round); the round is read off the time asked about. */
    private static final class Scripted implements SignalSource {
        private final BiFunction<Signal, Integer, Reading> answers;
        final List<String> asked = new ArrayList<>();

        Scripted(BiFunction<Signal, Integer, Reading> answers) {
            this.answers = answers;
        }

        @Override
        public Reading read(Signal signal, String model, Optional<String> version, Signal.Source source,
                            Duration lookback, Instant at) {
            int round = (int) (Duration.between(T0, at).toSeconds() / 10);
            asked.add(signal.id() + "@" + round + ":" + version.orElse("-") + ":" + lookback.toSeconds());
            return answers.apply(signal, round);
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    /** A canary and its baseline: readings or histograms by version (a null function is never asked). */
    private static SignalSource twoVersions(java.util.function.Function<String, SignalSource.Reading> readings,
                                            java.util.function.Function<String, SignalSource.Histogram> histograms) {
        return new SignalSource() {
            @Override
            public Reading read(Signal signal, String model, Optional<String> version, Signal.Source feedback,
                                Duration lookback, Instant at) {
                return readings.apply(version.orElseThrow());
            }

            @Override
            public Histogram histogram(String model, String version, Duration lookback, Instant at) {
                return histograms.apply(version);
            }

            @Override
            public String describe() {
                return "two versions";
            }
        };
    }

    private static SignalSource.Reading value(double value, long samples) {
        return new SignalSource.Reading(Optional.of(value), samples, "q");
    }

    private static GatePolicy policy(String... conditions) {
        return GatePolicy.of(List.of(conditions).stream().map(Condition::parse).toList(), Duration.ofSeconds(60),
                Duration.ofSeconds(10));
    }

    private final MovingClock clock = new MovingClock();
    private final List<String> log = new ArrayList<>();

    private Gate.Outcome run(GatePolicy policy, SignalSource source) {
        return Gate.run(policy, IRIS, Gate.start(T0), source, clock, log::add, s -> { });
    }

    @Test
    void passesOnlyAfterTheWholeWindowOnEnoughSamples() {
        Scripted source = new Scripted((signal, round) -> signal == Signal.ACCURACY ? value(0.95, 500)
                : value(0.02, 5000));
        Gate.Outcome outcome = run(policy("accuracy>=0.9", "latencyP99<=50ms"), source);
        assertThat(outcome.verdict()).isEqualTo(Decision.PASS);
        assertThat(outcome.state().rounds()).hasSize(6);
        assertThat(source.asked).contains("accuracy@1:v2:10", "latencyP99@6:v2:60");
        Measurement first = outcome.state().rounds().get(0).measurements().get(0);
        assertThat(first.value()).isEqualTo(0.95);
        assertThat(first.threshold()).isEqualTo(0.9);
        assertThat(first.lower()).isBetween(0.92, 0.95);
        assertThat(first.upper()).isBetween(0.95, 0.97);
        assertThat(log).hasSize(13).last().asString().startsWith("Gate PASS: every condition passed");
    }

    @Test
    void failsAtTheFirstFailedMeasurementWithItsEvidence() {
        Scripted source = new Scripted((signal, round) -> value(round >= 3 ? 0.6 : 0.95, 500));
        Gate.Outcome outcome = run(policy("accuracy>=0.9"), source);
        assertThat(outcome.verdict()).isEqualTo(Decision.FAIL);
        assertThat(outcome.state().rounds()).hasSize(3);
        assertThat(outcome.reason()).isEqualTo("accuracy>=0.9 failed 1 time (failure limit 0); last: 0.6 breaks >= 0.9");
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void noDataNaNAndTooFewSamplesNeverPass() {
        assertThat(run(policy("accuracy>=0.9"), new Scripted((s, r) -> new SignalSource.Reading(Optional.empty(), 0,
                "q"))).reason()).isEqualTo("at the end of the window, accuracy>=0.9: no data: the query returned no "
                + "series (no traffic or feedback for this version yet, or nothing scraped)");
        Gate.Outcome nan = run(policy("accuracy>=0.9"), new Scripted((s, r) -> value(Double.NaN, 0)));
        assertThat(nan.verdict()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(nan.reason()).contains("NaN");
        Gate.Outcome few = run(policy("accuracy>=0.9"), new Scripted((s, r) -> value(1.0, 99)));
        assertThat(few.verdict()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(few.reason()).contains("only 99 samples; a measurement needs 100");
        Gate.Outcome strict = Gate.run(policy("accuracy>=0.9").withNoData(Decision.FAIL), IRIS, Gate.start(T0),
                new Scripted((s, r) -> value(Double.NaN, 0)), clock, Progress.silent(), s -> { });
        assertThat(strict.verdict()).isEqualTo(Decision.FAIL);
        assertThat(strict.state().rounds()).hasSize(1);
        // Per signal: no feedback fails the gate on accuracy, while latency without traffic stays inconclusive.
        GatePolicy perSignal = policy("accuracy>=0.9", "latencyP99<=50ms").withNoData(Signal.ACCURACY, Decision.FAIL);
        Gate.Outcome accuracyStrict = Gate.run(perSignal, IRIS, Gate.start(T0), new Scripted((s, r) ->
                new SignalSource.Reading(Optional.empty(), 0, "q")), clock, Progress.silent(), s -> { });
        assertThat(accuracyStrict.verdict()).isEqualTo(Decision.FAIL);
        assertThat(accuracyStrict.reason()).startsWith("accuracy>=0.9 failed 1 time");
        assertThat(accuracyStrict.state().rounds().get(0).measurements().get(1).decision())
                .isEqualTo(Decision.INCONCLUSIVE);
        assertThatThrownBy(() -> policy("accuracy>=0.9").withNoData(Signal.LATENCY_P99, Decision.PASS))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("never passes on no evidence");
        // A good last round after early gaps passes: the early rounds had little traffic, the end had enough.
        Gate.Outcome ramp = run(policy("accuracy>=0.9"), new Scripted((s, r) -> r < 4 ? value(1.0, 10 * r)
                : value(0.97, 1000)));
        assertThat(ramp.verdict()).isEqualTo(Decision.PASS);
    }

    @Test
    void providerErrorsAreRetriedThenEndInErrorNeverPass() {
        Scripted down = new Scripted((s, r) -> {
            throw new SignalSource.ReadingFailed("http://127.0.0.1:9/api/v1/query could not be reached", true, null);
        });
        Gate.Outcome error = run(policy("accuracy>=0.9"), down);
        assertThat(error.verdict()).isEqualTo(Decision.ERROR);
        assertThat(error.state().rounds()).hasSize(5);
        assertThat(down.asked).hasSize(15); // each reading tried three times
        assertThat(error.reason()).isEqualTo("5 rounds in a row could not be measured (error limit 4); last: "
                + "http://127.0.0.1:9/api/v1/query could not be reached");
        // Down at the end of the window: ERROR, even though earlier rounds passed.
        Gate.Outcome lateOutage = run(policy("accuracy>=0.9"), new Scripted((s, r) -> {
            if (r >= 6) {
                throw new SignalSource.ReadingFailed("gone", true, null);
            }
            return value(0.95, 500);
        }));
        assertThat(lateOutage.verdict()).isEqualTo(Decision.ERROR);
        // A hiccup in the middle is forgiven.
        Gate.Outcome hiccup = run(policy("accuracy>=0.9"), new Scripted((s, r) -> {
            if (r == 2) {
                throw new SignalSource.ReadingFailed("503", true, null);
            }
            return value(0.95, 500);
        }));
        assertThat(hiccup.verdict()).isEqualTo(Decision.PASS);
    }

    @Test
    void comparesACanaryWithItsBaseline() {
        Map<String, Double> byVersion = new HashMap<>(Map.of("v2", 0.91, "v1", 0.95));
        SignalSource source = twoVersions(version -> value(byVersion.get(version), 500), null);
        Gate.Target canary = new Gate.Target("iris", Optional.of("v2"), Optional.of("v1"));
        Gate.Outcome worse = Gate.run(policy("accuracy>=baseline-0.02"), canary, Gate.start(T0), source, clock,
                Progress.silent(), s -> { });
        assertThat(worse.verdict()).isEqualTo(Decision.FAIL);
        Measurement m = worse.state().rounds().get(0).measurements().get(0);
        assertThat(m.baseline()).isEqualTo(0.95);
        assertThat(m.threshold()).isCloseTo(0.93, org.assertj.core.data.Offset.offset(1e-12));
        byVersion.put("v2", 0.94);
        assertThat(Gate.run(policy("accuracy>=baseline-0.02"), canary, Gate.start(T0), source, clock,
                Progress.silent(), s -> { }).verdict()).isEqualTo(Decision.PASS);
        assertThatThrownBy(() -> run(policy("accuracy>=baseline-0.02"), source))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("give the version under test and "
                        + "the baseline version");
    }

    @Test
    void comparesTheLatencyDistributionsOfACanaryAndItsBaselineByAUTest() {
        // Requests by bucket (bounds 5ms, 10ms, 25ms, 50ms, +Inf), per version: the canary's are moved one bucket up.
        Map<String, int[]> byVersion = new HashMap<>(Map.of("v1", new int[] {200, 400, 300, 80, 20},
                "v2", new int[] {20, 200, 400, 300, 80}));
        SignalSource source = twoVersions(null, version -> {
            double[] bounds = {0.005, 0.01, 0.025, 0.05, Double.POSITIVE_INFINITY};
            java.util.SortedMap<Double, Double> cumulative = new java.util.TreeMap<>();
            double total = 0;
            for (int i = 0; i < bounds.length; i++) {
                total += byVersion.get(version)[i];
                cumulative.put(bounds[i], total);
            }
            return new SignalSource.Histogram(cumulative, "buckets of " + version);
        });
        Gate.Target canary = new Gate.Target("iris", Optional.of("v2"), Optional.of("v1"));
        Gate.Outcome slower = Gate.run(policy("latency<=baseline"), canary, Gate.start(T0), source, clock,
                Progress.silent(), s -> { });
        assertThat(slower.verdict()).isEqualTo(Decision.FAIL);
        Measurement m = slower.state().rounds().get(0).measurements().get(0);
        assertThat(m.value()).isGreaterThan(0.7);
        assertThat(m.threshold()).isEqualTo(LatencyComparison.SMALL_EFFECT);
        assertThat(m.samples()).isEqualTo(1000);
        assertThat(m.query()).isEqualTo("buckets of v2  vs  buckets of v1");
        assertThat(m.reason()).startsWith("a request of v2 is slower than one of v1 in 0.")
                .endsWith("(Mann-Whitney U, one-sided p=<0.0001, over 1000 and 1000 requests): slower beyond chance "
                        + "and by more than a small effect (0.56)");

        byVersion.put("v2", new int[] {200, 400, 300, 80, 20});
        assertThat(Gate.run(policy("latency<=baseline"), canary, Gate.start(T0), source, clock, Progress.silent(),
                s -> { }).verdict()).isEqualTo(Decision.PASS);
        // a canary faster than its baseline passes too: the test is one-sided
        byVersion.put("v2", new int[] {400, 400, 150, 40, 10});
        assertThat(Gate.run(policy("latency<=baseline"), canary, Gate.start(T0), source, clock, Progress.silent(),
                s -> { }).verdict()).isEqualTo(Decision.PASS);
        // a shift too small to matter on a large sample passes, significant as it is
        byVersion.put("v1", new int[] {20000, 40000, 30000, 8000, 2000});
        byVersion.put("v2", new int[] {19000, 40000, 30500, 8400, 2100});
        Gate.Outcome small = Gate.run(policy("latency<=baseline"), canary, Gate.start(T0), source, clock,
                Progress.silent(), s -> { });
        assertThat(small.verdict()).isEqualTo(Decision.PASS);
        assertThat(small.state().rounds().get(0).measurements().get(0).reason())
                .endsWith("slower, but by less than a small effect (0.56)");
        // too few requests on a side: inconclusive, never a pass
        byVersion.put("v2", new int[] {2, 20, 40, 30, 7});
        Gate.Outcome few = Gate.run(policy("latency<=baseline"), canary, Gate.start(T0), source, clock,
                Progress.silent(), s -> { });
        assertThat(few.verdict()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(few.reason()).contains("only 99 requests on the canary's side; a measurement needs 100")
                .doesNotContain("PASS");
    }

    @Test
    void resumingFromTheSerializedStateEndsTheSame() throws Exception {
        ObjectMapper json = new ObjectMapper();
        GatePolicy policy = policy("accuracy>=0.9", "latencyP99<=50ms");
        BiFunction<Signal, Integer, SignalSource.Reading> script = (s, r) -> s == Signal.ACCURACY
                ? value(r == 5 ? 0.7 : 0.95, 500) : value(0.01, 900);
        Gate.Outcome straight = run(policy, new Scripted(script));
        assertThat(straight.verdict()).isEqualTo(Decision.FAIL);

        List<String> checkpoints = new ArrayList<>();
        MovingClock first = new MovingClock();
        assertThatThrownBy(() -> Gate.run(policy, IRIS, Gate.start(T0), new Scripted(script), first, Progress.silent(),
                state -> {
                    checkpoints.add(write(json, state));
                    if (state.rounds().size() == 3) {
                        throw new IllegalStateException("the controller restarts");
                    }
                })).hasMessage("the controller restarts");
        GateState saved = json.readValue(checkpoints.get(2), GateState.class);
        assertThat(saved.rounds()).hasSize(3);

        MovingClock later = new MovingClock();
        later.sleepUntil(T0.plusSeconds(3600)); // resumed an hour later: every round is still measured at its time
        Gate.Outcome resumed = Gate.run(policy, IRIS, saved, new Scripted(script), later, Progress.silent(), s -> { });
        assertThat(resumed.verdict()).isEqualTo(straight.verdict());
        assertThat(resumed.reason()).isEqualTo(straight.reason());
        assertThat(resumed.state()).isEqualTo(straight.state());
    }

    private static String write(ObjectMapper json, GateState state) {
        try {
            return json.writeValueAsString(state);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock that the gate's own waits move forward, so a minute-long gate takes no time. */
    private static final class MovingClock implements Gate.Sleeper {
        private Instant now = T0;

        @Override
        public void sleepUntil(Instant due) {
            if (due.isAfter(now)) {
                now = due;
            }
        }

        @Override
        public Instant now() {
            return now;
        }

        Instant instant() {
            return now;
        }
    }
}
