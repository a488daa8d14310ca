package io.jenkins.plugins.modelops.monitor.alerts;

import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model's route and receiver, built once for both forms, each of which spells them its own way: an alertmanager.yml
 * (snake_case, secrets inline, templates by reference) or an AlertmanagerConfig (camelCase, secrets as Secret keys,
 * templates inline).
 */
final class RouteAndReceiver {

    /** How a form writes what the route and receiver hold. */
    interface Spelling {

        /** A field's name in this form, from Alertmanager's own (snake_case) one. */
        String field(String name);

        /** A secret: its value inline, or a reference to the Secret's {@code key}. */
        Object secret(String key, Supplier<String> value);

        /** A template part ({@link AlertTemplates#SUBJECT}, ...): a reference to the templates file or inline. */
        String template(String part);

        Object subjectHeader(String subject);

        Object matcher(String name, String type, String value);
    }

    /** The Secret keys of the AlertmanagerConfig form, also the names the secrets go by in messages. */
    static final String SMTP_PASSWORD_KEY = "smtp-auth-password";

    private final AlertRoute route;
    private final Spelling spelling;

    RouteAndReceiver(AlertRoute route, Spelling spelling) {
        this.route = route;
        this.spelling = spelling;
    }

    static String webhookKey(int index) {
        return "webhook-url-" + (index + 1);
    }

    static String slackKey(int index) {
        return "slack-api-url-" + (index + 1);
    }

    /**
     * {@code continue: true}: the route takes no alert away from a route after it (prometheus-operator sets it on an
     * AlertmanagerConfig's route in any case).
     */
    Map<String, Object> route() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("receiver", route.receiver());
        List<Object> matchers = new ArrayList<>(List.of(spelling.matcher("model", "=", route.name())));
        if (!route.severities().isEmpty()) {
            matchers.add(spelling.matcher("severity", "=~", route.severityPattern()));
        }
        r.put("matchers", matchers);
        put(r, "group_by", List.of("model", "alertname"));
        put(r, "group_wait", Signal.promDuration(route.timing().groupWait()));
        put(r, "group_interval", Signal.promDuration(route.timing().groupInterval()));
        put(r, "repeat_interval", Signal.promDuration(route.timing().repeatInterval()));
        put(r, "continue", true);
        return r;
    }

    Map<String, Object> receiver() {
        Map<String, Object> receiver = new LinkedHashMap<>();
        receiver.put("name", route.receiver());
        if (!route.emails().isEmpty()) {
            AlertRoute.Smtp smtp = route.smtp();
            Map<String, Object> email = new LinkedHashMap<>();
            email.put("to", String.join(", ", route.emails()));
            email.put("from", smtp.from());
            email.put("smarthost", smtp.smarthost());
            if (smtp.authUsername() != null) {
                put(email, "auth_username", smtp.authUsername());
                put(email, "auth_password", spelling.secret(SMTP_PASSWORD_KEY, smtp::authPassword));
            }
            put(email, "require_tls", smtp.requireTls());
            put(email, "send_resolved", true);
            email.put("headers", spelling.subjectHeader(spelling.template(AlertTemplates.SUBJECT)));
            email.put("html", spelling.template(AlertTemplates.HTML));
            email.put("text", spelling.template(AlertTemplates.TEXT));
            put(receiver, "email_configs", List.of(email));
        }
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (int i = 0; i < route.webhooks().size(); i++) {
            String url = route.webhooks().get(i);
            Map<String, Object> webhook = new LinkedHashMap<>();
            put(webhook, "url", spelling.secret(webhookKey(i), () -> url));
            put(webhook, "send_resolved", true);
            webhooks.add(webhook);
        }
        if (!webhooks.isEmpty()) {
            put(receiver, "webhook_configs", webhooks);
        }
        List<Map<String, Object>> slacks = new ArrayList<>();
        for (int i = 0; i < route.slackUrls().size(); i++) {
            String url = route.slackUrls().get(i);
            Map<String, Object> slack = new LinkedHashMap<>();
            put(slack, "api_url", spelling.secret(slackKey(i), () -> url));
            put(slack, "send_resolved", true);
            slack.put("title", spelling.template(AlertTemplates.SUBJECT));
            if (route.healthUrl() != null) {
                put(slack, "title_link", route.healthUrl());
            }
            slack.put("text", spelling.template(AlertTemplates.TEXT));
            slacks.add(slack);
        }
        if (!slacks.isEmpty()) {
            put(receiver, "slack_configs", slacks);
        }
        return receiver;
    }

    /** The Secret keys this receiver refers to, in the order the options were given. */
    List<String> secretKeys() {
        List<String> keys = new ArrayList<>();
        if (route.smtp() != null && route.smtp().authUsername() != null) {
            keys.add(SMTP_PASSWORD_KEY);
        }
        for (int i = 0; i < route.webhooks().size(); i++) {
            keys.add(webhookKey(i));
        }
        for (int i = 0; i < route.slackUrls().size(); i++) {
            keys.add(slackKey(i));
        }
        return keys;
    }

    private void put(Map<String, Object> map, String field, Object value) {
        map.put(spelling.field(field), value);
    }
}
