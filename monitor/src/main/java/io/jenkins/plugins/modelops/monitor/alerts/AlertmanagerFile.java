package io.jenkins.plugins.modelops.monitor.alerts;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The file form: a model's route and receiver merged into an alertmanager.yml (Alertmanager 0.25's format), every
 * other route, receiver, template and global setting kept as it was. The model's route goes first among the root's
 * routes with {@code continue: true}, so it takes no alert away from a route after it (a team's severity route still
 * pages); a route someone else wrote for the same model is refused rather than shadowed or doubled.
 * The SMTP password and the webhook and Slack URLs are inline, so the file is written with mode 0600: Alertmanager
 * 0.25 has no file form for a webhook URL, and although it reads {@code auth_password_file}, the password file given
 * here is often a temporary one (Jenkins' withCredentials) that is gone when Alertmanager sends.
 */
final class AlertmanagerFile implements RouteAndReceiver.Spelling {

    /** The root route's receiver in a file ModelOps creates: no integration, alerts no model route takes go nowhere. */
    static final String DEFAULT_RECEIVER = "default";

    static final String HEADER = """
            # Alertmanager configuration (0.25). The routes and receivers named modelops-<model> and the templates
            # modelops-<model>.tmpl are written by `modelops alerts`: each run replaces its own model's and keeps
            # everything else (comments are not kept). Mode 0600: the SMTP password and the webhook and Slack URLs
            # are inline (0.25 has no file form for webhook URLs), so only Alertmanager's user may read this file.
            """;

    private static final Pattern MATCHER = Pattern.compile("\\s*\\{?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*"
            + "(.*?)\\s*}?\\s*");

    private final AlertRoute route;
    private final AlertTemplates templates;
    private final RouteAndReceiver parts;

    AlertmanagerFile(AlertRoute route) {
        this.route = route;
        this.templates = new AlertTemplates(route);
        this.parts = new RouteAndReceiver(route, this);
    }

    /** The templates file's name, beside the configuration (Alertmanager resolves it from the file's folder). */
    String templatesFileName() {
        return route.receiver() + ".tmpl";
    }

    String templatesFile() {
        return templates.file();
    }

    /**
     * The configuration with this model's route and receiver in it: {@code existing} (a parsed alertmanager.yml,
     * empty for a new file) is left as it is but for them. Refuses a route for the model that was not written here.
     */
    Map<String, Object> merge(Map<String, Object> existing, String file) {
        Map<String, Object> config = new LinkedHashMap<>(existing);
        Map<String, Object> root = new LinkedHashMap<>(map(config.get("route"), file, "route"));
        List<Object> receivers = new ArrayList<>(list(config.get("receivers"), file, "receivers"));
        if (root.isEmpty()) {
            root.put("receiver", DEFAULT_RECEIVER);
            if (receivers.stream().noneMatch(r -> DEFAULT_RECEIVER.equals(receiverName(r)))) {
                receivers.add(Map.of("name", DEFAULT_RECEIVER));
            }
        }
        List<Object> routes = new ArrayList<>(list(root.get("routes"), file, "route.routes"));
        routes.removeIf(r -> route.receiver().equals(map(r, file, "route.routes[]").get("receiver")));
        for (int i = 0; i < routes.size(); i++) {
            Map<String, Object> other = map(routes.get(i), file, "route.routes[" + i + "]");
            Optional<String> selector = modelSelector(other);
            if (selector.isPresent()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " " + route.name() + ": " + file
                        + " already routes this model's alerts: route.routes[" + (existingIndex(existing, other))
                        + "] (receiver " + other.get("receiver") + ", " + selector.get() + ") was not written by "
                        + "modelops alerts, and two routes for one model shadow each other (the first takes the "
                        + "alerts, or with continue both notify). Remove that route from " + file
                        + ", or add these receivers to it by hand");
            }
        }
        routes.add(0, parts.route());
        root.put("routes", routes);
        config.put("route", root);
        receivers.removeIf(r -> route.receiver().equals(receiverName(r)));
        receivers.add(parts.receiver());
        config.put("receivers", receivers);
        List<Object> files = new ArrayList<>(list(config.get("templates"), file, "templates"));
        if (!files.contains(templatesFileName())) {
            files.add(templatesFileName());
        }
        config.put("templates", files);
        return config;
    }

    @Override
    public String field(String name) {
        return name;
    }

    @Override
    public Object secret(String key, Supplier<String> value) {
        return value.get();
    }

    @Override
    public String template(String part) {
        return templates.reference(part);
    }

    @Override
    public Object subjectHeader(String subject) {
        return Map.of("Subject", subject);
    }

    @Override
    public Object matcher(String name, String type, String value) {
        return name + type + "\"" + value + "\"";
    }

    /** How a route selects this model ({@code match}, {@code match_re} or {@code matchers}), if it does. */
    private Optional<String> modelSelector(Map<String, Object> other) {
        if (other.get("match") instanceof Map<?, ?> match && route.name().equals(String.valueOf(match.get("model")))) {
            return Optional.of("match model: " + route.name());
        }
        if (other.get("match_re") instanceof Map<?, ?> re && re.get("model") != null
                && matches(String.valueOf(re.get("model")))) {
            return Optional.of("match_re model: " + re.get("model"));
        }
        if (other.get("matchers") instanceof List<?> matchers) {
            for (Object m : matchers) {
                Matcher parsed = MATCHER.matcher(String.valueOf(m));
                if (parsed.matches() && parsed.group(1).equals("model")) {
                    String value = unquote(parsed.group(3));
                    if (parsed.group(2).equals("=") ? value.equals(route.name())
                            : parsed.group(2).equals("=~") && matches(value)) {
                        return Optional.of("matcher " + m);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Alertmanager anchors label regexes; one Java cannot read might match, so it counts as matching. */
    private boolean matches(String regex) {
        try {
            return Pattern.compile("^(?:" + regex + ")$").matcher(route.name()).matches();
        } catch (PatternSyntaxException e) {
            return true;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\") : value;
    }

    private static int existingIndex(Map<String, Object> existing, Object route) {
        if (existing.get("route") instanceof Map<?, ?> root && root.get("routes") instanceof List<?> routes) {
            return routes.indexOf(route);
        }
        return -1;
    }

    private static Object receiverName(Object receiver) {
        return receiver instanceof Map<?, ?> m ? m.get("name") : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String file, String where) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw new InvalidInputException(Parameter.OUTPUT, file + ": " + where + " is not a mapping, as an "
                + "alertmanager.yml has it; give an Alertmanager configuration, or a file that does not exist yet");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String file, String where) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?>) {
            return (List<Object>) value;
        }
        throw new InvalidInputException(Parameter.OUTPUT, file + ": " + where + " is not a list, as an "
                + "alertmanager.yml has it; give an Alertmanager configuration, or a file that does not exist yet");
    }
}
