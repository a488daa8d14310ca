package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.monitor.testsupport.Amtool;
import io.jenkins.plugins.modelops.monitor.testsupport.Promtool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code modelops alerts} as a user runs it: the flags (a contract), exit codes 0 and 2, the real
 * {@code amtool check-config} on what it writes, and no secret on stdout, stderr or in the AlertmanagerConfig.
 */
class ModelOpsAlertsTest {

    private static final String PASSWORD = "smtp-pass-c0ffee";
    private static final String WEBHOOK = "https://hooks.example.com/alerts/wh-token-1234";
    private static final String SLACK = "https://hooks.slack.com/services/T1/B2/slack-token-5678";

    @TempDir
    Path dir;

    private Path passwordFile;

    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void password() throws Exception {
        passwordFile = Files.writeString(dir.resolve("smtp-password"), PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    }

    private Run alerts(String... extra) {
        List<String> args = new ArrayList<>(List.of("alerts", "--name", "iris", "--email", "oncall@example.com",
                "--email", "ml-team@example.com", "--webhook", WEBHOOK, "--slack", SLACK, "--smtp-smarthost",
                "smtp.example.com:587", "--smtp-from", "modelops@example.com", "--smtp-auth-username", "modelops",
                "--smtp-auth-password-file", passwordFile.toString(), "--severity",
                "critical,warning", "--health-url", "https://jenkins.example.com/job/iris/modelops", "--json"));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelOps.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertNoSecret(String... texts) {
        for (String text : texts) {
            assertThat(text).doesNotContain(PASSWORD).doesNotContain("wh-token").doesNotContain("slack-token");
        }
    }

    @Test
    void theFileFormIsMergedCheckedByAmtoolAndReadableByItsOwnerAlone() throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Run run = alerts("--format", "file", "--out", config.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertNoSecret(run.out(), run.err());
        assertThat(run.err()).contains("Wrote route modelops-iris (model=\"iris\", email to oncall@example.com, "
                + "ml-team@example.com, 1 webhook, 1 Slack URL) into " + config + " (mode 0600");
        JsonNode json = Json.MAPPER.readTree(run.out());
        assertThat(json.path("receiver").asText()).isEqualTo("modelops-iris");
        assertThat(json.path("templates").asText()).isEqualTo(dir.resolve("modelops-iris.tmpl").toString());
        Promtool.Run check = Amtool.checkConfig(config);
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains("auth_password: " + PASSWORD).contains("continue: true");
    }

    @Test
    void theCrdFormRefersToTheSecretAndNamesItsKeys() throws Exception {
        Path out = dir.resolve("iris-alerts.yaml");
        Run run = alerts("--format", "crd", "--namespace", "ml", "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertNoSecret(run.out(), run.err(), Files.readString(out));
        assertThat(Json.MAPPER.readTree(run.out()).path("secret").toString()).isEqualTo("{\"keys\":["
                + "\"smtp-auth-password\",\"webhook-url-1\",\"slack-api-url-1\"],\"name\":\"modelops-alerts-iris\"}");
        assertThat(run.err()).contains("It refers to the Secret modelops-alerts-iris (keys smtp-auth-password, "
                + "webhook-url-1, slack-api-url-1); create it in namespace ml: kubectl create secret generic "
                + "modelops-alerts-iris -n ml --from-file=smtp-auth-password=" + passwordFile);
        assertThat(Files.readString(out)).startsWith("apiVersion: monitoring.coreos.com/v1alpha1\nkind: "
                + "AlertmanagerConfig\n").contains("key: smtp-auth-password");
    }

    @Test
    void badInputExitsWith2NamingTheFlagAndWritesNothing() throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        Run readable = alerts("--format", "file", "--out", config.toString());
        assertThat(readable.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(readable.err().strip()).isEqualTo("error: --smtp-auth-password-file " + passwordFile + " is "
                + "readable by everyone (rw-r--r--): a password file must be readable by its owner alone; run "
                + "chmod 600 " + passwordFile);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));

        Run tls = alerts("--format", "file", "--out", config.toString(), "--smtp-require-tls", "yes");
        assertThat(tls.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(tls.err().strip()).isEqualTo("error: --smtp-require-tls 'yes' is not true or false");

        Run webhook = alerts("--format", "file", "--out", config.toString(), "--webhook", "file:///tmp/hook");
        assertThat(webhook.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(webhook.err().strip()).isEqualTo("error: --webhook 'file:///...' is not an http or https URL: "
                + "accepted is an absolute URL such as https://hooks.example.com/modelops");
        for (Run run : List.of(readable, tls, webhook)) {
            assertNoSecret(run.out(), run.err());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("smtp-password");
        }
    }
}
