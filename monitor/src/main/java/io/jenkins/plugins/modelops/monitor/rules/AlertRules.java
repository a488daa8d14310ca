package io.jenkins.plugins.modelops.monitor.rules;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deployment's rule group on the server's metric contract: recording rules for every signal the gate reads
 * ({@code level:metric:operations}), then alerts for each fixed-threshold gate condition (accuracy or error, latency,
 * error ratio, request rate), and three that hold for every model: no traffic, the target down, kernel mismatches,
 * and the lifecycle alerts ({@link LifecycleAlerts}: training failed or too long, degraded, rolled back).
 * Every alert waits {@code for} before firing and says, in words, which model, its status, since when and why.
 */
public final class AlertRules {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s/]+(/\\S*)?");
    /** Without a gate condition on it, the error ratio still alerts: 5% of requests failing is never fine. */
    static final Condition DEFAULT_ERROR_RATE = Condition.parse("errorRate<=5%");

    /**
     * @param job the Prometheus job that scrapes the model's servers (for {@code up == 0}); default the name
     * @param runbookUrl where each alert's {@code runbook_url} points; an anchor per alert is appended
     * @param minSamples labelled predictions in the window before an accuracy or error alert may fire
     */
    public record Request(String name, String namespace, List<Condition> conditions, Duration forDuration,
                          Duration window, String job, String runbookUrl, int minSamples, Duration trainingLimit) {

        public static final String DEFAULT_RUNBOOK = "https://github.com/jenkinsci/modelops-plugin/blob/main/docs/runbook.md";
        /** How long a training run may report {@code training} before ModelTrainingTooLong fires. */
        public static final Duration DEFAULT_TRAINING_LIMIT = Duration.ofHours(2);

        /** A request with the default training limit. */
        public Request(String name, String namespace, List<Condition> conditions, Duration forDuration,
                       Duration window, String job, String runbookUrl, int minSamples) {
            this(name, namespace, conditions, forDuration, window, job, runbookUrl, minSamples,
                    DEFAULT_TRAINING_LIMIT);
        }

        public Request {
            trainingLimit = trainingLimit == null ? DEFAULT_TRAINING_LIMIT : trainingLimit;
            if (trainingLimit.toMillis() < 1000 || trainingLimit.toMillis() % 1000 != 0) {
                throw new InvalidInputException("the training limit must be a whole number of seconds, at least 1s: "
                        + trainingLimit);
            }
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a "
                        + "DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or "
                        + "digit, at most 63 characters (e.g. iris-classifier)");
            }
            conditions = List.copyOf(conditions);
            if (forDuration.isNegative() || forDuration.toMillis() % 1000 != 0) {
                throw new InvalidInputException(Parameter.FOR, Parameter.FOR.ref() + " " + forDuration.toSeconds()
                        + "s must be a whole, non-negative number of seconds");
            }
            if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
                throw new InvalidInputException(Parameter.WINDOW, Parameter.WINDOW.ref()
                        + " must be a whole number of seconds, at least 1s (rates need two scrapes in it: use at "
                        + "least 4 scrape intervals)");
            }
            job = job == null || job.isBlank() ? name : job;
            runbookUrl = runbookUrl == null || runbookUrl.isBlank() ? DEFAULT_RUNBOOK : runbookUrl;
            if (!HTTP_URL.matcher(runbookUrl).matches()) {
                throw new InvalidInputException(Parameter.RUNBOOK_URL, Parameter.RUNBOOK_URL.ref() + " '" + runbookUrl
                        + "' is not an http(s) URL: the alerts link to it (e.g. https://wiki.example.com/runbooks/iris)");
            }
            if (minSamples < 1) {
                throw new InvalidInputException(Parameter.MIN_SAMPLES, Parameter.MIN_SAMPLES.ref() + " " + minSamples
                        + " must be at least 1 (an accuracy alert on no labelled prediction would fire on noise)");
            }
        }
    }

    private AlertRules() {
    }

    public static RuleGroup generate(Request request) {
        String matchers = ServingContract.MODEL + "=\"" + request.name() + "\"";
        String window = Signal.promDuration(request.window());
        Task task = task(request.conditions());
        List<Rule> rules = new ArrayList<>();
        for (Signal signal : recorded(task)) {
            rules.add(Rule.recording(signal.recordName(window, false), signal.query(matchers, window,
                    Signal.Source.ANY)));
            if (signal.fromFeedback()) {
                rules.add(Rule.recording(signal.recordName(window, true), signal.querySplitBySource(matchers, window)));
            }
        }
        List<Condition> alerting = new ArrayList<>(request.conditions().stream()
                .filter(c -> !c.usesBaseline() && c.signal() != Signal.ALERTS).toList());
        if (alerting.stream().noneMatch(c -> c.signal() == Signal.ERROR_RATE)) {
            alerting.add(DEFAULT_ERROR_RATE);
        }
        AlertText text = new AlertText(request, window);
        for (Condition condition : alerting) {
            rules.add(thresholdAlert(request, condition, matchers, window, text));
        }
        rules.addAll(text.standing(matchers));
        rules.addAll(new LifecycleAlerts(request, text, matchers).rules());
        return new RuleGroup(io.jenkins.plugins.modelops.deploy.kube.PrometheusRules.groupName(request.name()), rules);
    }

    private enum Task { CLASSIFICATION, REGRESSION, UNKNOWN }

    /** Accuracy means a classifier and mae or rmse a regressor; both at once cannot be one model. */
    private static Task task(List<Condition> conditions) {
        boolean classification = conditions.stream().anyMatch(c -> c.signal() == Signal.ACCURACY);
        boolean regression = conditions.stream().anyMatch(c -> c.signal() == Signal.MAE || c.signal() == Signal.RMSE);
        if (classification && regression) {
            throw new InvalidInputException(Parameter.GATE, Parameter.GATE.ref() + " mixes accuracy (a classifier's) "
                    + "with mae or rmse (a regressor's); one model has one of them");
        }
        return classification ? Task.CLASSIFICATION : regression ? Task.REGRESSION : Task.UNKNOWN;
    }

    private static Set<Signal> recorded(Task task) {
        Set<Signal> signals = EnumSet.of(Signal.LATENCY_P50, Signal.LATENCY_P95, Signal.LATENCY_P99,
                Signal.ERROR_RATE, Signal.REQUEST_RATE);
        if (task != Task.REGRESSION) {
            signals.add(Signal.ACCURACY);
        }
        if (task != Task.CLASSIFICATION) {
            signals.add(Signal.MAE);
            signals.add(Signal.RMSE);
        }
        return signals;
    }

    private static Rule thresholdAlert(Request request, Condition condition, String matchers, String window,
                                       AlertText text) {
        Signal signal = condition.signal();
        String expr = signal.recordName(window, false) + "{" + matchers + "} " + condition.comparison().violation()
                + " " + Numbers.format(condition.operand());
        if (signal.fromFeedback()) {
            // A few labelled predictions say little: the alert waits for enough of them in the window.
            expr = "(" + expr + ") and on (model, version) (" + signal.sampleQuery(matchers, window,
                    Signal.Source.ANY) + " >= " + request.minSamples() + ")";
        }
        Map<String, String> labels = text.labels(signal == Signal.ACCURACY || signal.fromFeedback()
                ? "critical" : "warning");
        return new Rule(null, text.alertName(signal), expr, Signal.promDuration(request.forDuration()), labels,
                text.thresholdAnnotations(condition));
    }

    static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
