package io.jenkins.plugins.modelops.monitor.alerts;

/**
 * What people read: Alertmanager (Go) templates over a notification's alerts, saying which model, its status, since
 * when and why. They read what {@code AlertRules} puts on every alert: the labels {@code model}, {@code version},
 * {@code namespace}, {@code severity}, {@code alertname} and the annotations {@code status} (degraded, idle,
 * down...), {@code description} (the cause in words, with the evaluation time), {@code summary},
 * {@code runbook_url}. An alert from elsewhere that lacks them still reads sensibly.
 *
 * <p>The file form defines them once, in a templates file named by {@code templates:}, under
 * {@code modelops.NAME.*}; an AlertmanagerConfig cannot ship a template file, so the Kubernetes form inlines them.
 */
final class AlertTemplates {

    static final String SUBJECT = "subject";
    static final String TEXT = "text";
    static final String HTML = "html";

    private static final String TIME = "\"2006-01-02 15:04:05 UTC\"";

    private final AlertRoute route;

    AlertTemplates(AlertRoute route) {
        this.route = route;
    }

    /** The template's name in the templates file: {@code modelops.iris.subject}. */
    String name(String part) {
        return "modelops." + route.name() + "." + part;
    }

    /** A field's value that calls a defined template. */
    String reference(String part) {
        return "{{ template \"" + name(part) + "\" . }}";
    }

    /** The templates file: each part defined under its name. */
    String file() {
        return "{{/* Written by modelops alerts for model " + route.name() + "; written again on every run. */}}\n"
                + define(SUBJECT, subject()) + define(TEXT, text())
                + define(HTML, "<pre>" + reference(TEXT) + "</pre>");
    }

    private String define(String part, String body) {
        return "{{ define \"" + name(part) + "\" }}" + body + "{{ end }}\n";
    }

    /** {@code [FIRING] model iris is degraded: ModelAccuracyLow}, {@code [RESOLVED] model iris: ModelAccuracyLow}. */
    String subject() {
        return "[{{ .Status | toUpper }}] model " + route.name() + "{{ if eq .Status \"firing\" }}"
                + "{{ with .CommonAnnotations.status }} is {{ . }}{{ end }}{{ end }}: {{ .GroupLabels.alertname }}";
    }

    /** One block per alert: model, alert, status, since (and until), cause, runbook, health page, source. */
    String text() {
        String health = route.healthUrl() == null ? "" : "Health:   " + route.healthUrl() + "\n";
        return "{{ range .Alerts }}"
                + "Model:    {{ .Labels.model }}{{ with .Labels.version }} (version {{ . }}){{ end }}"
                + "{{ with .Labels.namespace }}, namespace {{ . }}{{ end }}\n"
                + "Alert:    {{ .Labels.alertname }}{{ with .Labels.severity }} ({{ . }}){{ end }}\n"
                + "Status:   {{ if eq .Status \"firing\" }}{{ or .Annotations.status \"firing\" }}"
                + "{{ else }}resolved{{ with .Annotations.status }} (was {{ . }}){{ end }}{{ end }}\n"
                + "Since:    {{ .StartsAt.UTC.Format " + TIME + " }}\n"
                + "{{ if eq .Status \"resolved\" }}Resolved: {{ .EndsAt.UTC.Format " + TIME + " }}\n{{ end }}"
                + "Cause:    {{ or .Annotations.description .Annotations.summary \"(no description)\" }}\n"
                + "{{ with .Annotations.runbook_url }}Runbook:  {{ . }}\n{{ end }}"
                + health
                + "Source:   {{ .GeneratorURL }}\n\n"
                + "{{ end }}";
    }

    /** The same text for mail readers that show the HTML part (Alertmanager escapes it as HTML), inline. */
    String html() {
        return "<pre>" + text() + "</pre>";
    }
}
