package io.jenkins.plugins.modelops.monitor.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Grafana dashboard (JSON model, schema 39) for one deployed model, on the very PromQL the gate and the alert rules
 * use ({@link Signal}), so that what a person sees, what alerts and what gates cannot drift apart: accuracy (or MAE
 * and RMSE) by feedback source, latency quantiles, request and error rates, memory, feedback volume by source, and
 * the model's firing alerts. Panels select the model through the {@code $model} variable (preset to the model) and
 * read from the {@code $datasource} variable, so one file imports into any Grafana with a Prometheus.
 */
public final class GrafanaDashboard {

    public static final int SCHEMA_VERSION = 39;
    /** Grafana's own variables a query may use; PromQL never sees them. */
    public static final String RATE_INTERVAL = "$__rate_interval";
    public static final String RANGE = "$__range";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String MODEL = ServingContract.MODEL + "=\"$model\"";

    /**
     * @param task which quality panels: accuracy (classification), MAE and RMSE (regression), or both when empty
     * @param conditions the gate's conditions: fixed thresholds become the panels' thresholds
     */
    public record Request(String name, Optional<Task> task, List<Condition> conditions) {

        public Request {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a model "
                        + "name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63");
            }
            task = task == null ? Optional.empty() : task;
            conditions = conditions == null ? List.of() : List.copyOf(conditions);
        }
    }

    private GrafanaDashboard() {
    }

    /** The dashboard for {@code name}, its quality panels chosen by the gate's signals (both kinds without any). */
    public static ObjectNode forModel(String name, List<Condition> conditions) {
        boolean classification = conditions.stream().anyMatch(c -> c.signal() == Signal.ACCURACY);
        boolean regression = conditions.stream().anyMatch(c -> c.signal() == Signal.MAE || c.signal() == Signal.RMSE);
        Optional<Task> task = classification == regression ? Optional.empty()
                : Optional.of(classification ? Task.CLASSIFICATION : Task.REGRESSION);
        return forModel(new Request(name, task, conditions));
    }

    public static ObjectNode forModel(Request request) {
        ObjectNode dashboard = NODES.objectNode();
        dashboard.putNull("id");
        dashboard.put("uid", uid(request.name()));
        dashboard.put("title", "ModelOps: " + request.name());
        dashboard.put("description", "Model " + request.name() + " as ModelOps serves, alerts on and gates it: the "
                + "panels use the gate's and the alert rules' queries.");
        dashboard.putArray("tags").add("modelops").add("model:" + request.name());
        dashboard.put("timezone", "browser");
        dashboard.put("editable", true);
        dashboard.put("graphTooltip", 1);
        dashboard.put("schemaVersion", SCHEMA_VERSION);
        dashboard.put("version", 1);
        dashboard.put("refresh", "30s");
        dashboard.putObject("time").put("from", "now-1h").put("to", "now");
        dashboard.putObject("timepicker");
        ArrayNode variables = dashboard.putObject("templating").putArray("list");
        variables.add(datasourceVariable());
        variables.add(modelVariable(request.name()));
        ArrayNode annotations = dashboard.putObject("annotations").putArray("list");
        annotations.addObject().put("builtIn", 1).put("enable", true).put("hide", true)
                .put("iconColor", "rgba(0, 211, 255, 1)").put("name", "Annotations & Alerts").put("type", "dashboard")
                .putObject("datasource").put("type", "grafana").put("uid", "-- Grafana --");
        ObjectNode alertMarks = annotations.addObject().put("name", "Firing alerts").put("enable", true)
                .put("hide", false).put("iconColor", "red").put("expr", firingAlerts()).put("step", "60s")
                .put("titleFormat", "{{alertname}}").put("tagKeys", "severity,version")
                .put("useValueForTime", false);
        alertMarks.set("datasource", datasource());
        dashboard.set("panels", new Panels(request).all());
        return dashboard;
    }

    /** {@link #json(Request)} with the quality panels chosen by the gate's signals, as {@link #forModel(String, List)}. */
    public static String json(String name, List<Condition> conditions) {
        return pretty(forModel(name, conditions));
    }

    /** The dashboard as Grafana imports it (pretty-printed JSON). */
    public static String json(Request request) {
        return pretty(forModel(request));
    }

    private static String pretty(ObjectNode dashboard) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(dashboard) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code modelops-NAME}, within Grafana's 40 characters: a longer name keeps its start and a hash. */
    static String uid(String name) {
        String uid = "modelops-" + name;
        if (uid.length() <= 40) {
            return uid;
        }
        String hash = Integer.toHexString(name.hashCode() & 0x7fffffff);
        return uid.substring(0, 40 - hash.length() - 1) + "-" + hash;
    }

    /** The model's firing alerts, whatever rule group raised them. */
    static String firingAlerts() {
        return "ALERTS{" + MODEL + ",alertstate=\"firing\"}";
    }

    static ObjectNode datasource() {
        return NODES.objectNode().put("type", "prometheus").put("uid", "${datasource}");
    }

    private static ObjectNode datasourceVariable() {
        ObjectNode variable = NODES.objectNode().put("name", "datasource").put("label", "Data source")
                .put("type", "datasource").put("query", "prometheus").put("hide", 0).put("refresh", 1)
                .put("regex", "").put("includeAll", false).put("multi", false);
        variable.putObject("current");
        variable.putArray("options");
        return variable;
    }

    private static ObjectNode modelVariable(String name) {
        String definition = "label_values(" + ServingContract.MODEL_INFO + ", " + ServingContract.MODEL + ")";
        ObjectNode variable = NODES.objectNode().put("name", "model").put("label", "Model").put("type", "query")
                .put("definition", definition).put("hide", 0).put("refresh", 2).put("sort", 1)
                .put("includeAll", false).put("multi", false).put("regex", "");
        variable.set("datasource", datasource());
        variable.putObject("query").put("query", definition).put("qryType", 1)
                .put("refId", "PrometheusVariableQueryEditor-VariableQuery");
        variable.putObject("current").put("selected", true).put("text", name).put("value", name);
        variable.putArray("options");
        return variable;
    }

    /** The panels in a 24-column grid, top to bottom. */
    private static final class Panels {
        private final Request request;
        private final ArrayNode panels = NODES.arrayNode();
        private int x;
        private int y;
        private int rowHeight;

        Panels(Request request) {
            this.request = request;
        }

        ArrayNode all() {
            boolean classification = request.task().map(t -> t == Task.CLASSIFICATION).orElse(true);
            boolean regression = request.task().map(t -> t == Task.REGRESSION).orElse(true);
            String requests = ServingContract.REQUESTS + "{" + MODEL + "}";
            // At a glance, over the dashboard's time range.
            if (classification) {
                add(stat("Accuracy", Signal.ACCURACY, "percentunit", target(Signal.ACCURACY.query(MODEL, RANGE,
                        Signal.Source.ANY), "{{version}}")), 6, 4);
            }
            if (regression) {
                add(stat("MAE", Signal.MAE, "none", target(Signal.MAE.query(MODEL, RANGE, Signal.Source.ANY),
                        "{{version}}")), 6, 4);
            }
            add(stat("Latency p99", Signal.LATENCY_P99, "s", target(Signal.LATENCY_P99.query(MODEL, RANGE,
                    Signal.Source.ANY), "{{version}}")), 6, 4);
            add(stat("Error ratio", Signal.ERROR_RATE, "percentunit", target(Signal.ERROR_RATE.query(MODEL, RANGE,
                    Signal.Source.ANY), "{{version}}")), 6, 4);
            // No firing alert is an empty result: shown as 0, not "No data".
            add(stat("Firing alerts", Signal.ALERTS, "none", target(Signal.ALERTS.query(MODEL, RANGE,
                    Signal.Source.ANY) + " or on() vector(0)", "firing")), 6, 4);
            // Over time.
            if (classification) {
                add(series("Accuracy by feedback source", Signal.ACCURACY, "percentunit",
                        target(Signal.ACCURACY.querySplitBySource(MODEL, RATE_INTERVAL), "{{version}} {{source}}")), 12, 8);
            }
            if (regression) {
                add(series("MAE and RMSE by feedback source", Signal.MAE, "none",
                        target(Signal.MAE.querySplitBySource(MODEL, RATE_INTERVAL), "MAE {{version}} {{source}}"),
                        target(Signal.RMSE.querySplitBySource(MODEL, RATE_INTERVAL), "RMSE {{version}} {{source}}")),
                        12, 8);
            }
            add(series("Latency quantiles", Signal.LATENCY_P99, "s",
                    target(Signal.LATENCY_P50.query(MODEL, RATE_INTERVAL, Signal.Source.ANY), "p50 {{version}}"),
                    target(Signal.LATENCY_P95.query(MODEL, RATE_INTERVAL, Signal.Source.ANY), "p95 {{version}}"),
                    target(Signal.LATENCY_P99.query(MODEL, RATE_INTERVAL, Signal.Source.ANY), "p99 {{version}}")),
                    12, 8);
            add(series("Requests by status", Signal.REQUEST_RATE, "reqps",
                    target(Signal.REQUEST_RATE.query(MODEL, RATE_INTERVAL, Signal.Source.ANY), "all {{version}}"),
                    target("sum by (model, version, code) (rate(" + requests + "[" + RATE_INTERVAL + "]))",
                            "{{code}} {{version}}")), 12, 8);
            add(series("Error ratio (not 2xx)", Signal.ERROR_RATE, "percentunit",
                    target(Signal.ERROR_RATE.query(MODEL, RATE_INTERVAL, Signal.Source.ANY), "{{version}}")), 12, 8);
            // JVM metrics carry no model label: the model's instances are joined in from modelops_model_info.
            String ofModel = " * on (instance, job) group_left (model, version) max by (instance, job, model, version) ("
                    + ServingContract.MODEL_INFO + "{" + MODEL + "})";
            add(series("Memory", null, "bytes",
                    target("jvm_memory_used_bytes{area=\"heap\"}" + ofModel, "heap {{instance}}"),
                    target("jvm_memory_used_bytes{area=\"nonheap\"}" + ofModel, "non-heap {{instance}}"),
                    target("process_resident_memory_bytes" + ofModel, "resident {{instance}}")), 12, 8);
            if (classification) {
                add(series("Feedback volume by source", null, "cps", target("sum by (model, version, source) (rate("
                        + ServingContract.FEEDBACK + "{" + MODEL + "}[" + RATE_INTERVAL + "]))", "{{source}} {{version}}")),
                        12, 8);
            }
            if (regression) {
                add(series("Regression feedback volume by source", null, "cps", target("sum by (model, version, source) "
                        + "(rate(" + ServingContract.FEEDBACK_ABS_ERROR + "_count{" + MODEL + "}[" + RATE_INTERVAL
                        + "]))", "{{source}} {{version}}")), 12, 8);
            }
            add(series("Firing alerts", null, "none", target("count by (alertname, severity, version) ("
                    + firingAlerts() + ")", "{{alertname}} ({{severity}}) {{version}}")), 24, 8);
            return panels;
        }

        private void add(ObjectNode panel, int w, int h) {
            if (x + w > 24) {
                x = 0;
                y += rowHeight;
                rowHeight = 0;
            }
            panel.put("id", panels.size() + 1);
            panel.putObject("gridPos").put("x", x).put("y", y).put("w", w).put("h", h);
            x += w;
            rowHeight = Math.max(rowHeight, h);
            panels.add(panel);
        }

        private ObjectNode stat(String title, Signal signal, String unit, ObjectNode target) {
            ObjectNode panel = panel("stat", title, signal, unit, target);
            ObjectNode options = panel.putObject("options").put("colorMode", "value").put("graphMode", "area")
                    .put("textMode", "auto");
            ObjectNode reduce = options.putObject("reduceOptions");
            reduce.putArray("calcs").add("lastNotNull");
            reduce.put("fields", "").put("values", false);
            return panel;
        }

        private ObjectNode series(String title, Signal signal, String unit, ObjectNode... targets) {
            ObjectNode panel = panel("timeseries", title, signal, unit, targets);
            ObjectNode custom = ((ObjectNode) panel.get("fieldConfig").get("defaults")).putObject("custom");
            custom.put("drawStyle", "line").put("lineWidth", 1).put("fillOpacity", 10).put("showPoints", "never")
                    .put("spanNulls", false);
            // A gate threshold shows as a line across the graph.
            boolean gated = panel.at("/fieldConfig/defaults/thresholds/steps").size() > 1;
            custom.putObject("thresholdsStyle").put("mode", gated ? "line" : "off");
            panel.putObject("options").putObject("legend").put("displayMode", "list").put("placement", "bottom")
                    .put("showLegend", true);
            ((ObjectNode) panel.get("options")).putObject("tooltip").put("mode", "multi").put("sort", "none");
            return panel;
        }

        private ObjectNode panel(String type, String title, Signal signal, String unit, ObjectNode... targets) {
            ObjectNode panel = NODES.objectNode().put("type", type).put("title", title);
            panel.set("datasource", datasource());
            ArrayNode list = panel.putArray("targets");
            char refId = 'A';
            for (ObjectNode target : targets) {
                list.add(target.put("refId", String.valueOf(refId++)));
            }
            ObjectNode defaults = panel.putObject("fieldConfig").putObject("defaults").put("unit", unit);
            ((ObjectNode) panel.get("fieldConfig")).putArray("overrides");
            defaults.put("min", 0);
            ArrayNode steps = defaults.putObject("thresholds").put("mode", "absolute").putArray("steps");
            Optional<Condition> gate = signal == null ? Optional.empty() : request.conditions().stream()
                    .filter(c -> c.signal() == signal && !c.usesBaseline()).findFirst();
            if (gate.isPresent()) {
                // Green where the gate holds, red where it breaks: the same threshold the gate and the alert use.
                boolean upward = gate.get().comparison() == Condition.Comparison.AT_LEAST
                        || gate.get().comparison() == Condition.Comparison.ABOVE;
                steps.addObject().put("color", upward ? "red" : "green").putNull("value");
                steps.addObject().put("color", upward ? "green" : "red").put("value", gate.get().operand());
            } else {
                steps.addObject().put("color", "green").putNull("value");
            }
            return panel;
        }

        private static ObjectNode target(String expr, String legend) {
            ObjectNode target = NODES.objectNode();
            target.set("datasource", datasource());
            return target.put("expr", expr).put("legendFormat", legend).put("range", true).put("instant", false)
                    .put("editorMode", "code");
        }
    }
}
