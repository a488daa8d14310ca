package io.jenkins.plugins.modelops.plugin.train;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.Requirement;
import io.jenkins.plugins.modelops.plugin.OnAgent;
import io.jenkins.plugins.modelops.plugin.StepLog;
import io.jenkins.plugins.modelops.plugin.action.ModelOpsAction;
import io.jenkins.plugins.modelops.plugin.config.Validation;
import io.jenkins.plugins.modelops.train.Algorithm;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code trainModel}: trains on the agent with core's {@link TrainModel}, archives the bundle, adds the model to the
 * build and returns its summary ({@code dir}, {@code modelId}, {@code metrics}, {@code blessed}, ...).
 */
public class TrainModelStep extends Step {

    private final String data;
    private final String label;
    private List<String> features;
    private List<String> exclude;
    private String task;
    private String algorithm;
    private Map<String, Object> params;
    private Double testFraction;
    private Integer folds;
    private Long seed;
    private String missing;
    private String output;
    private String baseline;
    private List<String> require;

    @DataBoundConstructor
    public TrainModelStep(String data, String label) {
        this.data = data;
        this.label = label;
    }

    public String getData() { return data; }
    public String getLabel() { return label; }
    public List<String> getFeatures() { return features; }
    public List<String> getExclude() { return exclude; }
    public String getTask() { return task; }
    public String getAlgorithm() { return algorithm; }
    public Map<String, Object> getParams() { return params; }
    public Double getTestFraction() { return testFraction; }
    public Integer getFolds() { return folds; }
    public Long getSeed() { return seed; }
    public String getMissing() { return missing; }
    public String getOutput() { return output; }
    public String getBaseline() { return baseline; }
    public List<String> getRequire() { return require; }

    @DataBoundSetter public void setFeatures(List<String> features) { this.features = features; }
    @DataBoundSetter public void setExclude(List<String> exclude) { this.exclude = exclude; }
    @DataBoundSetter public void setTask(String task) { this.task = blankToNull(task); }
    @DataBoundSetter public void setAlgorithm(String algorithm) { this.algorithm = blankToNull(algorithm); }
    @DataBoundSetter public void setParams(Map<String, Object> params) { this.params = params; }
    @DataBoundSetter public void setTestFraction(Double testFraction) { this.testFraction = testFraction; }
    @DataBoundSetter public void setFolds(Integer folds) { this.folds = folds; }
    @DataBoundSetter public void setSeed(Long seed) { this.seed = seed; }
    @DataBoundSetter public void setMissing(String missing) { this.missing = blankToNull(missing); }
    @DataBoundSetter public void setOutput(String output) { this.output = blankToNull(output); }
    @DataBoundSetter public void setBaseline(String baseline) { this.baseline = blankToNull(baseline); }
    @DataBoundSetter public void setRequire(List<String> require) { this.require = require; }

    /** The step's fields as they cross to the agent: no Jenkins type, so tests map them without Jenkins. */
    public TrainArguments arguments() {
        return TrainArguments.of(data, label, features, exclude, task, algorithm, params, testFraction, folds, seed,
                missing, output, baseline, require);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, arguments());
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Trains on the agent, then records the bundle on the controller: artifacts, action, return value. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final TrainArguments arguments;

        Execution(StepContext context, TrainArguments arguments) {
            super(context);
            this.arguments = arguments;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            FilePath workspace = getContext().get(FilePath.class);
            TaskListener listener = getContext().get(TaskListener.class);
            Run<?, ?> run = getContext().get(Run.class);
            Map<String, Object> summary;
            try {
                summary = workspace.act(new OnAgent(arguments, listener));
            } catch (InvalidInputException e) {
                throw StepLog.failure("trainModel", e);
            }
            archive(run, workspace, getContext().get(Launcher.class), listener, (String) summary.get("dir"));
            ModelOpsAction.of(run).setModel(summary);
            if ("not-blessed".equals(summary.get("blessing"))) {
                throw new AbortException("trainModel: model " + summary.get("shortId") + " was not blessed: "
                        + summary.get("checks"));
            }
            return summary;
        }

        /** The bundle's files as build artifacts under the bundle's path in the workspace. */
        private static void archive(Run<?, ?> run, FilePath workspace, Launcher launcher, TaskListener listener,
                                    String dir) throws Exception {
            String root = workspace.getRemote();
            if (!dir.startsWith(root)) {
                listener.getLogger().println("trainModel: the bundle " + dir + " is outside the workspace, not archived");
                return;
            }
            Map<String, String> artifacts = new TreeMap<>();
            for (FilePath file : new FilePath(workspace, dir.substring(root.length()).replaceFirst("^[/\\\\]", ""))
                    .list("**/*")) {
                String relative = file.getRemote().substring(root.length() + 1).replace('\\', '/');
                artifacts.put(relative, relative);
            }
            run.pickArtifactManager().archive(workspace, launcher, StepLog.buildListener(listener), artifacts);
        }
    }

    @Extension
    @Symbol("trainModel")
    public static final class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "trainModel";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Train a model (ModelOps)";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, Run.class, Launcher.class);
        }

        public FormValidation doCheckData(@QueryParameter String value) {
            return Validation.required(value, "data (a CSV file in the workspace)");
        }

        public FormValidation doCheckLabel(@QueryParameter String value) {
            return Validation.required(value, "label (the column to predict)");
        }

        public FormValidation doCheckTask(@QueryParameter String value) {
            return Validation.check(value, Task::parse);
        }

        public FormValidation doCheckAlgorithm(@QueryParameter String value) {
            return Validation.check(value, Algorithm::parse);
        }

        public FormValidation doCheckMissing(@QueryParameter String value) {
            return Validation.check(value, MissingPolicy::parse);
        }

        public FormValidation doCheckTestFraction(@QueryParameter String value) {
            return Validation.check(value, v -> {
                double f = Double.parseDouble(v);
                if (!(f > 0 && f < 1)) {
                    throw new IllegalArgumentException("testFraction is a share of the rows: more than 0, less than 1");
                }
            });
        }

        public FormValidation doCheckFolds(@QueryParameter String value) {
            return Validation.integer(value, 0, 100);
        }

        public FormValidation doCheckSeed(@QueryParameter String value) {
            return Validation.check(value, Long::parseLong);
        }

        public FormValidation doCheckRequire(@QueryParameter String value) {
            return Validation.check(value, v -> v.lines().filter(l -> !l.isBlank()).forEach(Requirement::parse));
        }

        public FormValidation doCheckOutput(@QueryParameter String value) {
            return Validation.check(value, v -> {
                if (v.contains("..")) {
                    throw new InvalidInputException(Parameter.OUTPUT, "output stays inside the workspace: no '..'");
                }
            });
        }
    }
}
