package io.jenkins.plugins.modelops.monitor.usecase;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.alerts.AlertRoute;
import io.jenkins.plugins.modelops.monitor.alerts.AlertRoutes;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.Measurement;
import io.jenkins.plugins.modelops.monitor.probe.FeedbackToken;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.prometheus.RuleGroupStatus;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.FileRuleRegistration;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import io.jenkins.plugins.modelops.monitor.testsupport.AlertmanagerServer;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.TestCa;
import io.jenkins.plugins.modelops.serving.Secret;
import io.jenkins.plugins.modelops.status.StatusReporter;
import io.jenkins.plugins.modelops.serving.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole of {@code monitorModel} on real parts: a model server behind HTTPS signed by a private CA, the rules
 * registered with a real Prometheus, probe traffic through the evaluate form with the feedback token, and the
 * embedded gate scraping the server over that HTTPS.
 */
class MonitorModelTest {

    private static final String TOKEN = "probe-token-" + System.nanoTime();

    @TempDir
    static Path files;

    private static TestCa ca;
    private static ModelServers.Running server;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.write(files);
        server = ModelServers.start(ServerConfig.of(ModelServers.iris()).withPort(0)
                .withTls(ca.serverCertificate(), ca.serverKey())
                .withFeedbackAccess(Secret.of("test token", TOKEN), false));
        prometheus = PrometheusServer.start(List.of()).awaitReady(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static GatePolicy policy() {
        return GatePolicy.of(List.of(Condition.parse("accuracy>=0.9")), Duration.ofSeconds(6), Duration.ofSeconds(2))
                .withMinSamples(20).withSource(Signal.Source.PROBE);
    }

    private static GateModel.Request gate(GatePolicy policy) {
        return new GateModel.Request(new Gate.Target(server.name(), Optional.empty(), Optional.empty()), policy,
                GateModel.OnFail.ROLLBACK, GateModel.OnInconclusive.FAIL, Optional.empty(), Duration.ofMinutes(1),
                Optional.empty());
    }

    private static ProbeTraffic.Request probe() {
        return ProbeTraffic.Request.of(server.url(), server.name(), ModelServers.example("iris.csv")).withRate(50)
                .withToken(FeedbackToken.of("test token", TOKEN)).withCaCertificate(ca.caCertificate());
    }

    @Test
    void registersTheRulesProbesOverHttpsAndPassesAGoodModel() {
        assertThat(server.url().getScheme()).isEqualTo("https");
        RuleGroup rules = AlertRules.generate(new AlertRules.Request(server.name(), null,
                List.of(Condition.parse("accuracy>=0.9")), Duration.ofMinutes(5), Duration.ofMinutes(5), null, null,
                20));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        MonitorModel.Outcome outcome = MonitorModel.run(new MonitorModel.Request(gate(policy()),
                new MonitorModel.Signals.Scrape(ScrapeConfig.of(List.of(server.url()), Duration.ofSeconds(6))
                        .withInterval(Duration.ofMillis(500)).withCaCertificate(ca.caCertificate())),
                Optional.of(rules), new MonitorModel.Rules.Files(prometheus.rulesDir(),
                PrometheusConfig.of(prometheus.url()), Duration.ofSeconds(30)), Optional.of(probe())), log::add,
                state -> { });

        assertThat(outcome.gate().verdict()).as(outcome.gate().reason() + "\n" + log).isEqualTo(Decision.PASS);
        assertThat(outcome.rulesRegistered()).isTrue();
        assertThat(outcome.source()).contains("https://127.0.0.1:" + server.url().getPort());
        Measurement last = outcome.gate().state().rounds().get(outcome.gate().state().rounds().size() - 1)
                .measurements().get(0);
        assertThat(last.samples()).isGreaterThanOrEqualTo(20);
        assertThat(last.value()).isGreaterThanOrEqualTo(0.9);
        assertThat(PrometheusClient.connect(PrometheusConfig.of(prometheus.url())).rules())
                .extracting(RuleGroupStatus::name).contains(rules.name());
        assertThat(FileRuleRegistration.fileOf(prometheus.rulesDir(), rules.name())).exists();
    }

    @Test
    void routesTheAlertsAndReloadsAFileAlertmanagerBeforeTheGate() throws Exception {
        Path config = files.resolve("alertmanager.yml");
        java.nio.file.Files.writeString(config, "route:\n  receiver: default\nreceivers:\n- name: default\n");
        try (AlertmanagerServer alertmanager = AlertmanagerServer.start(config).awaitReady(Duration.ofSeconds(30))) {
            AlertRoute route = new AlertRoute(server.name(), List.of(), List.of("http://127.0.0.1:9/hook"),
                    List.of(), null, java.util.Set.of("critical"), null, null);
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            MonitorModel.Outcome outcome = MonitorModel.run(new MonitorModel.Request(gate(policy()
                    .withLimits(1, 0, -1, 0)), new MonitorModel.Signals.Scrape(ScrapeConfig.of(List.of(server.url()),
                    Duration.ofSeconds(6)).withCaCertificate(ca.caCertificate())), Optional.empty(),
                    new MonitorModel.Rules.None(), Optional.empty(), Optional.of(new MonitorModel.Alerting(
                    new AlertRoutes.Request(route, AlertRoutes.Format.FILE, config, null),
                    Optional.of(PrometheusConfig.of(alertmanager.url())))), StatusReporter.NONE), log::add,
                    state -> { });
            assertThat(outcome.gate().verdict()).isNotNull();
            assertThat(String.join("\n", log)).contains("Alertmanager at " + alertmanager.url()
                    + " reloaded with the routes of " + server.name());
            // What Alertmanager runs now (its status API): the model's route and receiver.
            String running = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    alertmanager.url().resolve("/api/v2/status")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(running).contains("modelops-" + server.name(), "http://127.0.0.1:9/hook");
        }
    }

    @Test
    void withoutThePrivateCaTheScrapeAndTheProbeSaySo() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        MonitorModel.Outcome outcome = MonitorModel.run(new MonitorModel.Request(gate(policy().withLimits(1, 0, -1,
                2)), new MonitorModel.Signals.Scrape(ScrapeConfig.of(List.of(server.url()), Duration.ofSeconds(6))
                .withInterval(Duration.ofMillis(500))), Optional.empty(), new MonitorModel.Rules.None(),
                Optional.empty()), log::add, state -> { });
        assertThat(outcome.gate().verdict()).isEqualTo(Decision.ERROR);
        assertThat(String.join("\n", log)).contains("its certificate is not trusted (",
                "give the CA it is signed with (" + Parameter.SERVER_CA.ref() + " PEM)");

        ProbeTraffic.Request untrusting = ProbeTraffic.Request.of(server.url(), server.name(),
                ModelServers.example("iris.csv")).withToken(FeedbackToken.of("test token", TOKEN));
        assertThatThrownBy(() -> ProbeTraffic.run(untrusting, Progress.silent()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(": its certificate is not trusted (")
                .hasMessageContaining("give the CA it is signed with");
    }
}
