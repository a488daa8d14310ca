package io.jenkins.plugins.modelops.monitor.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Kubernetes form: an {@code AlertmanagerConfig} (monitoring.coreos.com/v1alpha1) that prometheus-operator merges
 * into its Alertmanager. Nothing secret is in it: the SMTP password and every webhook and Slack URL are references to
 * keys of one Secret, {@link #secretName()}, in the object's namespace, which the user creates (the operator reads
 * it; {@link #secretKeys()} says which keys). The templates are inline, since the object cannot carry a file.
 * The operator adds a {@code namespace} matcher to the route: the alerts must carry the namespace label of the
 * object's namespace ({@code AlertRules} puts it there when given one).
 */
final class AlertmanagerConfigCrd implements RouteAndReceiver.Spelling {

    static final String API_VERSION = "monitoring.coreos.com/v1alpha1";
    static final String KIND = "AlertmanagerConfig";

    /** The v1alpha1 names of the fields whose Alertmanager names differ (a webhook's URL is {@code urlSecret}). */
    private static final Map<String, String> FIELDS = Map.ofEntries(Map.entry("group_by", "groupBy"),
            Map.entry("group_wait", "groupWait"), Map.entry("group_interval", "groupInterval"),
            Map.entry("repeat_interval", "repeatInterval"), Map.entry("email_configs", "emailConfigs"),
            Map.entry("webhook_configs", "webhookConfigs"), Map.entry("slack_configs", "slackConfigs"),
            Map.entry("auth_username", "authUsername"), Map.entry("auth_password", "authPassword"),
            Map.entry("require_tls", "requireTLS"), Map.entry("send_resolved", "sendResolved"),
            Map.entry("url", "urlSecret"), Map.entry("api_url", "apiURL"), Map.entry("title_link", "titleLink"));

    private final AlertRoute route;
    private final AlertTemplates templates;
    private final RouteAndReceiver parts;

    AlertmanagerConfigCrd(AlertRoute route) {
        this.route = route;
        this.templates = new AlertTemplates(route);
        this.parts = new RouteAndReceiver(route, this);
    }

    /** The Secret the object refers to: {@code modelops-alerts-NAME}. */
    String secretName() {
        return "modelops-alerts-" + route.name();
    }

    /** The keys the Secret must hold, in the order the options were given. */
    List<String> secretKeys() {
        return parts.secretKeys();
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
        spec.put("route", parts.route());
        spec.put("receivers", List.of(parts.receiver()));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", API_VERSION);
        object.put("kind", KIND);
        object.put("metadata", metadata);
        object.put("spec", spec);
        return object;
    }

    @Override
    public String field(String name) {
        return FIELDS.getOrDefault(name, name);
    }

    @Override
    public Object secret(String key, Supplier<String> value) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("name", secretName());
        selector.put("key", key);
        return selector;
    }

    @Override
    public String template(String part) {
        return switch (part) {
            case AlertTemplates.SUBJECT -> templates.subject();
            case AlertTemplates.HTML -> templates.html();
            default -> templates.text();
        };
    }

    @Override
    public Object subjectHeader(String subject) {
        return List.of(Map.of("key", "Subject", "value", subject));
    }

    @Override
    public Object matcher(String name, String type, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("matchType", type);
        m.put("value", value);
        return m;
    }
}
