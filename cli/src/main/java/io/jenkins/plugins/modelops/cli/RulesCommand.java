package io.jenkins.plugins.modelops.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.PrometheusRules;
import io.jenkins.plugins.modelops.monitor.dashboard.GrafanaDashboard;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.FileRuleRegistration;
import io.jenkins.plugins.modelops.monitor.rules.RuleFiles;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code modelops rules}: a deployment's recording and alert rules, written out or registered with Prometheus. */
@Command(name = "rules", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a model's Prometheus rule group (recording rules for the gate's signals, alerts",
                "for each --gate condition, no traffic, target down and kernel mismatches) as a rule file",
                "or a PrometheusRule, and optionally register it: with a Prometheus that loads rule files",
                "(--register URL --rules-dir DIR: written, reloaded, confirmed healthy, or put back) or with",
                "prometheus-operator (--register crd).",
                "Exit codes: 0 written (and registered), 2 bad input, 3 registration failed."})
final class RulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the model's deployment name")
    String name;

    @Option(names = "--gate", paramLabel = "EXPR",
            description = "gate condition, repeatable: accuracy>=0.9, latencyP99<=50ms, errorRate<=1%")
    List<String> gate = new ArrayList<>();

    @Option(names = "--namespace", paramLabel = "NS", description = "the namespace label of the alerts (and the PrometheusRule's)")
    String namespace;

    @Option(names = "--for", paramLabel = "DURATION", defaultValue = "5m",
            description = "how long a condition must hold before its alert fires (default 5m)")
    String forDuration;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "5m",
            description = "the rate window of the recording rules (default 5m)")
    String window;

    @Option(names = "--training-limit", paramLabel = "DURATION", defaultValue = "2h",
            description = "how long a training run may report 'training' before ModelTrainingTooLong fires (default 2h)")
    String trainingLimit;

    @Option(names = "--job", paramLabel = "JOB", description = "the Prometheus job scraping the servers (default: --name)")
    String job;

    @Option(names = "--runbook-url", paramLabel = "URL", description = "where the alerts' runbook_url points")
    String runbookUrl;

    @Option(names = "--min-samples", paramLabel = "N", defaultValue = "20",
            description = "labelled predictions in the window before an accuracy or error alert may fire (default 20)")
    int minSamples;

    @Option(names = "--format", paramLabel = "file|crd", defaultValue = "file",
            description = "a Prometheus rule file (default) or a PrometheusRule object")
    String format;

    @Option(names = "--label", paramLabel = "K=V", description = "a label of the PrometheusRule, repeatable (for the operator's ruleSelector)")
    List<String> labels = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "write here instead of stdout")
    Path out;

    @Option(names = "--dashboard", paramLabel = "FILE",
            description = "also write a Grafana dashboard for the model on the same queries (JSON, to import)")
    Path dashboard;

    @Option(names = "--register", paramLabel = "URL|crd",
            description = "register the rules: a Prometheus URL (with --rules-dir), or crd (with the kubeconfig)")
    String register;

    @Option(names = "--rules-dir", paramLabel = "DIR", description = "the directory Prometheus' rule_files reads")
    Path rulesDir;

    @Option(names = "--remove", description = "with --register: remove the model's rules instead (after undeploy)")
    boolean remove;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig for --register crd")
    Path kubeconfig;

    @Mixin
    PrometheusOptions prometheus;

    @Override
    public Integer call() {
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        RuleGroup group = AlertRules.generate(new AlertRules.Request(name, namespace,
                gate.stream().map(Condition::parse).toList(), Durations.parse(forDuration, Parameter.FOR),
                Durations.parse(window, Parameter.WINDOW), job, runbookUrl, minSamples,
                Durations.parse(trainingLimit, Parameter.TRAINING_LIMIT)));
        boolean crd = switch (format) {
            case "file" -> false;
            case "crd" -> true;
            default -> throw new InvalidInputException("--format '" + format + "' is not file or crd");
        };
        Map<String, String> objectLabels = labels(labels);
        String text = crd ? RuleFiles.prometheusRule(group, namespace, objectLabels) : RuleFiles.ruleFile(group);
        if (out != null) {
            write(out, text);
            progress.info("Wrote rule group " + group.name() + " (" + group.recordings().size() + " recording rules, "
                    + group.alerts().size() + " alerts) to " + out);
        } else if (register == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        }
        if (dashboard != null) {
            write(dashboard, GrafanaDashboard.json(name, gate.stream().map(Condition::parse).toList()));
            progress.info("Wrote the Grafana dashboard of " + name + " to " + dashboard);
        }
        if (register == null) {
            return ModelOps.OK;
        }
        if (remove) {
            if (register.equals("crd")) {
                Config config = io.jenkins.plugins.modelops.deploy.kube.KubeConnection.config(
                        Optional.ofNullable(kubeconfig));
                try (KubernetesClient client = io.jenkins.plugins.modelops.deploy.kube.KubeConnection.connect(config)) {
                    PrometheusRules.remove(client, io.jenkins.plugins.modelops.deploy.kube.KubeConnection.namespace(
                            Optional.ofNullable(namespace), config), group.name(), progress);
                }
            } else if (rulesDir == null) {
                throw new InvalidInputException("--remove --register " + register + " needs --rules-dir DIR");
            } else {
                FileRuleRegistration.remove(group.name(), rulesDir, PrometheusClient.connect(
                        prometheus.config(register)), progress);
            }
            return ModelOps.OK;
        }
        if (register.equals("crd")) {
            Config config = io.jenkins.plugins.modelops.deploy.kube.KubeConnection.config(Optional.ofNullable(kubeconfig));
            String ns = io.jenkins.plugins.modelops.deploy.kube.KubeConnection.namespace(Optional.ofNullable(namespace),
                    config);
            try (KubernetesClient client = io.jenkins.plugins.modelops.deploy.kube.KubeConnection.connect(config)) {
                PrometheusRules.apply(client, ns, RuleFiles.prometheusRuleObject(group, ns, objectLabels), progress);
            }
            return ModelOps.OK;
        }
        if (rulesDir == null) {
            throw new InvalidInputException("--register " + register + " needs --rules-dir DIR: the directory that "
                    + "Prometheus' rule_files reads (it must be on a file system both share)");
        }
        try {
            FileRuleRegistration.register(group, rulesDir, PrometheusClient.connect(prometheus.config(register)),
                    Duration.ofMinutes(1), progress);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return ModelOps.FAILED;
        }
        return ModelOps.OK;
    }

    static Map<String, String> labels(List<String> pairs) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--label '" + pair + "' is not KEY=VALUE");
            }
            labels.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return labels;
    }

    private static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".rules-", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
