package io.jenkins.plugins.modelops.monitor.usecase;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.DeploymentTarget;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusReporter;
import io.jenkins.plugins.modelops.deploy.kube.PrometheusRules;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.monitor.alerts.AlertRoutes;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.PromQlSource;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.rules.FileRuleRegistration;
import io.jenkins.plugins.modelops.monitor.rules.RuleFiles;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The {@code monitorModel} step and {@code modelops gate}, whole: register the model's rule group, send probe
 * traffic for the gate's window, gate on the live signals, act on the verdict ({@link GateModel}), and after a
 * rollback put back the rules registered before the rolled-back version. A resumed gate registers nothing again
 * (its rules went in when it started).
 */
public final class MonitorModel {

    /** Where the gate reads the model's signals. */
    public sealed interface Signals {

        /** A Prometheus scraping the servers, one PromQL query per signal and measurement. */
        record Prometheus(PrometheusConfig config) implements Signals {
        }

        /** No Prometheus: the servers' own {@code /metrics}, scraped by the gate (the embedded default). */
        record Scrape(ScrapeConfig config) implements Signals {
        }
    }

    /** Where the model's rule group is registered: nowhere (someone else's job), a rules directory, the operator. */
    public sealed interface Rules {

        record None() implements Rules {
        }

        /** A Prometheus loading {@code rule_files} from {@code dir} (a file system both share). */
        record Files(Path dir, PrometheusConfig prometheus, Duration timeout) implements Rules {
        }

        /** prometheus-operator: a {@code PrometheusRule} with the labels its {@code ruleSelector} picks. */
        record Operator(KubernetesClient client, String namespace, Map<String, String> labels) implements Rules {
        }
    }

    /**
     * The model's alert routes (the seed's email, webhook, Slack): written before the gate, and for a file-based
     * Alertmanager reloaded at {@code alertmanager} when given; a configuration it refuses is put back as it was.
     */
    public record Alerting(AlertRoutes.Request routes, Optional<PrometheusConfig> alertmanager) {

        public Alerting {
            alertmanager = alertmanager == null ? Optional.empty() : alertmanager;
        }
    }

    /**
     * @param register the rule group to register before the gate starts; empty when the rules are in place already
     *                 (then a rollback still puts back the previous ones at {@code rules})
     * @param probe labelled rows to send while the gate runs; its duration is cut to the gate's window
     */
    public record Request(GateModel.Request gate, Signals signals, Optional<RuleGroup> register, Rules rules,
                          Optional<ProbeTraffic.Request> probe, Optional<Alerting> alerting, StatusReporter status) {

        public Request(GateModel.Request gate, Signals signals, Optional<RuleGroup> register, Rules rules,
                       Optional<ProbeTraffic.Request> probe) {
            this(gate, signals, register, rules, probe, Optional.empty(), StatusReporter.NONE);
        }

        public Request {
            status = status == null ? StatusReporter.NONE : status;
            alerting = alerting == null ? Optional.empty() : alerting;
            register = register == null ? Optional.empty() : register;
            probe = probe == null ? Optional.empty() : probe;
            rules = rules == null ? new Rules.None() : rules;
            if (register.isPresent() && rules instanceof Rules.None) {
                throw new InvalidInputException("rules to register need a place: a rules directory with a Prometheus "
                        + "URL, or crd (prometheus-operator)");
            }
        }
    }

