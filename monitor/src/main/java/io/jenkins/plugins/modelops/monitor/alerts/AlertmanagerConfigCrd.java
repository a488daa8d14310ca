package io.jenkins.plugins.modelops.monitor.alerts;

import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes form: an {@code AlertmanagerConfig} (monitoring.coreos.com/v1alpha1) that prometheus-operator merges
 * into its Alertmanager. Nothing secret is in it: the SMTP password and every webhook and Slack URL are references to
 * keys of one Secret, {@link #secretName()}, in the object's namespace, which the user creates (the operator reads
 * it; {@link #secretKeys()} says which keys). The templates are inline, since the object cannot carry a file.
 * The operator adds a {@code namespace} matcher to the route: the alerts must carry the namespace label of the
 * object's namespace ({@code AlertRules} puts it there when given one).
 */
final class AlertmanagerConfigCrd {

    static final String API_VERSION = "monitoring.coreos.com/v1alpha1";
    static final String KIND = "AlertmanagerConfig";
    static final String SMTP_PASSWORD_KEY = "smtp-auth-password";

    private final AlertRoute route;
    private final AlertTemplates templates;

    AlertmanagerConfigCrd(AlertRoute route) {
        this.route = route;
        this.templates = new AlertTemplates(route);
    }

    /** The Secret the object refers to: {@code modelops-alerts-NAME}. */
    String secretName() {
        return "modelops-alerts-" + route.name();
    }

    static String webhookKey(int index) {
        return "webhook-url-" + (index + 1);
    }

    static String slackKey(int index) {
        return "slack-api-url-" + (index + 1);
    }

    /** The keys the Secret must hold, in the order the options were given. */
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

    Map<String, Object> object(String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", route.receiver());
        if (namespace != null && !namespace.isBlank()) {
            metadata.put("namespace", namespace);
        }
        metadata.put("labels", Map.of("app.kubernetes.io/managed-by", "modelops", "modelops.jenkins.io/model",
                route.name()));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("route", routeOf());
        spec.put("receivers", List.of(receiverOf()));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", API_VERSION);
        object.put("kind", KIND);
        object.put("metadata", metadata);
        object.put("spec", spec);
        return object;
    }

    private Map<String, Object> routeOf() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("receiver", route.receiver());
        List<Map<String, String>> matchers = new ArrayList<>(List.of(matcher("model", "=", route.name())));
        if (!route.severities().isEmpty()) {
            matchers.add(matcher("severity", "=~", route.severityPattern()));
        }
        r.put("matchers", matchers);
        r.put("groupBy", List.of("model", "alertname"));
        r.put("groupWait", Signal.promDuration(route.timing().groupWait()));
        r.put("groupInterval", Signal.promDuration(route.timing().groupInterval()));
        r.put("repeatInterval", Signal.promDuration(route.timing().repeatInterval()));
        return r;
    }

    private static Map<String, String> matcher(String name, String type, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("matchType", type);
        m.put("value", value);
        return m;
    }

    private Map<String, String> secretKey(String key) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("name", secretName());
        selector.put("key", key);
        return selector;
    }

    private Map<String, Object> receiverOf() {
        Map<String, Object> receiver = new LinkedHashMap<>();
        receiver.put("name", route.receiver());
        if (!route.emails().isEmpty()) {
            AlertRoute.Smtp smtp = route.smtp();
            Map<String, Object> email = new LinkedHashMap<>();
            email.put("to", String.join(", ", route.emails()));
            email.put("from", smtp.from());
            email.put("smarthost", smtp.smarthost());
            if (smtp.authUsername() != null) {
                email.put("authUsername", smtp.authUsername());
                email.put("authPassword", secretKey(SMTP_PASSWORD_KEY));
            }
            email.put("requireTLS", smtp.requireTls());
            email.put("sendResolved", true);
            email.put("headers", List.of(Map.of("key", "Subject", "value", templates.subject())));
            email.put("html", templates.html());
            email.put("text", templates.text());
            receiver.put("emailConfigs", List.of(email));
        }
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (int i = 0; i < route.webhooks().size(); i++) {
            Map<String, Object> webhook = new LinkedHashMap<>();
            webhook.put("urlSecret", secretKey(webhookKey(i)));
            webhook.put("sendResolved", true);
            webhooks.add(webhook);
        }
        if (!webhooks.isEmpty()) {
            receiver.put("webhookConfigs", webhooks);
        }
        List<Map<String, Object>> slacks = new ArrayList<>();
        for (int i = 0; i < route.slackUrls().size(); i++) {
            Map<String, Object> slack = new LinkedHashMap<>();
            slack.put("apiURL", secretKey(slackKey(i)));
            slack.put("sendResolved", true);
            slack.put("title", templates.subject());
            if (route.healthUrl() != null) {
                slack.put("titleLink", route.healthUrl());
            }
            slack.put("text", templates.text());
            slacks.add(slack);
        }
        if (!slacks.isEmpty()) {
            receiver.put("slackConfigs", slacks);
        }
        return receiver;
    }
}
