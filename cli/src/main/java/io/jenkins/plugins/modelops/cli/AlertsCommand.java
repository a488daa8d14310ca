package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.alerts.AlertRoute;
import io.jenkins.plugins.modelops.monitor.alerts.AlertRoutes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code modelops alerts}: who hears of a model's alerts, written as Alertmanager's route, receivers and templates. */
@Command(name = "alerts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write Alertmanager's side of a model's alerts: a route matching model=\"NAME\" (and the "
                + "--severity), receivers for email, webhooks and Slack that also say when an alert resolves, and "
                + "templates that give the model, its status, the time and the cause. --format file merges them into "
                + "an alertmanager.yml with a templates file beside it (mode 0600: the SMTP password and the URLs are "
                + "inline); --format crd writes an AlertmanagerConfig whose secrets are references to the Secret "
                + "modelops-alerts-NAME.",
                "Exit codes: 0 written, 2 bad input (nothing written), 3 an I/O failure."})
final class AlertsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the model's deployment name")
    String name;

    @Option(names = "--email", paramLabel = "ADDR", description = "an address to email, repeatable")
    List<String> emails = new ArrayList<>();

    @Option(names = "--webhook", paramLabel = "URL", description = "a webhook to POST to (Alertmanager's JSON), repeatable")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--slack", paramLabel = "URL", description = "a Slack incoming-webhook URL")
    List<String> slack = new ArrayList<>();

    @Option(names = "--smtp-smarthost", paramLabel = "HOST:PORT", description = "the SMTP server for --email")
    String smarthost;

    @Option(names = "--smtp-from", paramLabel = "ADDR", description = "the sender of the emails")
    String from;

    @Option(names = "--smtp-auth-username", paramLabel = "USER", description = "the SMTP user, with --smtp-auth-password-file")
    String authUsername;

    @Option(names = "--smtp-auth-password-file", paramLabel = "FILE",
            description = "a file holding only the SMTP password, readable by its owner alone (chmod 600)")
    Path authPasswordFile;

    @Option(names = "--smtp-require-tls", paramLabel = "true|false", defaultValue = "true", arity = "1",
            description = "require STARTTLS (default true)")
    String requireTls;

    @Option(names = "--severity", paramLabel = "SEVERITY", split = ",",
            description = "route only these: critical, warning or both, comma-separated (default: every severity)")
    List<String> severities = new ArrayList<>();

    @Option(names = "--health-url", paramLabel = "URL", description = "the model's health page, linked from every message")
    String healthUrl;

    @Option(names = "--group-wait", paramLabel = "DURATION", defaultValue = "30s",
            description = "how long to gather a new group before the first message (default 30s)")
    String groupWait;

    @Option(names = "--group-interval", paramLabel = "DURATION", defaultValue = "5m",
            description = "how long to wait before a message on a changed group (default 5m)")
    String groupInterval;

    @Option(names = "--repeat-interval", paramLabel = "DURATION", defaultValue = "4h",
            description = "how long before repeating a message on an unchanged group (default 4h)")
    String repeatInterval;

    @Option(names = "--format", required = true, paramLabel = "file|crd",
            description = "file: merge into an alertmanager.yml; crd: an AlertmanagerConfig")
    String format;

    @Option(names = "--namespace", paramLabel = "NS", description = "with --format crd: the object's and the Secret's namespace")
    String namespace;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "the alertmanager.yml to merge into (created if missing), or the AlertmanagerConfig's file")
    Path out;

    @Option(names = "--json", description = "print what was written as JSON on stdout (never a secret)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        AlertRoutes.Format form = AlertRoutes.Format.parse(format);
        AlertRoute.Smtp smtp = smarthost == null && from == null && authUsername == null && authPasswordFile == null
                ? null : new AlertRoute.Smtp(smarthost, from, authUsername, authPasswordFile, bool(requireTls));
        AlertRoute.Timing timing = new AlertRoute.Timing(Durations.parse(groupWait, Parameter.GROUP_WAIT),
                Durations.parse(groupInterval, Parameter.GROUP_INTERVAL),
                Durations.parse(repeatInterval, Parameter.REPEAT_INTERVAL));
        AlertRoute route = new AlertRoute(name, emails, webhooks, slack, smtp, new LinkedHashSet<>(severities),
                healthUrl, timing);
        AlertRoutes.Outcome outcome = AlertRoutes.run(new AlertRoutes.Request(route, form, out, namespace), progress);
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", name);
            summary.put("format", format);
            summary.put("out", outcome.config().toString());
            outcome.templates().ifPresent(t -> summary.put("templates", t.toString()));
            summary.put("receiver", outcome.receiver());
            summary.put("emails", emails);
            summary.put("webhooks", webhooks.size());
            summary.put("slack", slack.size());
            outcome.secret().ifPresent(s -> summary.put("secret", Map.of("name", s, "keys", outcome.secretKeys())));
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(summary));
        }
        return ModelOps.OK;
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException(Parameter.SMTP_REQUIRE_TLS, Parameter.SMTP_REQUIRE_TLS.ref()
                    + " '" + text + "' is not true or false");
        };
    }
}
