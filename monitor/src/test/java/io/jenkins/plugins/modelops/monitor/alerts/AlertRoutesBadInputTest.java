package io.jenkins.plugins.modelops.monitor.alerts;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of bad input to {@code modelops alerts} (and the step), with the exact message it must produce, spelled
 * as the CLI spells parameters, with the test's folder written as {@code DIR}. No case may write or change a file.
 */
class AlertRoutesBadInputTest {

    @TempDir
    Path dir;

    /** The options of one run, good ones that a case changes. */
    static final class Options {
        String name = "iris";
        List<String> emails = List.of("oncall@example.com");
        List<String> webhooks = List.of("https://hooks.example.com/modelops");
        List<String> slack = List.of();
        String smarthost = "smtp.example.com:587";
        String from = "modelops@example.com";
        String user = "modelops";
        String passwordFile = "password";
        Set<String> severities = Set.of();
        String healthUrl;
        String format = "file";
        Duration groupInterval = Duration.ofMinutes(5);
    }

    record Case(String name, Consumer<Options> change, String existingConfig, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String IRIS_ROUTE_BY_HAND = """
            route:
              receiver: team
              routes:
                - receiver: pager
                  matchers: ['severity="critical"']
                - receiver: ml-team
                  matchers: ['model="iris"']
            receivers: [{name: team}, {name: pager}, {name: ml-team}]
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("invalid email address", o -> o.emails = List.of("oncall.example.com"), null,
                        "--email 'oncall.example.com' is not an email address: accepted is one plain address such as "
                        + "oncall@example.com (repeat --email for more)"),
                new Case("invalid sender address", o -> o.from = "ModelOps <modelops@example.com>", null,
                        "--smtp-from 'ModelOps <modelops@example.com>' is not an email address: accepted is one plain "
                        + "address such as oncall@example.com"),
                new Case("webhook URL that is not http(s)",
                        o -> o.webhooks = List.of("ftp://hooks.example.com/modelops?token=abc"), null,
                        "--webhook 'ftp://hooks.example.com/...' is not an http or https URL: accepted is an absolute "
                        + "URL such as https://hooks.example.com/modelops"),
                new Case("Slack URL without a scheme", o -> o.slack = List.of("hooks.slack.com/services/T000/B000/XXXX"),
                        null,
                        "--slack 'hooks.slack.com/...' is not an http or https URL: accepted is an absolute URL such as "
                        + "https://hooks.slack.com/services/T000/B000/XXXX"),
                new Case("SMTP smarthost without a port", o -> o.smarthost = "smtp.example.com", null,
                        "--smtp-smarthost 'smtp.example.com' has no port: accepted is HOST:PORT with a port from 1 to "
                        + "65535, such as smtp.example.com:587"),
                new Case("SMTP smarthost with a port out of range", o -> o.smarthost = "smtp.example.com:70000", null,
                        "--smtp-smarthost 'smtp.example.com:70000' has no valid port: accepted is HOST:PORT with a port "
                        + "from 1 to 65535, such as smtp.example.com:587"),
                new Case("password file missing", o -> o.passwordFile = "missing", null,
                        "--smtp-auth-password-file DIR/missing does not exist (or is not a file): give a file that "
                        + "holds only the SMTP password, readable by its owner alone (chmod 600)"),
                new Case("password file readable by everyone", o -> o.passwordFile = "world-readable", null,
                        "--smtp-auth-password-file DIR/world-readable is readable by everyone (rw-r--r--): a password "
                        + "file must be readable by its owner alone; run chmod 600 DIR/world-readable"),
                new Case("password file readable by its group", o -> o.passwordFile = "group-readable", null,
                        "--smtp-auth-password-file DIR/group-readable is readable by its group (rw-r-----): a password "
                        + "file must be readable by its owner alone; run chmod 600 DIR/group-readable"),
                new Case("password file without a user", o -> o.user = null, null,
                        "--smtp-auth-username and --smtp-auth-password-file go together: SMTP authentication needs "
                        + "both, or neither for a server without it"),
                new Case("email without an SMTP server", o -> o.smarthost = null, null,
                        "--email needs --smtp-smarthost HOST:PORT and --smtp-from ADDRESS: the SMTP server Alertmanager "
                        + "sends through and the sender"),
                new Case("no receiver", o -> {
                    o.emails = List.of();
                    o.webhooks = List.of();
                    o.smarthost = null;
                }, null,
                        "no receiver for iris: give at least one --email, --webhook or --slack"),
                new Case("unknown severity", o -> o.severities = Set.of("info"), null,
                        "--severity 'info' is not a severity of ModelOps' alerts: accepted are critical and warning, "
                        + "comma-separated"),
                new Case("name that is not a model name", o -> o.name = "Iris_v2", null,
                        "--name 'Iris_v2' is not a model name: lower-case letters, digits and '-', starting and ending "
                        + "with a letter or digit, at most 63 characters, as the model's deployment is named (e.g. "
                        + "iris-classifier)"),
                new Case("health page that is no URL", o -> o.healthUrl = "jenkins/job/iris", null,
                        "--health-url 'jenkins/...' is not an http or https URL: accepted is an absolute URL such as "
                        + "https://jenkins.example.com/job/iris/modelops"),
                new Case("group interval of zero", o -> o.groupInterval = Duration.ZERO, null,
                        "--group-interval 0s must be a whole number of seconds, at least 1s"),
                new Case("unknown format", o -> o.format = "json", null,
                        "--format 'json' is not a form of alert routes: accepted are file (an alertmanager.yml, merged) "
                        + "and crd (an AlertmanagerConfig)"),
                new Case("a route that would shadow another route of the model", o -> { }, IRIS_ROUTE_BY_HAND,
                        "--name iris: DIR/alertmanager.yml already routes this model's alerts: route.routes[1] "
                        + "(receiver ml-team, matcher model=\"iris\") was not written by modelops alerts, and two "
                        + "routes for one model shadow each other (the first takes the alerts, or with continue both "
                        + "notify). Remove that route from DIR/alertmanager.yml, or add these receivers to it by hand"),
                new Case("a regex route that takes the model's alerts", o -> { }, IRIS_ROUTE_BY_HAND.replace(
                        "model=\"iris\"", "model=~\"iris|wine\""),
                        "--name iris: DIR/alertmanager.yml already routes this model's alerts: route.routes[1] "
                        + "(receiver ml-team, matcher model=~\"iris|wine\") was not written by modelops alerts, and two "
                        + "routes for one model shadow each other (the first takes the alerts, or with continue both "
                        + "notify). Remove that route from DIR/alertmanager.yml, or add these receivers to it by hand"),
                new Case("a match_re route that takes the model's alerts", o -> { }, IRIS_ROUTE_BY_HAND.replace(
                        "matchers: ['model=\"iris\"']", "match_re: {model: 'ir.*'}"),
                        "--name iris: DIR/alertmanager.yml already routes this model's alerts: route.routes[1] "
                        + "(receiver ml-team, match_re model: ir.*) was not written by modelops alerts, and two "
                        + "routes for one model shadow each other (the first takes the alerts, or with continue both "
                        + "notify). Remove that route from DIR/alertmanager.yml, or add these receivers to it by hand"),
                new Case("an existing file that is not an Alertmanager configuration", o -> { }, "- just\n- a list\n",
                        "--out DIR/alertmanager.yml is not an Alertmanager configuration (YAML mapping) at line 1: "
                        + "give an alertmanager.yml, or a file that does not exist yet"),
                new Case("an existing file whose routes are no list", o -> { }, "route:\n  receiver: x\n  routes: 3\n",
                        "DIR/alertmanager.yml: route.routes is not a list, as an alertmanager.yml has it; give an "
                        + "Alertmanager configuration, or a file that does not exist yet")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRefusedWithItsMessageAndNothingIsWritten(Case c) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "secret-of-the-case\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(Files.writeString(dir.resolve("world-readable"), "x"),
                PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(Files.writeString(dir.resolve("group-readable"), "x"),
                PosixFilePermissions.fromString("rw-r-----"));
        Path out = dir.resolve("alertmanager.yml");
        if (c.existingConfig() != null) {
            Files.writeString(out, c.existingConfig());
        }
        Map<String, String> before = snapshot();

        Options o = new Options();
        c.change().accept(o);
        assertThatThrownBy(() -> {
            AlertRoute.Smtp smtp = o.smarthost == null ? null : new AlertRoute.Smtp(o.smarthost, o.from, o.user,
                    o.passwordFile == null ? null : dir.resolve(o.passwordFile), true);
            AlertRoute route = new AlertRoute(o.name, o.emails, o.webhooks, o.slack, smtp, o.severities, o.healthUrl,
                    new AlertRoute.Timing(Duration.ofSeconds(30), o.groupInterval, Duration.ofHours(4)));
            AlertRoutes.run(new AlertRoutes.Request(route, AlertRoutes.Format.parse(o.format), out, null), m -> { });
        }).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.render(AlertRoutesBadInputTest::flag).replace(dir.toString(), "DIR"))
                        .isEqualTo(c.expected()));
        assertThat(snapshot()).as("nothing written").isEqualTo(before);
    }

    /** As the CLI spells a parameter ({@code Flags}): {@code --smtp-auth-password-file}, {@code --out}. */
    private static String flag(Parameter parameter) {
        return parameter == Parameter.OUTPUT ? "--out"
                : "--" + parameter.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }
}
