package io.jenkins.plugins.modelops.monitor;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.probe.FeedbackToken;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.tls.TrustedCa;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.monitor.usecase.MonitorModel;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Every refusal of the monitor engines, by its exact message as the step spells it (the CLI spells the same
 * references as flags): a gate policy, the embedded scrape, the probe, the rules, a private CA, the use cases.
 * The conditions' own catalogue is {@code ConditionTest}; the alert routes' is {@code AlertRoutesBadInputTest}.
 */
class MonitorBadInputCatalogueTest {

    private static final List<Condition> ACCURACY = List.of(Condition.parse("accuracy>=0.9"));
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static AlertRules.Request rules(String name, String runbook, int minSamples, List<Condition> gate) {
        return new AlertRules.Request(name, null, gate, Duration.ofMinutes(5), Duration.ofMinutes(5), null, runbook,
                minSamples);
    }

    private static ProbeTraffic.Request probe(String endpoint) {
        return ProbeTraffic.Request.of(URI.create(endpoint), "iris", Path.of("iris.csv"));
    }

    @Test
    void everyRefusalSaysWhatIsWrongAndWhatWouldDo() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate");
        Map<ThrowingCallable, String> cases = new LinkedHashMap<>();
        cases.put(() -> GatePolicy.of(ACCURACY, Duration.ofSeconds(5), TEN_SECONDS),
                "interval: 10s must be positive and at most the window: 5s");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withMinSamples(0),
                "minSamples: 0 must be at least 1 (a measurement on no sample is no evidence)");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withLimits(0, 0, -1, 4),
                "consecutiveSuccesses: 0 must be at least 1 (the last round at least must pass)");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withLimits(1, -1, -1, 4),
                "failureLimit: -1 must be at least 0 (0 fails the gate at the first failed measurement)");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withLimits(1, 0, -2, 4),
                "inconclusiveLimit: -2 must be at least -1 (-1 waits for the end of the window)");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withLimits(1, 0, -1, -1),
                "errorLimit: -1 must be at least 0 (0 ends in ERROR at the first round that cannot be measured)");
        cases.put(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withLimits(7, 0, -1, 4),
                "consecutiveSuccesses: 7 cannot happen in 6 measurements (window: 60s, interval 10s)");
        cases.put(() -> GatePolicy.of(List.of(), MINUTE, TEN_SECONDS), "a gate needs at least one condition in "
                + "gate:, e.g. accuracy>=0.9 or latencyP99<=50ms: without one it would pass on no evidence");
        cases.put(() -> new ScrapeConfig(List.of(URI.create("http://h:1")), Duration.ofSeconds(1),
                Duration.ofSeconds(2), MINUTE, Optional.empty()), "the scrape timeout 2000ms must be positive and at "
                + "most the scrape interval 1000ms (scrapes of one endpoint never overlap)");
        cases.put(() -> ScrapeConfig.of(List.of(), MINUTE), "the embedded gate needs the servers to read: give each "
                + "replica's URL with endpoint: (e.g. http://127.0.0.1:8080, whose /metrics is read), or a Prometheus "
                + "URL with prometheusUrl:");
        cases.put(() -> ScrapeSource.check(List.of(Condition.parse("alerts==0"))), "'alerts==0' needs Prometheus: "
                + "alerts are its rule evaluation, which the servers' /metrics do not have; give a Prometheus URL with "
                + "prometheusUrl:, or gate on the signals themselves (accuracy, mae, rmse, latencyP50|P95|P99, "
                + "latency, errorRate, requestRate)");
        cases.put(() -> probe("http://h:1").withRate(0),
                "rate: 0 is not a rate: give rows a second, more than 0 and at most 100000 (e.g. 10)");
        cases.put(() -> probe("ftp://h/x"),
                "endpoint: 'ftp://h/x' is not an http or https URL with a host (e.g. http://127.0.0.1:8080)");
        cases.put(() -> probe("http://h:1").withRate(0.1).withDuration(Duration.ofSeconds(5)),
                "rate: 0.1 for duration: 5.0 s sends no row; raise either");
        cases.put(() -> FeedbackToken.fromFile(dir.resolve("token")),
                "tokenFile: " + dir.resolve("token") + " cannot be read: no such file");
        cases.put(() -> TrustedCa.sslContext(dir.resolve("missing.crt")), "the CA file " + dir.resolve("missing.crt")
                + " does not exist: give the PEM file of the CA certificate(s) the server's HTTPS is signed with");
        cases.put(() -> TrustedCa.sslContext(notPem),
                "the CA file " + notPem + " cannot be used: No certificate data found");
        cases.put(() -> AlertRules.generate(rules("iris", null, 20, List.of(Condition.parse("accuracy>=0.9"),
                Condition.parse("rmse<=2")))), "gate: mixes accuracy (a classifier's) with mae or rmse (a "
                + "regressor's); one model has one of them");
        cases.put(() -> rules("Iris Model", null, 20, ACCURACY), "name: 'Iris Model' is not a DNS-1123 label: "
                + "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 "
                + "characters (e.g. iris-classifier)");
        cases.put(() -> rules("iris", null, 0, ACCURACY), "minSamples: 0 must be at least 1 (an accuracy alert on no "
                + "labelled prediction would fire on noise)");
        cases.put(() -> rules("iris", "wiki/iris", 20, ACCURACY), "runbookUrl: 'wiki/iris' is not an http(s) URL: "
                + "the alerts link to it (e.g. https://wiki.example.com/runbooks/iris)");
        cases.put(() -> GateModel.OnFail.parse("retry"), "onFail: 'retry' is not rollback or none");
        cases.put(() -> GateModel.OnInconclusive.parse("maybe"), "onInconclusive: 'maybe' is not fail, unstable or "
                + "pass");
        cases.put(() -> new MonitorModel.Request(null, null, Optional.of(AlertRules.generate(rules("iris", null, 20,
                ACCURACY))), new MonitorModel.Rules.None(), Optional.empty()), "rules to register need a place: a "
                + "rules directory with a Prometheus URL, or crd (prometheus-operator)");
        cases.put(() -> Gate.run(GatePolicy.of(List.of(Condition.parse("latency<=baseline")), MINUTE, TEN_SECONDS),
                new Gate.Target("iris", Optional.empty(), Optional.empty()), Gate.start(Instant.now()), null,
                Gate.REAL_TIME, Progress.silent(), s -> { }), "a condition on baseline compares two versions: give "
                + "the version under test and the baseline version (the stable one beside the canary)");
        assertSoftly(softly -> cases.forEach((call, message) -> softly.assertThatThrownBy(call)
                .isInstanceOf(InvalidInputException.class).hasMessage(message)));
    }

    @Test
    void theCliSpellsTheSameReferencesAsFlags() {
        assertThatThrownBy(() -> GatePolicy.of(ACCURACY, MINUTE, TEN_SECONDS).withMinSamples(0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.render(p -> "--" + p.id())).isEqualTo("--minSamples 0 must be at least 1 (a "
                                + "measurement on no sample is no evidence)"))
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((InvalidInputException) e).parameter())
                        .contains(Parameter.MIN_SAMPLES));
    }
}
