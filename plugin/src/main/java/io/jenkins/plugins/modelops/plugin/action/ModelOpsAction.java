package io.jenkins.plugins.modelops.plugin.action;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ModelOps steps did in a build, as the engines' plain summaries: the model (trainModel), the deployment
 * (deployModel) and the gate (monitorModel). The build page's summary box ({@code summary.jelly}) shows them.
 */
public class ModelOpsAction implements RunAction2 {

    private transient Run<?, ?> run;
    private LinkedHashMap<String, Object> model;
    private LinkedHashMap<String, Object> deployment;
    private LinkedHashMap<String, Object> gate;

    /** The build's action, added on first use: one box whichever steps ran. */
    public static synchronized ModelOpsAction of(Run<?, ?> run) {
        ModelOpsAction action = run.getAction(ModelOpsAction.class);
        if (action == null) {
            action = new ModelOpsAction();
            run.addAction(action);
        }
        return action;
    }

    public synchronized void setModel(Map<String, Object> summary) {
        model = new LinkedHashMap<>(summary);
    }

    public synchronized void setDeployment(Map<String, Object> summary) {
        deployment = new LinkedHashMap<>(summary);
    }

    public synchronized void setGate(Map<String, Object> summary) {
        gate = new LinkedHashMap<>(summary);
    }

    public Map<String, Object> getModel() {
        return model;
    }

    public Map<String, Object> getDeployment() {
        return deployment;
    }

    public Map<String, Object> getGate() {
        return gate;
    }

    /** The model's metrics as name and value, for the summary box. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getMetrics() {
        return model == null ? Map.of() : (Map<String, Object>) model.getOrDefault("metrics", Map.of());
    }

    /** Every measurement of the gate, round by round: the evidence behind the verdict. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> getMeasurements() {
        List<Map<String, Object>> all = new ArrayList<>();
        if (gate != null && gate.get("state") instanceof Map<?, ?> state && state.get("rounds") instanceof List<?> rounds) {
            for (Object round : rounds) {
                if (round instanceof Map<?, ?> r && r.get("measurements") instanceof List<?> ms) {
                    ms.forEach(m -> all.add((Map<String, Object>) m));
                }
            }
        }
        return all;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        run = r;
    }

    /** Only the summary box: the model health page is a later change (see the issue). */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "ModelOps";
    }

    @Override
    public String getUrlName() {
        return "modelops";
    }
}
