package io.jenkins.plugins.modelops.monitor.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.lifecycle.PushgatewayStatus;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.RuleFiles;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.testsupport.AlertmanagerServer;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.PushgatewayServer;
import io.jenkins.plugins.modelops.status.ModelStatus;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * People hear of a degraded model, end to end on 127.0.0.1: a real model server answers bad requests with 400s, a
 * real Prometheus (2.42) evaluates the model's generated rules and fires ModelErrorRateHigh, a real Alertmanager
 * (0.25) routes it with the generated alertmanager.yml and templates to a real SMTP server (GreenMail, with SMTP
 * authentication from the password file), a webhook and a Slack-compatible endpoint; when the traffic turns good the
 * alert resolves and each receiver hears that too.
 */
class AlertDeliveryTest {

    private static final String PASSWORD = "s3cret-smtp-password";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicBoolean bad = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        sending.set(false);
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void aDegradedModelsAlertReachesEmailWebhookAndSlackAndSoDoesItsResolution() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("alerts@modelops.test", "alerts", PASSWORD);
        smtp.start();
        started.add(smtp::stop);
        HttpSink webhook = new HttpSink("/hook");
        started.add(webhook);
        HttpSink slack = new HttpSink("/slack");
        started.add(slack);
        ModelServers.Running model = ModelServers.start(ModelServers.iris(), null);
        started.add(model);
        Thread traffic = new Thread(() -> traffic(model.url()), "traffic");
        traffic.start();
        started.add(() -> traffic.join(10_000));

        Path passwordFile = Files.writeString(dir.resolve("smtp-password"), PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        String health = "http://jenkins.example.test/job/iris/modelops";
        AlertRoute route = new AlertRoute(model.name(), List.of("oncall@modelops.test"),
                List.of(webhook.url("/hook").toString()), List.of(slack.url("/slack").toString()),
                new AlertRoute.Smtp("127.0.0.1:" + smtp.getSmtp().getPort(), "alerts@modelops.test", "alerts",
                        passwordFile, false), Set.of("critical", "warning"), health,
                new AlertRoute.Timing(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1)));
        Path config = dir.resolve("alertmanager.yml");
        List<String> progress = new ArrayList<>();
        AlertRoutes.run(new AlertRoutes.Request(route, AlertRoutes.Format.FILE, config, null), progress::add);
        assertThat(String.join("\n", progress)).doesNotContain(PASSWORD).doesNotContain("/hook")
                .doesNotContain("/slack");

