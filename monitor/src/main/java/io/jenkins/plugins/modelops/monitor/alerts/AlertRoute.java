package io.jenkins.plugins.modelops.monitor.alerts;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who hears of one model's alerts, and how: the value {@code modelops alerts} and the {@code monitorModel} step
 * both build. Everything a user can get wrong is refused here, before anything is read or written, with the
 * parameter, the value and what is accepted (a secret's value is never in a message; its file's path is).
 *
 * @param severities the alerts' {@code severity} labels routed; empty: every severity
 * @param healthUrl the model's health page, linked from every message; null when there is none
 */
public record AlertRoute(String name, List<String> emails, List<String> webhooks, List<String> slackUrls, Smtp smtp,
                         Set<String> severities, String healthUrl, Timing timing) {

    /** The severities {@code AlertRules} gives its alerts. */
    public static final List<String> SEVERITIES = List.of("critical", "warning");

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** What Alertmanager's address parser (Go's net/mail) takes without a display name, kept simple on purpose. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*"
                    + "[A-Za-z0-9])?)*");

    /**
     * The SMTP server Alertmanager sends email through.
     *
     * @param authPasswordFile a file holding only the password, readable by its owner alone; null without auth
     * @param requireTls STARTTLS required (Alertmanager's default, true)
     */
    public record Smtp(String smarthost, String from, String authUsername, Path authPasswordFile, boolean requireTls) {

        public Smtp {
            if (smarthost == null || smarthost.isBlank()) {
                throw new InvalidInputException(Parameter.SMTP_SMARTHOST, "email receivers need "
                        + Parameter.SMTP_SMARTHOST.ref() + " HOST:PORT, the SMTP server Alertmanager sends through");
            }
            checkSmarthost(smarthost);
            if (from == null || from.isBlank()) {
                throw new InvalidInputException(Parameter.SMTP_FROM, "email receivers need " + Parameter.SMTP_FROM.ref()
                        + " ADDRESS, the sender of the alert emails");
            }
            checkEmail(Parameter.SMTP_FROM, from);
            boolean user = authUsername != null && !authUsername.isBlank();
            if (user != (authPasswordFile != null)) {
                throw new InvalidInputException(user ? Parameter.SMTP_AUTH_PASSWORD_FILE : Parameter.SMTP_AUTH_USERNAME,
                        Parameter.SMTP_AUTH_USERNAME.ref() + " and " + Parameter.SMTP_AUTH_PASSWORD_FILE.ref()
                                + " go together: SMTP authentication needs both, or neither for a server without it");
            }
            authUsername = user ? authUsername : null;
            if (authPasswordFile != null) {
                checkPasswordFile(authPasswordFile);
            }
        }

        /** The password, read when the file form needs it inline; a final line break is not part of it. */
        public String authPassword() {
            try {
                return Files.readString(authPasswordFile).replaceFirst("\\r?\\n$", "");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + Parameter.SMTP_AUTH_PASSWORD_FILE.ref() + " "
                        + authPasswordFile, e);
            }
        }

    }

    /** Alertmanager's grouping delays: how long to gather a group, to wait before an update, before a reminder. */
    public record Timing(Duration groupWait, Duration groupInterval, Duration repeatInterval) {

        /** Alertmanager's own defaults. */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofHours(4));

        public Timing {
            positive(Parameter.GROUP_WAIT, groupWait, false);
            positive(Parameter.GROUP_INTERVAL, groupInterval, true);
            positive(Parameter.REPEAT_INTERVAL, repeatInterval, true);
        }

        private static void positive(Parameter parameter, Duration duration, boolean nonZero) {
            if (duration.isNegative() || duration.toMillis() % 1000 != 0 || nonZero && duration.isZero()) {
                String given = duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
                throw new InvalidInputException(parameter, parameter.ref() + " " + given + " must be a whole number "
                        + "of seconds" + (nonZero ? ", at least 1s" : ", 0s or more"));
            }
        }
    }

    public AlertRoute {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a model "
                    + "name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most "
                    + "63 characters, as the model's deployment is named (e.g. iris-classifier)");
        }
        emails = List.copyOf(emails);
        webhooks = List.copyOf(webhooks);
        slackUrls = List.copyOf(slackUrls);
        emails.forEach(e -> checkEmail(Parameter.EMAIL, e));
        webhooks.forEach(u -> checkUrl(Parameter.WEBHOOK, u, "https://hooks.example.com/modelops"));
        slackUrls.forEach(u -> checkUrl(Parameter.SLACK, u, "https://hooks.slack.com/services/T000/B000/XXXX"));
        if (emails.isEmpty() && webhooks.isEmpty() && slackUrls.isEmpty()) {
            throw new InvalidInputException(Parameter.EMAIL, "no receiver for " + name + ": give at least one "
                    + Parameter.EMAIL.ref() + ", " + Parameter.WEBHOOK.ref() + " or " + Parameter.SLACK.ref());
        }
        if (!emails.isEmpty() && smtp == null) {
            throw new InvalidInputException(Parameter.SMTP_SMARTHOST, Parameter.EMAIL.ref() + " needs "
                    + Parameter.SMTP_SMARTHOST.ref() + " HOST:PORT and " + Parameter.SMTP_FROM.ref()
                    + " ADDRESS: the SMTP server Alertmanager sends through and the sender");
        }
        if (emails.isEmpty() && smtp != null) {
            throw new InvalidInputException(Parameter.SMTP_SMARTHOST, Parameter.SMTP_SMARTHOST.ref()
                    + " is for email receivers: give at least one " + Parameter.EMAIL.ref());
        }
        severities = Set.copyOf(new LinkedHashSet<>(severities));
        for (String severity : severities) {
            if (!SEVERITIES.contains(severity)) {
                throw new InvalidInputException(Parameter.SEVERITY, Parameter.SEVERITY.ref() + " '" + severity
                        + "' is not a severity of ModelOps' alerts: accepted are critical and warning, comma-separated");
            }
        }
        if (healthUrl != null && healthUrl.isBlank()) {
            healthUrl = null;
        }
        if (healthUrl != null) {
            checkUrl(Parameter.HEALTH_URL, healthUrl, "https://jenkins.example.com/job/iris/modelops");
        }
        timing = timing == null ? Timing.DEFAULT : timing;
    }

    /** The receiver, and the route's identity in a merged alertmanager.yml: {@code modelops-NAME}. */
    public String receiver() {
        return "modelops-" + name;
    }

    /** The severities in {@link #SEVERITIES}' order, as a regular expression ({@code critical|warning}). */
    String severityPattern() {
        return String.join("|", SEVERITIES.stream().filter(severities::contains).toList());
    }

    static void checkEmail(Parameter parameter, String address) {
        if (address == null || !EMAIL.matcher(address).matches()) {
            throw new InvalidInputException(parameter, parameter.ref() + " '" + address + "' is not an email address:"
                    + " accepted is one plain address such as oncall@example.com"
                    + (parameter == Parameter.EMAIL ? " (repeat " + parameter.ref() + " for more)" : ""));
        }
    }

    static void checkUrl(Parameter parameter, String url, String example) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidInputException(parameter, parameter.ref() + " '" + shown(url) + "' is not an http or "
                    + "https URL: accepted is an absolute URL such as " + example);
        }
    }

    /** A URL as a message may show it: up to its host, since the rest may hold a token (Slack's URLs are secrets). */
    static String shown(String url) {
        if (url == null) {
            return null;
        }
        int schemeEnd = url.indexOf("://");
        int from = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int end = from;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String host = url.substring(from, end);
        host = host.substring(host.lastIndexOf('@') + 1); // and no user:password@
        return url.substring(0, from) + host + (end < url.length() ? "/..." : "");
    }

    private static void checkSmarthost(String smarthost) {
        int colon = smarthost.lastIndexOf(':');
        String port = colon < 0 ? "" : smarthost.substring(colon + 1);
        if (colon <= 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new InvalidInputException(Parameter.SMTP_SMARTHOST, Parameter.SMTP_SMARTHOST.ref() + " '"
                    + smarthost + "' " + (colon < 0 ? "has no port" : "has no valid port") + ": accepted is HOST:PORT"
                    + " with a port from 1 to 65535, such as smtp.example.com:587");
        }
    }

    private static void checkPasswordFile(Path file) {
        String ref = Parameter.SMTP_AUTH_PASSWORD_FILE.ref() + " " + file;
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(Parameter.SMTP_AUTH_PASSWORD_FILE, ref + " does not exist (or is not a "
                    + "file): give a file that holds only the SMTP password, readable by its owner alone (chmod 600)");
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + file, e);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: its ACLs are the user's to set
        }
        String others = permissions.contains(PosixFilePermission.OTHERS_READ) ? "everyone"
                : permissions.contains(PosixFilePermission.GROUP_READ) ? "its group" : null;
        if (others != null) {
            throw new InvalidInputException(Parameter.SMTP_AUTH_PASSWORD_FILE, ref + " is readable by " + others
                    + " (" + PosixFilePermissions.toString(permissions) + "): a password file must be readable by "
                    + "its owner alone; run chmod 600 " + file);
        }
    }
}
