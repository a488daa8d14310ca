package io.jenkins.plugins.modelops.plugin.deploy;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.plugin.OnAgent;
import io.jenkins.plugins.modelops.plugin.StepCredentials;
import io.jenkins.plugins.modelops.plugin.StepLog;
import io.jenkins.plugins.modelops.plugin.action.ModelOpsAction;
import io.jenkins.plugins.modelops.plugin.config.CredentialsLists;
import io.jenkins.plugins.modelops.plugin.config.ModelOpsGlobalConfiguration;
import io.jenkins.plugins.modelops.plugin.config.Validation;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.Map;
import java.util.Set;

/**
 * {@code deployModel}: builds the server image around a bundle with Jib on the agent, pushes it with the registry
 * credential and rolls it out with fabric8 using the kubeconfig credential (or, with {@code local: true}, runs it as
 * a supervised process on the agent). Returns {@code name}, {@code namespace}, {@code image}, {@code digest}, ...
 */
public class DeployModelStep extends Step {

    private final String model;
    private String image;
    private String baseImage;
    private DockerRegistryEndpoint registry;
    private String kubeconfigCredentialsId;
    private String namespace;
    private String name;
    private Integer replicas;
    private String strategy;
    private Integer canaryReplicas;
    private String timeout;
    private String hpa;
    private String tlsSecret;
    private String bundlePvc;
    private Map<String, Object> env;
    private boolean local;
    private boolean dryRun;

    @DataBoundConstructor
    public DeployModelStep(String model) {
        this.model = model;
    }

    public String getModel() { return model; }
    public String getImage() { return image; }
    public String getBaseImage() { return baseImage; }
    public DockerRegistryEndpoint getRegistry() { return registry; }
    public String getKubeconfigCredentialsId() { return kubeconfigCredentialsId; }
    public String getNamespace() { return namespace; }
    public String getName() { return name; }
    public Integer getReplicas() { return replicas; }
    public String getStrategy() { return strategy; }
    public Integer getCanaryReplicas() { return canaryReplicas; }
    public String getTimeout() { return timeout; }
    public String getHpa() { return hpa; }
    public String getTlsSecret() { return tlsSecret; }
    public String getBundlePvc() { return bundlePvc; }
    public Map<String, Object> getEnv() { return env; }
    public boolean isLocal() { return local; }
    public boolean isDryRun() { return dryRun; }

    @DataBoundSetter public void setImage(String v) { image = blank(v); }
    @DataBoundSetter public void setBaseImage(String v) { baseImage = blank(v); }
    @DataBoundSetter public void setRegistry(DockerRegistryEndpoint v) { registry = v; }
    @DataBoundSetter public void setKubeconfigCredentialsId(String v) { kubeconfigCredentialsId = blank(v); }
    @DataBoundSetter public void setNamespace(String v) { namespace = blank(v); }
    @DataBoundSetter public void setName(String v) { name = blank(v); }
    @DataBoundSetter public void setReplicas(Integer v) { replicas = v; }
    @DataBoundSetter public void setStrategy(String v) { strategy = blank(v); }
    @DataBoundSetter public void setCanaryReplicas(Integer v) { canaryReplicas = v; }
    @DataBoundSetter public void setTimeout(String v) { timeout = blank(v); }
    @DataBoundSetter public void setHpa(String v) { hpa = blank(v); }
    @DataBoundSetter public void setTlsSecret(String v) { tlsSecret = blank(v); }
    @DataBoundSetter public void setBundlePvc(String v) { bundlePvc = blank(v); }
    @DataBoundSetter public void setEnv(Map<String, Object> v) { env = v; }
    @DataBoundSetter public void setLocal(boolean v) { local = v; }
    @DataBoundSetter public void setDryRun(boolean v) { dryRun = v; }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * The fields as they cross to the agent, without secrets; {@code defaultNamespace} and
     * {@code defaultBaseImage} come from the global configuration where the Jenkinsfile gives none.
     */
    public DeployArguments arguments(String defaultNamespace, String defaultBaseImage, String buildUrl) {
        return new DeployArguments(model, image, baseImage != null ? baseImage : defaultBaseImage, null, null, null,
                namespace != null ? namespace : defaultNamespace, name, replicas, strategy, canaryReplicas, timeout,
                hpa, tlsSecret, bundlePvc, DeployArguments.env(env), local, dryRun, buildUrl);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        ModelOpsGlobalConfiguration global = ModelOpsGlobalConfiguration.get();
        Run<?, ?> run = context.get(Run.class);
        DeployArguments arguments = arguments(global.getNamespace(), global.getBaseImage(), run.getAbsoluteUrl());
        return new Execution(context, arguments, registry != null ? registry : global.getRegistry(),
                kubeconfigCredentialsId);
    }

