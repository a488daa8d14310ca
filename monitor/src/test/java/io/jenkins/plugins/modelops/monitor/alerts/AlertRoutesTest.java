package io.jenkins.plugins.modelops.monitor.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.modelops.monitor.testsupport.Amtool;
import io.jenkins.plugins.modelops.monitor.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated forms themselves: every alertmanager.yml written (new, merged, written again) passes the real
 * {@code amtool check-config} with its templates, keeps what was there, holds the secrets with mode 0600; the
 * AlertmanagerConfig holds the fields of monitoring.coreos.com/v1alpha1 and refers to the Secret for every secret.
 */
class AlertRoutesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String PASSWORD = "pw-never-shown-7f3a";
    private static final String WEBHOOK = "https://hooks.example.com/modelops/token-9b1c";
    private static final String SLACK = "https://hooks.slack.com/services/T000/B000/slack-token-55d2";

    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();

    private AlertRoute route(String name, String email) throws Exception {
        Path password = dir.resolve("smtp-password");
        if (!Files.exists(password)) {
            Files.writeString(password, PASSWORD + "\n");
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        }
        return new AlertRoute(name, List.of(email), List.of(WEBHOOK), List.of(SLACK),
                new AlertRoute.Smtp("smtp.example.com:587", "modelops@example.com", "modelops", password, true),
                Set.of("critical"), "https://jenkins.example.com/job/" + name + "/modelops", null);
    }

    private AlertRoutes.Outcome run(AlertRoute route, AlertRoutes.Format format, Path out) {
        return AlertRoutes.run(new AlertRoutes.Request(route, format, out, format == AlertRoutes.Format.CRD ? "ml"
                : null), progress::add);
    }

    private static void assertAmtoolAccepts(Path config, int templates) throws Exception {
        Promtool.Run check = Amtool.checkConfig(config);
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS").contains(" - " + templates + " templates");
    }

    @Test
    void aNewFileHoldsTheRouteReceiversAndTemplatesWithMode0600() throws Exception {
        Path config = dir.resolve("am/alertmanager.yml");
        AlertRoutes.Outcome outcome = run(route("iris", "oncall@example.com"), AlertRoutes.Format.FILE, config);

        assertAmtoolAccepts(config, 1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(outcome.templates()).contains(dir.resolve("am/modelops-iris.tmpl"));
        assertThat(Files.readString(config)).startsWith("# Alertmanager configuration (0.25).");
        JsonNode yml = YAML.readTree(config.toFile());
        assertThat(yml.path("templates").toString()).isEqualTo("[\"modelops-iris.tmpl\"]");
        assertThat(yml.path("route").path("receiver").asText()).isEqualTo("default");
        JsonNode route = yml.path("route").path("routes").get(0);
        assertThat(route.path("receiver").asText()).isEqualTo("modelops-iris");
        assertThat(route.path("matchers").toString()).isEqualTo("[\"model=\\\"iris\\\"\",\"severity=~\\\"critical\\\"\"]");
        assertThat(route.path("group_by").toString()).isEqualTo("[\"model\",\"alertname\"]");
        assertThat(route.path("group_wait").asText()).isEqualTo("30s");
        assertThat(route.path("group_interval").asText()).isEqualTo("5m");
        assertThat(route.path("repeat_interval").asText()).isEqualTo("4h");
        assertThat(route.path("continue").asBoolean()).isTrue();
        JsonNode receiver = receiver(yml, "modelops-iris");
        JsonNode email = receiver.path("email_configs").get(0);
        assertThat(email.path("to").asText()).isEqualTo("oncall@example.com");
        assertThat(email.path("smarthost").asText()).isEqualTo("smtp.example.com:587");
        assertThat(email.path("auth_password").asText()).as("inline, a final line break dropped").isEqualTo(PASSWORD);
        assertThat(email.path("require_tls").asBoolean()).isTrue();
        assertThat(email.path("send_resolved").asBoolean()).isTrue();
        assertThat(email.path("headers").path("Subject").asText()).isEqualTo("{{ template \"modelops.iris.subject\" . }}");
        assertThat(receiver.path("webhook_configs").get(0).path("url").asText()).isEqualTo(WEBHOOK);
        assertThat(receiver.path("webhook_configs").get(0).path("send_resolved").asBoolean()).isTrue();
        JsonNode slack = receiver.path("slack_configs").get(0);
        assertThat(slack.path("api_url").asText()).isEqualTo(SLACK);
        assertThat(slack.path("send_resolved").asBoolean()).isTrue();
        assertThat(slack.path("title_link").asText()).isEqualTo("https://jenkins.example.com/job/iris/modelops");
        assertThat(Files.readString(dir.resolve("am/modelops-iris.tmpl")))
                .contains("{{ define \"modelops.iris.subject\" }}[{{ .Status | toUpper }}] model iris")
                .contains("{{ define \"modelops.iris.text\" }}").contains("{{ define \"modelops.iris.html\" }}")
                .contains("Health:   https://jenkins.example.com/job/iris/modelops");
        assertThat(String.join("\n", progress)).doesNotContain(PASSWORD).doesNotContain("token");
        try (var files = Files.list(dir.resolve("am"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as("no temporary file left")
                    .containsExactly("alertmanager.yml", "modelops-iris.tmpl");
        }
    }

    @Test
    void mergingKeepsEveryOtherRouteReceiverTemplateAndSettingAndReplacesOnlyItsOwn() throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(dir.resolve("team.tmpl"), "{{ define \"team.title\" }}team{{ end }}\n");
        String existing = """
                global:
                  resolve_timeout: 2m
                  smtp_smarthost: mail.example.com:25
                  smtp_from: alertmanager@example.com
                templates: [team.tmpl]
                route:
                  receiver: team
                  group_by: [alertname]
                  routes:
                    - receiver: pager
                      matchers: ['severity="critical"']
                    - receiver: wine-team
                      matchers: ['model="wine"']
                receivers:
                  - name: team
                    email_configs: [{to: team@example.com}]
                  - name: pager
                    webhook_configs: [{url: 'http://pager.example.com/hook'}]
                  - name: wine-team
                    webhook_configs: [{url: 'http://wine.example.com/hook'}]
                inhibit_rules:
                  - source_matchers: ['severity="critical"']
                    target_matchers: ['severity="warning"']
                    equal: [model]
                """;
        Files.writeString(config, existing);
        assertAmtoolAccepts(config, 1);
        JsonNode before = YAML.readTree(existing);

        run(route("iris", "first@example.com"), AlertRoutes.Format.FILE, config);
        assertAmtoolAccepts(config, 2);
        run(route("iris-canary", "canary@example.com"), AlertRoutes.Format.FILE, config);
        run(route("iris", "second@example.com"), AlertRoutes.Format.FILE, config);
        assertAmtoolAccepts(config, 3);

        JsonNode after = YAML.readTree(config.toFile());
        assertThat(after.path("global")).isEqualTo(before.path("global"));
        assertThat(after.path("inhibit_rules")).isEqualTo(before.path("inhibit_rules"));
        assertThat(after.path("templates").toString())
                .isEqualTo("[\"team.tmpl\",\"modelops-iris.tmpl\",\"modelops-iris-canary.tmpl\"]");
        assertThat(after.path("route").path("receiver").asText()).isEqualTo("team");
        assertThat(after.path("route").path("group_by")).isEqualTo(before.path("route").path("group_by"));
        JsonNode routes = after.path("route").path("routes");
        assertThat(routes).extracting(r -> r.path("receiver").asText())
                .containsExactly("modelops-iris", "modelops-iris-canary", "pager", "wine-team");
        assertThat(routes.get(2)).isEqualTo(before.path("route").path("routes").get(0));
        assertThat(routes.get(3)).isEqualTo(before.path("route").path("routes").get(1));
        assertThat(after.path("receivers")).extracting(r -> r.path("name").asText())
                .containsExactly("team", "pager", "wine-team", "modelops-iris-canary", "modelops-iris");
        for (int i = 0; i < 3; i++) {
            assertThat(after.path("receivers").get(i)).isEqualTo(before.path("receivers").get(i));
        }
        assertThat(receiver(after, "modelops-iris").path("email_configs").get(0).path("to").asText())
                .as("written again: replaced, not added").isEqualTo("second@example.com");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    }

    @Test
    void theAlertmanagerConfigRefersToTheSecretAndHoldsNoSecret() throws Exception {
        Path out = dir.resolve("iris-alerts.yaml");
        AlertRoutes.Outcome outcome = run(route("iris", "oncall@example.com"), AlertRoutes.Format.CRD, out);
        String text = Files.readString(out);
        assertThat(text).doesNotContain(PASSWORD).doesNotContain("token").doesNotContain("hooks.");
        assertThat(outcome.secret()).contains("modelops-alerts-iris");
        assertThat(outcome.secretKeys()).containsExactly("smtp-auth-password", "webhook-url-1", "slack-api-url-1");
        assertThat(String.join("\n", progress)).doesNotContain(PASSWORD).doesNotContain("token")
                .contains("kubectl create secret generic modelops-alerts-iris -n ml --from-file=smtp-auth-password="
                        + dir.resolve("smtp-password") + " --from-literal=webhook-url-1='<webhook URL 1>'"
                        + " --from-literal=slack-api-url-1='<Slack URL 1>'");

        JsonNode object = YAML.readTree(text);
        assertThat(object.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1alpha1");
        assertThat(object.path("kind").asText()).isEqualTo("AlertmanagerConfig");
        assertThat(object.path("metadata").path("name").asText()).isEqualTo("modelops-iris");
        assertThat(object.path("metadata").path("namespace").asText()).isEqualTo("ml");
        assertThat(fields(object.path("spec"))).containsExactly("route", "receivers");
        JsonNode route = object.path("spec").path("route");
        // The fields of the CRD's schema (prometheus-operator's v1alpha1 Route, Matcher, receivers): camelCase.
        assertThat(fields(route)).containsExactly("receiver", "matchers", "groupBy", "groupWait", "groupInterval",
                "repeatInterval", "continue");
        assertThat(route.path("matchers").toString()).isEqualTo("[{\"name\":\"model\",\"matchType\":\"=\",\"value\":"
                + "\"iris\"},{\"name\":\"severity\",\"matchType\":\"=~\",\"value\":\"critical\"}]");
        assertThat(route.path("groupBy").toString()).isEqualTo("[\"model\",\"alertname\"]");
        JsonNode receiver = object.path("spec").path("receivers").get(0);
        assertThat(receiver.path("name").asText()).isEqualTo("modelops-iris");
        JsonNode email = receiver.path("emailConfigs").get(0);
        assertThat(fields(email)).containsExactly("to", "from", "smarthost", "authUsername", "authPassword",
                "requireTLS", "sendResolved", "headers", "html", "text");
        assertThat(email.path("authPassword").toString())
                .isEqualTo("{\"name\":\"modelops-alerts-iris\",\"key\":\"smtp-auth-password\"}");
        assertThat(email.path("headers").get(0).path("key").asText()).isEqualTo("Subject");
        assertThat(email.path("headers").get(0).path("value").asText()).startsWith("[{{ .Status | toUpper }}] model iris");
        assertThat(email.path("text").asText()).contains("Status:   ").contains("Cause:    ")
                .contains("Health:   https://jenkins.example.com/job/iris/modelops");
        JsonNode webhook = receiver.path("webhookConfigs").get(0);
        assertThat(fields(webhook)).containsExactly("urlSecret", "sendResolved");
        assertThat(webhook.path("urlSecret").toString())
                .isEqualTo("{\"name\":\"modelops-alerts-iris\",\"key\":\"webhook-url-1\"}");
        JsonNode slack = receiver.path("slackConfigs").get(0);
        assertThat(fields(slack)).containsExactly("apiURL", "sendResolved", "title", "titleLink", "text");
        assertThat(slack.path("apiURL").toString())
                .isEqualTo("{\"name\":\"modelops-alerts-iris\",\"key\":\"slack-api-url-1\"}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r--r--");
    }

    private static JsonNode receiver(JsonNode config, String name) {
        for (JsonNode receiver : config.path("receivers")) {
            if (receiver.path("name").asText().equals(name)) {
                return receiver;
            }
        }
        throw new AssertionError("no receiver " + name + " in " + config);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
