package io.jenkins.plugins.modelops;

import java.util.Locale;

/**
 * The engine's input parameters, by the names the {@code trainModel} step uses. Engine messages refer to a
 * parameter with {@link #ref()}; each caller renders the reference in its own spelling (the CLI as {@code --out},
 * the step as {@code output:}), see {@link InvalidInputException#render}.
 */
public enum Parameter {
    // trainModel
    DATA, LABEL, FEATURES, EXCLUDE, CATEGORICAL, TASK, ALGORITHM, PARAMS, TEST_FRACTION, FOLDS, SEED, MISSING, OUTPUT,
    BASELINE, REQUIRE, DELIMITER, DECIMAL,
    // deployModel (the model bundle is model:, the CLI's --bundle)
    MODEL, IMAGE, BASE_IMAGE, TAR, DOCKER, INSECURE, NAME, NAMESPACE, KUBECONFIG, REPLICAS, STRATEGY, CANARY_REPLICAS,
    TIMEOUT, HPA, TLS_SECRET, BUNDLE_PVC, ENV, PORT, STATE_DIR,
    // monitorModel (the Prometheus URL is prometheusUrl:, the CLI's --prometheus)
    GATE, FOR, WINDOW, RUNBOOK_URL, JOB, INTERVAL, INITIAL_DELAY, MIN_SAMPLES, CONSECUTIVE_SUCCESSES, FAILURE_LIMIT,
    INCONCLUSIVE_LIMIT, ERROR_LIMIT, NO_DATA, SOURCE, ON_FAIL, ON_INCONCLUSIVE, PROMETHEUS_URL,
    // monitorModel's probe traffic
    ENDPOINT, RATE, DURATION, TOKEN_FILE, SERVER_CA,
    // monitorModel's alert routes (Alertmanager's side)
    EMAIL, WEBHOOK, SLACK, SMTP_SMARTHOST, SMTP_FROM, SMTP_AUTH_USERNAME, SMTP_AUTH_PASSWORD_FILE, SMTP_REQUIRE_TLS,
    SEVERITY, HEALTH_URL, GROUP_WAIT, GROUP_INTERVAL, REPEAT_INTERVAL, FORMAT,
    // the lifecycle status that trainModel and deployModel push
    PUSHGATEWAY, TRAINING_LIMIT;

    /** Marks a reference in a message; a control character that no file name or value in a message holds. */
    static final char MARK = '\u001F';

    /** The step's name of the parameter: {@code testFraction}, {@code output}. */
    public String id() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder id = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            id.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return id.toString();
    }

    /** A reference to this parameter inside a message, rendered by the caller. */
    public String ref() {
        return MARK + id() + MARK;
    }

    /** A text with every reference spelled by {@code spelling}. */
    public static String render(String text, java.util.function.Function<Parameter, String> spelling) {
        if (text == null || text.indexOf(MARK) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (true) {
            int open = text.indexOf(MARK, at);
            int close = open < 0 ? -1 : text.indexOf(MARK, open + 1);
            if (close < 0) {
                return out.append(text, at, text.length()).toString();
            }
            Parameter parameter = byId(text.substring(open + 1, close));
            if (parameter == null) { // not a reference (a control character in a quoted value): keep the text
                out.append(text, at, open + 1);
                at = open + 1;
                continue;
            }
            out.append(text, at, open).append(spelling.apply(parameter));
            at = close + 1;
        }
    }

    /** A text as the {@code trainModel} step (and files that outlive a run, like the model card) spell it. */
    public static String plain(String text) {
        return render(text, p -> p.id() + ":");
    }

    private static Parameter byId(String id) {
        for (Parameter p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }
}