    /** Looks up and tracks the credentials on the controller; deploys on the agent; records the deployment. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final DeployArguments arguments;
        private final transient DockerRegistryEndpoint registry;
        private final String kubeconfigCredentialsId;

        Execution(StepContext context, DeployArguments arguments, DockerRegistryEndpoint registry,
                  String kubeconfigCredentialsId) {
            super(context);
            this.arguments = arguments;
            this.registry = registry;
            this.kubeconfigCredentialsId = kubeconfigCredentialsId;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            DeployArguments withSecrets = arguments;
            if (registry != null && registry.getCredentialsId() != null && !arguments.local()) {
                StandardUsernamePasswordCredentials login = StepCredentials.find(run, "deployModel",
                        registry.getCredentialsId(), StandardUsernamePasswordCredentials.class);
                withSecrets = withSecrets.withSecrets(login.getUsername(), login.getPassword().getPlainText(), null);
            }
            if (!arguments.local()) {
                withSecrets = withSecrets.withSecrets(withSecrets.registryUsername(), withSecrets.registryPassword(),
                        StepCredentials.file(run, "deployModel", kubeconfigCredentialsId));
            }
            Map<String, Object> summary;
            try {
                summary = getContext().get(FilePath.class).act(new OnAgent(withSecrets, listener));
            } catch (InvalidInputException e) {
                throw StepLog.failure("deployModel", e);
            }
            ModelOpsAction.of(run).setDeployment(summary);
            if (Boolean.TRUE.equals(summary.get("failed"))) {
                throw new AbortException("deployModel: " + summary.get("name") + " " + summary.get("status")
                        + ": " + summary.get("reason"));
            }
            return summary;
        }
    }

    @Extension
    @Symbol("deployModel")
    public static final class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "deployModel";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Deploy a model (ModelOps)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, Run.class);
        }

        public FormValidation doCheckModel(@QueryParameter String value) {
            return Validation.required(value, "model (the bundle directory trainModel wrote)");
        }

        public FormValidation doCheckImage(@QueryParameter String value) {
            return Validation.image(value);
        }

        public FormValidation doCheckBaseImage(@QueryParameter String value) {
            return Validation.image(value.replaceFirst("^docker://", ""));
        }

        public FormValidation doCheckNamespace(@QueryParameter String value) {
            return Validation.namespace(value);
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            return Validation.name(value);
        }

        public FormValidation doCheckReplicas(@QueryParameter String value) {
            return Validation.integer(value, 1, 1000);
        }

        public FormValidation doCheckCanaryReplicas(@QueryParameter String value) {
            return Validation.integer(value, 1, 1000);
        }

        public FormValidation doCheckStrategy(@QueryParameter String value) {
            return Validation.check(value, DeploySpec.Strategy::parse);
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return Validation.duration(value, Parameter.TIMEOUT);
        }

        public FormValidation doCheckHpa(@QueryParameter String value) {
            return Validation.check(value, DeploySpec.Autoscaling::parse);
        }

        public FormValidation doCheckTlsSecret(@QueryParameter String value) {
            return Validation.objectName(value, Parameter.TLS_SECRET);
        }

        public FormValidation doCheckBundlePvc(@QueryParameter String value) {
            return Validation.objectName(value, Parameter.BUNDLE_PVC);
        }

        @POST
        public ListBoxModel doFillKubeconfigCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String kubeconfigCredentialsId) {
            return CredentialsLists.of(item, kubeconfigCredentialsId, FileCredentials.class);
        }
    }
}