    /**
     * @param probe what the probe sent, when it ran to its end before the verdict (else it was stopped)
     * @param rulesRestored whether the previous rules were put back after a rollback
     */
    public record Outcome(GateModel.Outcome gate, String source, boolean rulesRegistered,
                          Optional<ProbeTraffic.Outcome> probe, boolean rulesRestored) {

        /**
         * The gate in plain values, shared by {@code modelops gate --json} and the {@code monitorModel} step's
         * return value and build action: {@code verdict} (PASS, FAIL, INCONCLUSIVE, ERROR; absent when the gate
         * was stopped), {@code reason} (parameters spelled as the step does), {@code source}, {@code action}
         * ({@code verb}, {@code name}, {@code done}, {@code detail}) when one was taken, {@code rulesRegistered},
         * {@code rulesRestored} and {@code state}: every round and measurement, value against threshold.
         */
        @SuppressWarnings("unchecked")
        public Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            if (gate.verdict() != null) {
                summary.put("verdict", gate.verdict().name());
            }
            summary.put("reason", Parameter.plain(gate.reason()));
            summary.put("source", source);
            gate.action().ifPresent(a -> summary.put("action", Json.MAPPER.convertValue(a, Map.class)));
            summary.put("rulesRegistered", rulesRegistered);
            summary.put("rulesRestored", rulesRestored);
            summary.put("state", Json.MAPPER.convertValue(gate.state(), Map.class));
            return summary;
        }
    }

    private MonitorModel() {
    }

    /** Opens the signal source the request names, runs, and closes it. */
    public static Outcome run(Request request, Progress progress, Consumer<GateState> checkpoint) {
        SignalSource source = open(request.signals(), progress);
        try {
            return run(request, source, Gate.REAL_TIME, progress, checkpoint);
        } finally {
            if (source instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    progress.warn("could not stop reading " + source.describe() + ": " + e.getMessage());
                }
            }
        }
    }

    /** With a source and clock of the caller's (tests, and a gate resumed on a source already open). */
    public static Outcome run(Request request, SignalSource source, Gate.Sleeper time, Progress progress,
                              Consumer<GateState> checkpoint) {
        boolean resumed = request.gate().resumeFrom().isPresent();
        boolean registered = request.register().isPresent() && !resumed
                && register(request.register().get(), request.rules(), progress);
        if (!resumed) {
            request.alerting().ifPresent(alerting -> routeAlerts(alerting, progress));
        }
        AtomicReference<ProbeTraffic.Outcome> probed = new AtomicReference<>();
        Thread probe = request.probe().map(p -> startProbe(p.withDuration(request.gate().policy().window()
                .plus(request.gate().policy().interval())), probed, progress)).orElse(null);
        GateModel.Outcome gate;
        try {
            gate = GateModel.run(request.gate(), source, time, progress, checkpoint);
        } finally {
            if (probe != null) {
                probe.interrupt(); // the gate has its verdict: no more probe traffic
            }
        }
        boolean rolledBack = gate.action().filter(a -> a.done() && (a.verb().equals("rollback")
                || a.verb().equals("abort"))).isPresent();
        boolean restored = rolledBack && restoreRules(request.gate().target().model(), request.rules(), progress);
        if (rolledBack) {
            reportRolledBack(request, gate, progress);
        }
        return new Outcome(gate, source.describe(), registered, Optional.ofNullable(probed.get()), restored);
    }

    /** The source {@code signals} names, started (a scrape source scrapes from now on). */
    public static SignalSource open(Signals signals, Progress progress) {
        if (signals instanceof Signals.Prometheus prometheus) {
            return new PromQlSource(PrometheusClient.connect(prometheus.config()));
        }
        return ScrapeSource.start(((Signals.Scrape) signals).config(), progress);
    }

    private static boolean register(RuleGroup group, Rules rules, Progress progress) {
        if (rules instanceof Rules.Files files) {
            FileRuleRegistration.register(group, files.dir(), PrometheusClient.connect(files.prometheus()),
                    files.timeout(), progress);
            return true;
        }
        if (rules instanceof Rules.Operator operator) {
            return PrometheusRules.apply(operator.client(), operator.namespace(),
                    RuleFiles.prometheusRuleObject(group, operator.namespace(), operator.labels()), progress);
        }
        return false;
    }

    private static void routeAlerts(Alerting alerting, Progress progress) {
        Path config = alerting.routes().out();
        Optional<byte[]> before = readIfThere(config);
        AlertRoutes.run(alerting.routes(), progress);
        if (alerting.alertmanager().isEmpty() || alerting.routes().format() != AlertRoutes.Format.FILE) {
            return;
        }
        PrometheusClient alertmanager = PrometheusClient.connect(alerting.alertmanager().get());
        try {
            alertmanager.reload();
            progress.info("Alertmanager at " + alertmanager.url() + " reloaded with the routes of "
                    + alerting.routes().route().name());
        } catch (RuntimeException e) {
            putBack(config, before);
            try {
                alertmanager.reload();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw new IllegalStateException("Alertmanager at " + alertmanager.url() + " did not take the routes of "
                    + alerting.routes().route().name() + ": " + e.getMessage() + "; " + config + " is back as it was",
                    e);
        }
    }

    private static Optional<byte[]> readIfThere(Path file) {
        try {
            return java.nio.file.Files.exists(file) ? Optional.of(java.nio.file.Files.readAllBytes(file))
                    : Optional.empty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void putBack(Path file, Optional<byte[]> content) {
        try {
            if (content.isPresent()) {
                java.nio.file.Files.write(file, content.get());
            } else {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot put back " + file, e);
        }
    }

    /** The version the gate judged is {@code rolled_back} (the lifecycle alert says so, with the gate's reason). */
    private static void reportRolledBack(Request request, GateModel.Outcome gate, Progress progress) {
        Gate.Target target = request.gate().target();
        if (target.version().isEmpty()) {
            if (request.status() != StatusReporter.NONE) {
                progress.info("The rollback is not reported as rolled_back: the gate was not told the version under "
                        + "test");
            }
            return;
        }
        request.status().report(target.model(), target.version().get(), ModelStatus.ROLLED_BACK,
                "the gate's verdict " + gate.verdict() + ": " + gate.reason(), progress);
    }

    /** A failure to put the rules back is said, not thrown: the rollback itself is done and must stand. */
    private static boolean restoreRules(String model, Rules rules, Progress progress) {
        String group = PrometheusRules.groupName(model);
        try {
            if (rules instanceof Rules.Files files) {
                FileRuleRegistration.restorePrevious(group, files.dir(), PrometheusClient.connect(files.prometheus()),
                        progress);
                return true;
            }
            if (rules instanceof Rules.Operator operator) {
                PrometheusRules.restorePrevious(operator.client(), operator.namespace(), group, progress);
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            progress.warn("the rollback is done, but the rules of " + model + " could not be put back: "
                    + e.getMessage());
            return false;
        }
    }

    /** Probe traffic on its own thread for the window; what it sees shows in the gate's measurements. */
    private static Thread startProbe(ProbeTraffic.Request request, AtomicReference<ProbeTraffic.Outcome> outcome,
                                     Progress progress) {
        Thread thread = new Thread(() -> {
            try {
                outcome.set(ProbeTraffic.run(request, progress));
            } catch (InterruptedException e) {
                // the gate ended first
            } catch (RuntimeException e) {
                progress.warn("the probe stopped: " + e.getMessage());
            }
        }, "modelops-probe");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** What a deployment on this machine offers a gate: its servers, and its feedback token for the probe. */
    public record Local(Path stateDir, String name) {

        /** Every server of the deployment (stable, and canary when there is one). */
        public List<URI> endpoints() {
            var status = status();
            List<URI> urls = new ArrayList<>();
            urls.add(URI.create("http://127.0.0.1:" + status.port()));
            if (status.canary() != null) {
                urls.add(URI.create("http://127.0.0.1:" + status.canary().port()));
            }
            return urls;
        }

        /** The server probe traffic goes to: the canary when there is one (it is what is judged), else stable. */
        public URI probeEndpoint() {
            var status = status();
            return URI.create("http://127.0.0.1:" + (status.canary() != null ? status.canary().port()
                    : status.port()));
        }

        public Path feedbackTokenFile() {
            return LocalDeploy.feedbackTokenFile(stateDir, name);
        }

        public DeploymentTarget target() {
            return new DeploymentTarget.Local(stateDir);
        }

        private LocalDeploy.Status status() {
            return LocalDeploy.status(stateDir, name).orElseThrow(() ->
                    new InvalidInputException("there is no local deployment '" + name + "' in " + stateDir));
        }
    }
}
