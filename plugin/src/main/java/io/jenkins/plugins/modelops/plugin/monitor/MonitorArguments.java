package io.jenkins.plugins.modelops.plugin.monitor;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.DeploymentTarget;
import io.jenkins.plugins.modelops.deploy.kube.KubeConnection;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateStateFile;
import io.jenkins.plugins.modelops.monitor.probe.FeedbackToken;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.monitor.usecase.MonitorModel;
import io.jenkins.plugins.modelops.plugin.OnAgent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code monitorModel} step's fields as plain values that cross to the agent, and the monitor engine called with
 * them there. The gate's state is kept in {@code stateFile} after every round: a run that finds an unfinished state
 * there (the step resumed after a controller restart) goes on from it, registering nothing again.
 */
public record MonitorArguments(String deployment, String prometheusUrl, String prometheusToken, String rules,
                               LinkedHashMap<String, String> gate, String window, String interval, Long minSamples,
                               String probe, String probeToken, String onFail, String onInconclusive,
                               String namespace, String kubeconfig, boolean local, String stateFile)
        implements OnAgent.Work {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_WINDOW = "5m";
    public static final String DEFAULT_INTERVAL = "15s";

    /** The gate's conditions: {@code [accuracy: '>= 0.9']} is {@code accuracy >= 0.9}, as the CLI's --gate. */
    public List<Condition> conditions() {
        return gate.entrySet().stream().map(e -> Condition.parse(e.getKey() + " " + e.getValue())).toList();
    }

    public GatePolicy policy() {
        GatePolicy policy = GatePolicy.of(conditions(),
                Durations.parse(window == null ? DEFAULT_WINDOW : window, Parameter.WINDOW),
                Durations.parse(interval == null ? DEFAULT_INTERVAL : interval, Parameter.INTERVAL));
        return minSamples == null ? policy : policy.withMinSamples(minSamples);
    }

    /** Runs the gate on the agent's {@code workspace}; the engine's summary plus the build {@code result}. */
    @Override
    public Map<String, Object> run(Path workspace, Progress progress) throws IOException {
        GatePolicy policy = policy();
        Path state = workspace.resolve(stateFile);
        Optional<MonitorModel.Local> localDeployment = isLocal()
                ? Optional.of(new MonitorModel.Local(LocalDeploy.defaultStateDir(), deployment)) : Optional.empty();
        KubernetesClient client = null;
        try {
            Optional<DeploymentTarget> target = localDeployment.map(MonitorModel.Local::target);
            String ns = namespace;
            if (target.isEmpty() && (kubeconfig != null || namespace != null || "crd".equals(rules))) {
                Config config = kubeconfig != null ? Config.fromKubeconfig(kubeconfig)
                        : KubeConnection.config(Optional.empty());
                ns = KubeConnection.namespace(Optional.ofNullable(namespace), config);
                client = KubeConnection.connect(config);
                target = Optional.of(new DeploymentTarget.Kubernetes(client, ns));
            }
            MonitorModel.Rules where = rules(client, ns);
            Optional<RuleGroup> register = where instanceof MonitorModel.Rules.None ? Optional.empty()
                    : Optional.of(AlertRules.generate(new AlertRules.Request(deployment, ns, policy.conditions(),
                    Duration.ofMinutes(5), policy.window(), null, null, (int) policy.minSamples())));
            GateModel.Request gateRequest = new GateModel.Request(new Gate.Target(deployment, Optional.empty(),
                    Optional.empty()), policy, onFail == null ? GateModel.OnFail.ROLLBACK
                    : GateModel.OnFail.parse(onFail), inconclusivePolicy(), target, Duration.ofMinutes(5),
                    GateStateFile.unfinished(state));
            gateRequest.resumeFrom().ifPresent(s -> progress.info("Resuming the gate of " + deployment + " ("
                    + s.rounds().size() + " rounds done)"));
            MonitorModel.Outcome outcome = MonitorModel.run(new MonitorModel.Request(gateRequest,
                    signals(policy, localDeployment, progress), register, where, probe(workspace, localDeployment)),
                    progress, s -> GateStateFile.save(state, s));
            Map<String, Object> summary = new LinkedHashMap<>(outcome.summary());
            summary.put("result", result((String) summary.get("verdict"), inconclusivePolicy()));
            return summary;
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /** PASS is SUCCESS; INCONCLUSIVE as {@code onInconclusive} says; FAIL, ERROR and a stopped gate FAILURE. */
    public static String result(String verdict, GateModel.OnInconclusive onInconclusive) {
        if ("PASS".equals(verdict)) {
            return "SUCCESS";
        }
        if ("INCONCLUSIVE".equals(verdict)) {
            return switch (onInconclusive) {
                case PASS -> "SUCCESS";
                case UNSTABLE -> "UNSTABLE";
                case FAIL -> "FAILURE";
            };
        }
        return "FAILURE";
    }

    public GateModel.OnInconclusive inconclusivePolicy() {
        return onInconclusive == null ? GateModel.OnInconclusive.FAIL : GateModel.OnInconclusive.parse(onInconclusive);
    }

    /** Local when asked, or when nothing names a cluster or Prometheus and the agent has such a deployment. */
    private boolean isLocal() {
        return local || prometheusUrl == null && kubeconfig == null && namespace == null
                && LocalDeploy.status(LocalDeploy.defaultStateDir(), deployment).isPresent();
    }

    private MonitorModel.Rules rules(KubernetesClient client, String ns) {
        String how = rules == null ? "none" : rules.toLowerCase(Locale.ROOT);
        return switch (how) {
            case "none" -> new MonitorModel.Rules.None();
            case "crd" -> new MonitorModel.Rules.Operator(client, ns, Map.of());
            default -> throw new InvalidInputException("rules: '" + rules + "' is not crd or none (rules: 'file' "
                    + "needs a rules directory Prometheus reads: register them with modelops rules for now)");
        };
    }

    private MonitorModel.Signals signals(GatePolicy policy, Optional<MonitorModel.Local> localDeployment,
                                         Progress progress) {
        if (prometheusUrl != null) {
            PrometheusConfig config = PrometheusConfig.of(URI.create(prometheusUrl));
            return new MonitorModel.Signals.Prometheus(prometheusToken == null ? config
                    : config.withBearerToken(prometheusToken));
        }
        if (localDeployment.isEmpty()) {
            throw new InvalidInputException("monitorModel needs prometheusUrl: (here or in the global "
                    + "configuration), or a local deployment (local: true) whose servers it scrapes itself");
        }
        ScrapeSource.check(policy.conditions());
        progress.info("No prometheusUrl: the gate scrapes the servers of " + deployment + " itself");
        return new MonitorModel.Signals.Scrape(ScrapeConfig.of(localDeployment.get().endpoints(), policy.window()));
    }

    private Optional<ProbeTraffic.Request> probe(Path workspace, Optional<MonitorModel.Local> localDeployment) {
        if (probe == null) {
            return Optional.empty();
        }
        if (localDeployment.isEmpty()) {
            throw new InvalidInputException("probe: sends rows to a local deployment's server (local: true); on "
                    + "Kubernetes, run modelops probe next to the cluster");
        }
        ProbeTraffic.Request request = ProbeTraffic.Request.of(localDeployment.get().probeEndpoint(), deployment,
                workspace.resolve(probe));
        FeedbackToken token = probeToken != null ? FeedbackToken.of("probeTokenCredentialsId", probeToken)
                : FeedbackToken.fromFile(localDeployment.get().feedbackTokenFile());
        return Optional.of(request.withToken(token));
    }

    /** The same arguments with the secrets the controller looked up; never persisted with the flow. */
    MonitorArguments withSecrets(String prometheusSecret, String probeSecret, String kubeconfigText) {
        return new MonitorArguments(deployment, prometheusUrl, prometheusSecret, rules, gate, window, interval,
                minSamples, probe, probeSecret, onFail, onInconclusive, namespace, kubeconfigText, local, stateFile);
    }

    @Override
    public String toString() {
        return "MonitorArguments[deployment=" + deployment + ", prometheusUrl=" + prometheusUrl + ", gate=" + gate
                + ", window=" + window + ", interval=" + interval + ", secrets hidden]";
    }
}
