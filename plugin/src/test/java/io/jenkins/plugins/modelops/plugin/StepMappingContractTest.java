package io.jenkins.plugins.modelops.plugin;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.plugin.deploy.DeployArguments;
import io.jenkins.plugins.modelops.plugin.deploy.DeployModelStep;
import io.jenkins.plugins.modelops.plugin.monitor.MonitorArguments;
import io.jenkins.plugins.modelops.plugin.monitor.MonitorModelStep;
import io.jenkins.plugins.modelops.plugin.train.TrainModelStep;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import org.codehaus.groovy.ast.expr.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each step call of the README and docs/examples, bound as Jenkins binds it, mapped to the engines' requests by the
 * same code the Executions run on the agent: trainModel trains for real on the bundled iris data in a workspace,
 * deployModel renders its Kubernetes objects (a dry run, no cluster), monitorModel builds its gate policy. The
 * returned fields the Jenkinsfiles use ({@code m.dir}, {@code m.metrics.accuracy}, {@code d.name}, ...) are there.
 */
class StepMappingContractTest {

    @TempDir
    Path workspace;

    private final List<String> log = new java.util.ArrayList<>();
    private final Progress progress = log::add;

    @Test
    void everyExampleMapsToTheEngines() throws Exception {
        int mapped = 0;
        for (Jenkinsfiles.Source source : Jenkinsfiles.all()) {
            Map<String, Object> model = null;
            for (Jenkinsfiles.Call call : Jenkinsfiles.calls(source)) {
                Map<String, Object> args = literal(call.arguments(), model);
                switch (call.step()) {
                    case "trainModel" -> model = train(call, args);
                    case "deployModel" -> deploy(call, args);
                    default -> gate(call, args);
                }
                mapped++;
            }
        }
        assertThat(mapped).isGreaterThanOrEqualTo(9);
    }

    /** The bundled data where the Jenkinsfile reads it, then the real engine; the summary is the step's value. */
    private Map<String, Object> train(Jenkinsfiles.Call call, Map<String, Object> args) throws Exception {
        TrainModelStep step = StepBinder.bind(TrainModelStep.class, args);
        Path data = workspace.resolve(step.getData());
        Files.createDirectories(data.getParent());
        Files.copy(Jenkinsfiles.root().resolve("examples/iris.csv"), data,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TrainModel.Request request = step.arguments().request(workspace);
        assertThat(request.config().data()).as(call.toString()).isEqualTo(data);

        Map<String, Object> summary = TrainModel.run(request, progress).summary();

        assertThat(summary).as(call.toString()).containsKeys("dir", "modelId", "metrics", "blessed");
        assertThat(Path.of((String) summary.get("dir"))).startsWith(workspace);
        assertThat(((Map<?, ?>) summary.get("metrics")).get("accuracy")).isInstanceOf(Double.class);
        assertThat(summary.get("blessed")).as(call + " " + summary.get("checks")).isEqualTo(true);
        return summary;
    }

    /** Kubernetes deployments as a dry run (every object rendered and checked), local ones as their request. */
    private void deploy(Jenkinsfiles.Call call, Map<String, Object> args) throws Exception {
        DeployModelStep step = StepBinder.bind(DeployModelStep.class, args);
        DeployArguments arguments = step.arguments("default", null, "https://jenkins.example.com/job/p/1/");
        assertThat(Files.isDirectory(workspace.resolve(arguments.model()))).as(call.toString()).isTrue();
        if (arguments.local()) {
            assertThat(arguments.name()).as(call.toString()).isNotNull();
            return;
        }
        step.setDryRun(true);
        Map<String, Object> summary = step.arguments(arguments.namespace(), null, null).run(workspace, progress);
        assertThat(summary).as(call.toString()).containsKeys("name", "namespace", "image");
        assertThat(summary.get("status")).isEqualTo("DRY_RUN");
        assertThat(String.join("\n", log)).contains("kind: \"Deployment\"");
    }

    private void gate(Jenkinsfiles.Call call, Map<String, Object> args) throws Exception {
        MonitorModelStep step = StepBinder.bind(MonitorModelStep.class, args);
        MonitorArguments arguments = step.arguments(null, MonitorArguments.DEFAULT_WINDOW,
                MonitorArguments.DEFAULT_INTERVAL, ".modelops/gate.json");
        GatePolicy policy = arguments.policy();
        assertThat(policy.conditions()).as(call.toString()).hasSize(step.getGate().size());
        assertThat(MonitorArguments.result("INCONCLUSIVE", arguments.inconclusivePolicy()))
                .isIn("SUCCESS", "UNSTABLE", "FAILURE");
    }

    @Test
    void verdictsMapToBuildResultsByPolicy() {
        assertThat(MonitorArguments.result("PASS", GateModel.OnInconclusive.FAIL)).isEqualTo("SUCCESS");
        assertThat(MonitorArguments.result("FAIL", GateModel.OnInconclusive.PASS)).isEqualTo("FAILURE");
        assertThat(MonitorArguments.result("ERROR", GateModel.OnInconclusive.PASS)).isEqualTo("FAILURE");
        assertThat(MonitorArguments.result(null, GateModel.OnInconclusive.PASS)).isEqualTo("FAILURE");
        assertThat(MonitorArguments.result("INCONCLUSIVE", GateModel.OnInconclusive.FAIL)).isEqualTo("FAILURE");
        assertThat(MonitorArguments.result("INCONCLUSIVE", GateModel.OnInconclusive.UNSTABLE)).isEqualTo("UNSTABLE");
        assertThat(MonitorArguments.result("INCONCLUSIVE", GateModel.OnInconclusive.PASS)).isEqualTo("SUCCESS");
    }

    /**
     * Arguments as a run would see them: {@code m.dir} is the trained bundle, a GString or variable a placeholder
     * image reference ({@code BUILD_NUMBER} 1).
     */
    private static Map<String, Object> literal(Map<String, Object> arguments, Map<String, Object> model) {
        Map<String, Object> values = new LinkedHashMap<>();
        arguments.forEach((name, value) -> {
            if (value instanceof Expression e) {
                String text = e.getText();
                values.put(name, text.endsWith(".dir") && model != null ? model.get("dir")
                        : "registry.example.com/ml/iris:1");
            } else {
                values.put(name, value);
            }
        });
        return values;
    }
}
