package io.jenkins.plugins.modelops.plugin.monitor;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.plugin.OnAgent;
import io.jenkins.plugins.modelops.plugin.StepCredentials;
import io.jenkins.plugins.modelops.plugin.StepLog;
import io.jenkins.plugins.modelops.plugin.action.ModelOpsAction;
import io.jenkins.plugins.modelops.plugin.config.CredentialsLists;
import io.jenkins.plugins.modelops.plugin.config.ModelOpsGlobalConfiguration;
import io.jenkins.plugins.modelops.plugin.config.Validation;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code monitorModel}: registers the model's rules, gates it on live metrics for a window and acts on the verdict
 * (promote, roll back), all through the monitor engine on the agent. The gate survives a controller restart: its
 * state is kept in the workspace after every round and {@link Execution#onResume} goes on from it.
 */
public class MonitorModelStep extends Step {

    private final String deployment;
    private String prometheusUrl;
    private String prometheusCredentialsId;
    private String rules;
    private Map<String, Object> gate;
    private String window;
    private String interval;
    private Long minSamples;
    private String probe;
    private String probeTokenCredentialsId;
    private String onFail;
    private String onInconclusive;
    private Map<String, Object> notify;
    private String namespace;
    private String kubeconfigCredentialsId;
    private boolean local;

    @DataBoundConstructor
    public MonitorModelStep(String deployment) {
        this.deployment = deployment;
    }

    public String getDeployment() { return deployment; }
    public String getPrometheusUrl() { return prometheusUrl; }
    public String getPrometheusCredentialsId() { return prometheusCredentialsId; }
    public String getRules() { return rules; }
    public Map<String, Object> getGate() { return gate; }
    public String getWindow() { return window; }
    public String getInterval() { return interval; }
    public Long getMinSamples() { return minSamples; }
    public String getProbe() { return probe; }
    public String getProbeTokenCredentialsId() { return probeTokenCredentialsId; }
    public String getOnFail() { return onFail; }
    public String getOnInconclusive() { return onInconclusive; }
    public Map<String, Object> getNotify() { return notify; }
    public String getNamespace() { return namespace; }
    public String getKubeconfigCredentialsId() { return kubeconfigCredentialsId; }
    public boolean isLocal() { return local; }

    @DataBoundSetter public void setPrometheusUrl(String v) { prometheusUrl = blank(v); }
    @DataBoundSetter public void setPrometheusCredentialsId(String v) { prometheusCredentialsId = blank(v); }
    @DataBoundSetter public void setRules(String v) { rules = blank(v); }
    @DataBoundSetter public void setGate(Map<String, Object> v) { gate = v; }
    @DataBoundSetter public void setWindow(String v) { window = blank(v); }
    @DataBoundSetter public void setInterval(String v) { interval = blank(v); }
    @DataBoundSetter public void setMinSamples(Long v) { minSamples = v; }
    @DataBoundSetter public void setProbe(String v) { probe = blank(v); }
    @DataBoundSetter public void setProbeTokenCredentialsId(String v) { probeTokenCredentialsId = blank(v); }
    @DataBoundSetter public void setOnFail(String v) { onFail = blank(v); }
    @DataBoundSetter public void setOnInconclusive(String v) { onInconclusive = blank(v); }
    @DataBoundSetter public void setNotify(Map<String, Object> v) { notify = v; }
    @DataBoundSetter public void setNamespace(String v) { namespace = blank(v); }
    @DataBoundSetter public void setKubeconfigCredentialsId(String v) { kubeconfigCredentialsId = blank(v); }
    @DataBoundSetter public void setLocal(boolean v) { local = v; }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The fields without secrets; the defaults are the global configuration's where the Jenkinsfile gives none. */
    public MonitorArguments arguments(String defaultPrometheusUrl, String defaultWindow, String defaultInterval,
                                      String stateFile) {
        LinkedHashMap<String, String> conditions = new LinkedHashMap<>();
        if (gate != null) {
            gate.forEach((k, v) -> conditions.put(k, String.valueOf(v)));
        }
        return new MonitorArguments(deployment, prometheusUrl != null ? prometheusUrl : defaultPrometheusUrl, null,
                rules, conditions, window != null ? window : defaultWindow,
                interval != null ? interval : defaultInterval, minSamples, probe, null, onFail, onInconclusive,
                namespace, null, local, stateFile);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        if (notify != null && !notify.isEmpty()) {
            throw new AbortException("monitorModel: notify: is not wired yet; route alerts with modelops alerts");
        }
        ModelOpsGlobalConfiguration global = ModelOpsGlobalConfiguration.get();
        Run<?, ?> run = context.get(Run.class);
        String stateFile = "modelops-gate-" + deployment + "-" + run.getNumber() + ".json";
        return new Execution(context, arguments(global.getPrometheusUrl(), global.getWindow(), global.getInterval(),
                ".modelops/" + stateFile), prometheusCredentialsId != null ? prometheusCredentialsId
                : global.getPrometheusCredentialsId(), probeTokenCredentialsId, kubeconfigCredentialsId);
    }

    /**
     * Not a synchronous execution: those fail on resume. The gate runs on a thread of ours; what it needs to go on
     * after a restart is this object's fields (persisted with the flow, without secrets) and the state file.
     */
    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private static final ExecutorService GATES = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "modelops-gate");
            thread.setDaemon(true);
            return thread;
        });

        private final MonitorArguments arguments;
        private final String prometheusCredentialsId;
        private final String probeTokenCredentialsId;
        private final String kubeconfigCredentialsId;
        private transient volatile Future<?> task;

        Execution(StepContext context, MonitorArguments arguments, String prometheusCredentialsId,
                  String probeTokenCredentialsId, String kubeconfigCredentialsId) {
            super(context);
            this.arguments = arguments;
            this.prometheusCredentialsId = prometheusCredentialsId;
            this.probeTokenCredentialsId = probeTokenCredentialsId;
            this.kubeconfigCredentialsId = kubeconfigCredentialsId;
        }

        @Override
        public boolean start() throws Exception {
            launch();
            return false;
        }

        @Override
        public void onResume() {
            try {
                launch();
            } catch (Exception e) {
                getContext().onFailure(e);
            }
        }

        @Override
        public void stop(@NonNull Throwable cause) throws Exception {
            Future<?> running = task;
            if (running != null) {
                running.cancel(true); // the gate stops waiting at once; the state file keeps what was measured
            }
            super.stop(cause);
        }

        @Override
        public String getStatus() {
            return "gating " + arguments.deployment();
        }

        private void launch() throws Exception {
            StepContext context = getContext();
            Run<?, ?> run = context.get(Run.class);
            FilePath workspace = context.get(FilePath.class);
            TaskListener listener = context.get(TaskListener.class);
            MonitorArguments withSecrets = arguments.withSecrets(
                    StepCredentials.secret(run, "monitorModel", prometheusCredentialsId),
                    StepCredentials.secret(run, "monitorModel", probeTokenCredentialsId),
                    StepCredentials.file(run, "monitorModel", kubeconfigCredentialsId));
            task = GATES.submit(() -> {
                try {
                    Map<String, Object> summary = workspace.act(new OnAgent(withSecrets, listener));
                    ModelOpsAction.of(run).setGate(summary);
                    String result = (String) summary.get("result");
                    if ("FAILURE".equals(result)) {
                        context.onFailure(new AbortException("monitorModel: " + summary.getOrDefault("verdict",
                                "stopped") + " " + arguments.deployment() + ": " + summary.get("reason")));
                        return;
                    }
                    if ("UNSTABLE".equals(result)) {
                        context.setResult(Result.UNSTABLE);
                    }
                    context.onSuccess(summary);
                } catch (InvalidInputException e) {
                    context.onFailure(StepLog.failure("monitorModel", e));
                } catch (Throwable t) {
                    context.onFailure(t);
                }
            });
        }
    }

    @Extension
    @Symbol("monitorModel")
    public static final class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "monitorModel";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Gate a deployed model on live metrics (ModelOps)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, Run.class);
        }

        public FormValidation doCheckDeployment(@QueryParameter String value) {
            FormValidation required = Validation.required(value, "deployment (the name deployModel returned)");
            return required.kind != FormValidation.Kind.OK ? required : Validation.name(value);
        }

        public FormValidation doCheckPrometheusUrl(@QueryParameter String value) {
            return Validation.httpUrl(value);
        }

        public FormValidation doCheckGate(@QueryParameter String value) {
            return Validation.check(value, v -> v.lines().filter(l -> !l.isBlank())
                    .forEach(io.jenkins.plugins.modelops.monitor.signal.Condition::parse));
        }

        public FormValidation doCheckWindow(@QueryParameter String value) {
            return Validation.duration(value, Parameter.WINDOW);
        }

        public FormValidation doCheckInterval(@QueryParameter String value) {
            return Validation.duration(value, Parameter.INTERVAL);
        }

        public FormValidation doCheckMinSamples(@QueryParameter String value) {
            return Validation.integer(value, 1, Integer.MAX_VALUE);
        }

        public FormValidation doCheckOnFail(@QueryParameter String value) {
            return Validation.check(value, GateModel.OnFail::parse);
        }

        public FormValidation doCheckOnInconclusive(@QueryParameter String value) {
            return Validation.check(value, GateModel.OnInconclusive::parse);
        }

        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return Validation.namespace(value);
        }

        @POST
        public ListBoxModel doFillPrometheusCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String prometheusCredentialsId) {
            return CredentialsLists.of(item, prometheusCredentialsId, StringCredentials.class);
        }

        @POST
        public ListBoxModel doFillProbeTokenCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String probeTokenCredentialsId) {
            return CredentialsLists.of(item, probeTokenCredentialsId, StringCredentials.class);
        }

        @POST
        public ListBoxModel doFillKubeconfigCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String kubeconfigCredentialsId) {
            return CredentialsLists.of(item, kubeconfigCredentialsId, FileCredentials.class);
        }
    }
}
