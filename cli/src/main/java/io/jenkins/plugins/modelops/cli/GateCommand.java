package io.jenkins.plugins.modelops.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.DeploymentTarget;
import io.jenkins.plugins.modelops.deploy.kube.KubeConnection;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.GateStateFile;
import io.jenkins.plugins.modelops.monitor.probe.FeedbackToken;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import io.jenkins.plugins.modelops.monitor.signal.Signal;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.monitor.usecase.MonitorModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code modelops gate}: judge a deployed model on live metrics, then promote, roll back or leave it. */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure each --gate condition every --interval for --window on the model's live metrics",
                "and decide: PASS promotes a canary, FAIL rolls back (aborts a canary), INCONCLUSIVE follows",
                "--on-inconclusive. No data, NaN, too few samples are never a pass.",
                "Exit codes: 0 PASS, 1 FAIL, 2 bad input, 3 INCONCLUSIVE, 4 ERROR (could not measure)."})
final class GateCommand implements Callable<Integer> {

    static final int INCONCLUSIVE = 3;
    static final int ERROR = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the model's deployment name")
    String name;

    @Option(names = "--gate", required = true, paramLabel = "EXPR",
            description = "condition, repeatable: accuracy>=0.9, latencyP99<=50ms, errorRate<=1%, alerts==0, "
                    + "accuracy>=baseline-0.02")
    List<String> gate = new ArrayList<>();

    @Option(names = "--prometheus", paramLabel = "URL", description = "read the signals from this Prometheus")
    String prometheusUrl;