        AlertmanagerServer alertmanager = AlertmanagerServer.start(config);
        started.add(alertmanager);
        alertmanager.awaitReady(Duration.ofSeconds(30));
        PrometheusServer prometheus = PrometheusServer.start(List.of(model.target()), alertmanager.url());
        started.add(prometheus);
        Files.writeString(prometheus.rulesDir().resolve("iris.yml"), RuleFiles.ruleFile(AlertRules.generate(
                new AlertRules.Request(model.name(), null, List.of(Condition.parse("errorRate<=5%")), Duration.ZERO,
                        Duration.ofSeconds(5), "modelops", null, 1))));
        prometheus.awaitReady(Duration.ofSeconds(30));
        assertThat(http.send(HttpRequest.newBuilder(prometheus.url().resolve("/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("rules loaded").isEqualTo(200);

        String firingSubject = "[FIRING] model " + model.name() + " is degraded: ModelErrorRateHigh";
        MimeMessage firing = awaitEmail(smtp, firingSubject, alertmanager);
        assertThat(firing.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("oncall@modelops.test");
        String body = text(firing);
        assertThat(body).contains("Model:    " + model.name() + " (version " + model.server().modelVersion() + ")")
                .contains("Alert:    ModelErrorRateHigh (warning)")
                .contains("Status:   degraded\n")
                .containsPattern("Since:    20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC")
                .containsPattern("Cause:    Model " + model.name() + " \\(version [0-9a-f]+\\) is degraded at .+: the "
                        + "share of requests answered with an error \\(not 2xx\\) over the last 5s is .+%, which "
                        + "breaks the gate condition errorRate<=5%\\.")
                .contains("Health:   " + health)
                .doesNotContain("Resolved:");

        JsonNode hook = Json.MAPPER.readTree(webhook.await(b -> b.contains("\"status\":\"firing\"")
                && b.contains("ModelErrorRateHigh"), DEADLINE).orElseThrow(() -> new AssertionError(
                "no firing webhook: " + webhook.bodies())));
        assertThat(hook.path("receiver").asText()).isEqualTo("modelops-" + model.name());
        assertThat(hook.path("alerts").get(0).path("labels").path("model").asText()).isEqualTo(model.name());
        assertThat(hook.path("alerts").get(0).path("annotations").path("status").asText()).isEqualTo("degraded");

        JsonNode slackFiring = Json.MAPPER.readTree(slack.await(b -> b.contains("[FIRING]")
                && b.contains("ModelErrorRateHigh"), DEADLINE).orElseThrow(() -> new AssertionError(
                "no firing Slack message: " + slack.bodies())));
        JsonNode attachment = slackFiring.path("attachments").get(0);
        assertThat(attachment.path("title").asText()).isEqualTo(firingSubject);
        assertThat(attachment.path("title_link").asText()).isEqualTo(health);
        assertThat(attachment.path("text").asText()).contains("Status:   degraded").contains("Cause:    Model ");

        bad.set(false); // good requests only: the error ratio over the window falls to 0 and the alert resolves
        String resolvedSubject = "[RESOLVED] model " + model.name() + ": ModelErrorRateHigh";
        String resolved = text(awaitEmail(smtp, resolvedSubject, alertmanager));
        assertThat(resolved).contains("Status:   resolved (was degraded)")
                .containsPattern("Resolved: 20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC")
                .contains("Cause:    Model " + model.name());
        assertThat(webhook.await(b -> b.contains("\"status\":\"resolved\"") && b.contains("ModelErrorRateHigh"),
                DEADLINE)).as("resolved webhook").isPresent();
        assertThat(slack.await(b -> b.contains(resolvedSubject), DEADLINE)).as("resolved Slack message").isPresent();
        assertThat(alertmanager.log()).doesNotContain(PASSWORD);
    }

    /**
     * The seed's other alert: a training run that failed, pushed as {@code training_failed} (version {@code none})
     * to a real Pushgateway the way {@code modelops train --pushgateway} pushes it, scraped by Prometheus, fired by
     * the model's rules and routed by Alertmanager to the people's mailbox, cause and all.
     */
    @Test
    void aFailedTrainingRunsAlertArrivesAsAnEmailWithItsCause() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        started.add(smtp::stop);
        AlertRoute route = new AlertRoute("wine", List.of("ml-team@modelops.test"), List.of(), List.of(),
                new AlertRoute.Smtp("127.0.0.1:" + smtp.getSmtp().getPort(), "alerts@modelops.test", null, null,
                        false), Set.of("critical"), null,
                new AlertRoute.Timing(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1)));
        Path config = dir.resolve("alertmanager.yml");
        AlertRoutes.run(new AlertRoutes.Request(route, AlertRoutes.Format.FILE, config, null), Progress.silent());
        AlertmanagerServer alertmanager = AlertmanagerServer.start(config);
        started.add(alertmanager);
        alertmanager.awaitReady(Duration.ofSeconds(30));
        PushgatewayServer gateway = PushgatewayServer.start();
        started.add(gateway);
        PrometheusServer prometheus = PrometheusServer.start(List.of(gateway.target()), alertmanager.url(), true);
        started.add(prometheus);
        Files.writeString(prometheus.rulesDir().resolve("wine.yml"), RuleFiles.ruleFile(AlertRules.generate(
                new AlertRules.Request("wine", null, List.of(), Duration.ZERO, Duration.ofSeconds(5), null, null, 1))));
        prometheus.awaitReady(Duration.ofSeconds(30));
        PrometheusClient.connect(PrometheusConfig.of(prometheus.url())).reload();

        PushgatewayStatus.of(gateway.url().toString()).report("wine", ModelStatus.NO_VERSION,
                ModelStatus.TRAINING_FAILED, "data: winequality-red.csv has no column 'qualty'", Progress.silent());

        String body = text(awaitEmail(smtp, "[FIRING] model wine is training_failed: ModelTrainingFailed",
                alertmanager));
        assertThat(body).contains("Model:    wine (version none)", "Status:   training_failed\n",
                        "data: winequality-red.csv has no column 'qualty'")
                .containsPattern("Since:    20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    }

    private static MimeMessage awaitEmail(GreenMail smtp, String subject, AlertmanagerServer alertmanager)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<MimeMessage> found = Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
                try {
                    return subject.equals(m.getSubject());
                } catch (jakarta.mail.MessagingException e) {
                    return false;
                }
            }).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(200);
        }
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            subjects.add(m.getSubject());
        }
        throw new AssertionError("no email '" + subject + "' in " + DEADLINE + "; received " + subjects
                + "; alertmanager's log:\n" + alertmanager.log());
    }

    /** The text/plain part of Alertmanager's multipart/alternative email. */
    private static String text(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    return part.getContent().toString().replace("\r\n", "\n");
                }
            }
        }
        return content.toString().replace("\r\n", "\n");
    }

    /** Requests the server refuses (400, counted as errors) while {@link #bad}, then predictions it answers. */
    private void traffic(URI url) {
        String setosa = "{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}";
        while (sending.get()) {
            try {
                String body = bad.get() ? "{\"instances\": \"not rows\"}" : "{\"instances\": [" + setosa + "]}";
                http.send(HttpRequest.newBuilder(url.resolve("/v1/models/iris:predict"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.discarding());
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the server is stopping at the end of the test
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