    @Mixin
    PrometheusOptions prometheus;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "without --prometheus: scrape this server's /metrics directly, repeatable (every replica);"
                    + " with --local the deployment's own servers are the default (docs/embedded-gate.md)")
    List<URI> endpoints = new ArrayList<>();

    @Option(names = "--version", paramLabel = "V", description = "the version under test (the server's version label)")
    String version;

    @Option(names = "--baseline-version", paramLabel = "V",
            description = "the version baseline conditions compare with (the stable one beside a canary)")
    String baselineVersion;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "5m", description = "how long to observe (default 5m)")
    String window;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "15s",
            description = "time between measurements (default 15s)")
    String interval;

    @Option(names = "--initial-delay", paramLabel = "DURATION", defaultValue = "0s",
            description = "warm-up before the first observation counts (default 0s)")
    String initialDelay;

    @Option(names = "--min-samples", paramLabel = "N", defaultValue = "100",
            description = "labelled predictions (accuracy, mae, rmse) or requests a measurement needs (default 100)")
    long minSamples;

    @Option(names = "--consecutive-successes", paramLabel = "N", defaultValue = "1",
            description = "rounds in a row at the end in which every condition passed (default 1)")
    int consecutiveSuccesses;

    @Option(names = "--failure-limit", paramLabel = "N", defaultValue = "0",
            description = "failed measurements of a condition tolerated (default 0: the first fails the gate)")
    int failureLimit;

    @Option(names = "--inconclusive-limit", paramLabel = "N", defaultValue = "-1",
            description = "inconclusive measurements tolerated before ending INCONCLUSIVE (default -1: wait for the end)")
    int inconclusiveLimit;

    @Option(names = "--error-limit", paramLabel = "N", defaultValue = "4",
            description = "rounds in a row that cannot be measured before ERROR (default 4)")
    int errorLimit;

    @Option(names = "--no-data", paramLabel = "[SIGNAL=]inconclusive|fail",
            description = "what a measurement without data or NaN counts as, for every signal or one (accuracy=fail);"
                    + " repeatable; default inconclusive, never pass")
    List<String> noData = new ArrayList<>();

    @Option(names = "--source", paramLabel = "any|label|probe", defaultValue = "any",
            description = "which feedback counts for accuracy and errors: ground truth by id (label), the probe, or any")
    String source;

    @Option(names = "--probe", paramLabel = "FILE",
            description = "send these labelled rows (CSV) through the evaluate form while the gate runs (source=probe)")
    Path probeData;

    @Option(names = "--probe-rate", paramLabel = "R", defaultValue = "10", description = "probe rows a second (default 10)")
    double probeRate;

    @Option(names = "--probe-endpoint", paramLabel = "URL",
            description = "the server the probe talks to (default: the first --endpoint, or the local deployment's "
                    + "canary, else its stable server)")
    URI probeEndpoint;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "the feedback token for the probe (default: MODELOPS_FEEDBACK_TOKEN, or the local "
                    + "deployment's)")
    Path tokenFile;

    @Option(names = "--server-ca", paramLabel = "PEM",
            description = "CA certificate(s) the model servers' HTTPS is signed with (scrape and probe)")
    Path serverCa;

    @Option(names = "--on-fail", paramLabel = "rollback|none", defaultValue = "rollback",
            description = "on FAIL: roll back (abort a canary), or only report (default rollback)")
    String onFail;

    @Option(names = "--on-inconclusive", paramLabel = "fail|unstable|pass", defaultValue = "fail",
            description = "what INCONCLUSIVE leads to (default fail)")
    String onInconclusive;

    @Mixin
    LocalTarget.Options local;

    @Mixin
    PushgatewayOptions pushgateway;

    @Option(names = "--namespace", paramLabel = "NS", description = "the deployment's Kubernetes namespace (to act on it)")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig (to act on a Kubernetes deployment)")
    Path kubeconfig;

    @Option(names = "--rules-dir", paramLabel = "DIR",
            description = "with --prometheus: where modelops rules registered the model's rules; a rollback puts "
                    + "back the ones registered before")
    Path rulesDir;

    @Option(names = "--state-file", paramLabel = "FILE",
            description = "keep the gate's state here after every round; an unfinished state there is resumed")
    Path stateFile;

    @Option(names = "--json", description = "print the verdict and every measurement as JSON on stdout")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        Decision everyNoData = Decision.INCONCLUSIVE;
        java.util.Map<Signal, Decision> noDataBySignal = new java.util.EnumMap<>(Signal.class);
        for (String entry : noData) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                everyNoData = parseNoData(entry);
            } else {
                String id = entry.substring(0, eq).strip();
                Signal signal = Signal.byId(id).orElseThrow(() -> new InvalidInputException("--no-data '" + entry
                        + "' names no signal '" + id + "'; the signals are " + Signal.ids()));
                noDataBySignal.put(signal, parseNoData(entry.substring(eq + 1).strip()));
            }
        }
        GatePolicy policy = new GatePolicy(gate.stream().map(Condition::parse).toList(),
                Durations.parse(window, Parameter.WINDOW), Durations.parse(interval, Parameter.WINDOW),
                Durations.parse(initialDelay, Parameter.WINDOW), minSamples, consecutiveSuccesses, failureLimit,
                inconclusiveLimit, errorLimit, everyNoData, parseSource(source), noDataBySignal);
        Gate.Target target = new Gate.Target(name, Optional.ofNullable(version), Optional.ofNullable(baselineVersion));
        Optional<MonitorModel.Local> localDeployment = local.local
                ? Optional.of(new MonitorModel.Local(local.stateDir(), name)) : Optional.empty();
        MonitorModel.Signals signals = signals(policy, localDeployment, progress);
        Optional<ProbeTraffic.Request> probe = probeData == null ? Optional.empty()
                : Optional.of(probe(localDeployment));
        MonitorModel.Rules rules = rulesDir != null && prometheusUrl != null
                ? new MonitorModel.Rules.Files(rulesDir, prometheus.config(prometheusUrl), Duration.ofMinutes(1))
                : new MonitorModel.Rules.None();
        Optional<GateState> resume = resume();
        KubernetesClient client = null;
        try {
            Optional<DeploymentTarget> deployment = localDeployment.map(MonitorModel.Local::target);
            if (deployment.isEmpty() && (namespace != null || kubeconfig != null)) {
                Config config = KubeConnection.config(Optional.ofNullable(kubeconfig));
                client = KubeConnection.connect(config);
                deployment = Optional.of(new DeploymentTarget.Kubernetes(client,
                        KubeConnection.namespace(Optional.ofNullable(namespace), config)));
            } else if (deployment.isEmpty()) {
                progress.info("No deployment given (--local, or --namespace/--kubeconfig): the gate judges only");
            }
            MonitorModel.Outcome monitored = MonitorModel.run(new MonitorModel.Request(new GateModel.Request(target,
                    policy, GateModel.OnFail.parse(onFail), GateModel.OnInconclusive.parse(onInconclusive), deployment,
                    Duration.ofMinutes(5), resume), signals, Optional.empty(), rules, probe, Optional.empty(),
                    pushgateway.reporter()), progress, this::checkpoint);
            GateModel.Outcome outcome = monitored.gate();
            if (json) {
                Map<String, Object> summary = monitored.summary();
                summary.put("reason", Flags.render(outcome.reason()));
                spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(summary));
            } else {
                spec.commandLine().getOut().println(outcome.verdict() + " " + name + ": " + Flags.render(outcome.reason()));
            }
            return exitCode(outcome.verdict());
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    static int exitCode(Decision verdict) {
        if (verdict == null) {
            return ModelOps.FAILED;
        }
        return switch (verdict) {
            case PASS -> ModelOps.OK;
            case FAIL -> ModelOps.REJECTED;
            case INCONCLUSIVE -> INCONCLUSIVE;
            case ERROR -> ERROR;
        };
    }

    /** Prometheus when given; else the embedded default: the servers' own /metrics, scraped every second. */
    private MonitorModel.Signals signals(GatePolicy policy, Optional<MonitorModel.Local> localDeployment,
                                         Progress progress) {
        if (prometheusUrl != null) {
            if (!endpoints.isEmpty()) {
                throw new InvalidInputException("give --prometheus or --endpoint, not both: the gate reads one source");
            }
            return new MonitorModel.Signals.Prometheus(prometheus.config(prometheusUrl));
        }
        List<URI> scraped = new ArrayList<>(endpoints);
        if (scraped.isEmpty() && localDeployment.isPresent()) {
            scraped.addAll(localDeployment.get().endpoints());
        }
        if (scraped.isEmpty()) {
            throw new InvalidInputException("give --prometheus URL, or --endpoint URL for each server (or --local): "
                    + "the gate needs somewhere to read the model's signals");
        }
        ScrapeSource.check(policy.conditions());
        progress.info("No --prometheus: the gate scrapes " + scraped + " itself (the embedded default)");
        return new MonitorModel.Signals.Scrape(ScrapeConfig.of(scraped, policy.window()).withCaCertificate(serverCa));
    }

    /** The probe: --probe-endpoint, else the first --endpoint, else the local deployment's canary or stable. */
    private ProbeTraffic.Request probe(Optional<MonitorModel.Local> localDeployment) {
        URI endpoint = probeEndpoint;
        if (endpoint == null && !endpoints.isEmpty()) {
            endpoint = endpoints.get(0);
        }
        if (endpoint == null && localDeployment.isPresent()) {
            endpoint = localDeployment.get().probeEndpoint();
        }
        if (endpoint == null) {
            throw new InvalidInputException("--probe needs a server to talk to: --probe-endpoint URL (or --endpoint,"
                    + " or --local)");
        }
        Optional<FeedbackToken> token = Optional.ofNullable(tokenFile)
                .or(() -> localDeployment.map(MonitorModel.Local::feedbackTokenFile)).map(FeedbackToken::fromFile)
                .or(() -> Optional.ofNullable(System.getenv(FeedbackToken.ENVIRONMENT))
                        .map(value -> FeedbackToken.of(FeedbackToken.ENVIRONMENT, value)));
        ProbeTraffic.Request request = ProbeTraffic.Request.of(endpoint, name, probeData).withRate(probeRate)
                .withCaCertificate(serverCa);
        return token.map(request::withToken).orElse(request);
    }

    private Optional<GateState> resume() throws IOException {
        Optional<GateState> saved = GateStateFile.unfinished(stateFile);
        saved.ifPresent(state -> spec.commandLine().getErr().println("Resuming the gate from " + stateFile + " ("
                + state.rounds().size() + " rounds done)"));
        return saved;
    }

    private void checkpoint(GateState state) {
        if (stateFile != null) {
            GateStateFile.save(stateFile, state);
        }
    }

    private static Decision parseNoData(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "inconclusive" -> Decision.INCONCLUSIVE;
            case "fail" -> Decision.FAIL;
            default -> throw new InvalidInputException("--no-data '" + text + "' is not inconclusive or fail (a gate "
                    + "never passes on no data)");
        };
    }

    private static Signal.Source parseSource(String text) {
        for (Signal.Source s : Signal.Source.values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new InvalidInputException("--source '" + text + "' is not any, label or probe");
    }
}
