package io.jenkins.plugins.modelops.plugin;

import com.lesfurets.jenkins.unit.BasePipelineTest;
import groovy.lang.Closure;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.usecase.GateModel;
import io.jenkins.plugins.modelops.monitor.usecase.MonitorModel;
import io.jenkins.plugins.modelops.plugin.deploy.DeployArguments;
import io.jenkins.plugins.modelops.plugin.deploy.DeployModelStep;
import io.jenkins.plugins.modelops.plugin.monitor.MonitorArguments;
import io.jenkins.plugins.modelops.plugin.monitor.MonitorModelStep;
import io.jenkins.plugins.modelops.plugin.train.TrainModelStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's and docs/examples' Jenkinsfiles run in JenkinsPipelineUnit with trainModel, deployModel and
 * monitorModel bound as Jenkins binds them and mapped to the engines: training runs for real on the bundled iris
 * data, a Kubernetes deployment renders every object (a dry run), a local one builds its request, a gate builds its
 * policy. The summaries the steps return come from the engines' own summary methods, so every field a Jenkinsfile
 * reads ({@code m.dir}, {@code d.revision}, {@code verdict.reason}) must exist there.
 */
class PipelineUnitContractTest {

    /** JenkinsPipelineUnit's base class, used as a harness from JUnit 5. */
    static final class Harness extends BasePipelineTest {
    }

    @TempDir
    Path workspace;

    @TempDir
    Path scripts;

    private final List<String> log = new ArrayList<>();
    private final Progress progress = log::add;

    @Test
    void everyJenkinsfileRunsWithTheStepsBoundToTheEngines() throws Exception {
        int run = 0;
        for (Jenkinsfiles.Source source : Jenkinsfiles.all()) {
            List<Jenkinsfiles.Call> calls = Jenkinsfiles.calls(source);
            if (calls.isEmpty()) {
                continue; // the top-level Jenkinsfile: buildPlugin is Jenkins infra's, not ours to run
            }
            Harness harness = harness();
            String file = source.where().replaceAll("[^A-Za-z0-9]", "_") + ".groovy";
            Files.writeString(scripts.resolve(file), source.text());

            run(harness, file);

            List<String> called = new ArrayList<>();
            harness.getHelper().getCallStack().forEach(c -> {
                if (Jenkinsfiles.STEPS.contains(c.getMethodName())) {
                    called.add(c.getMethodName());
                }
            });
            assertThat(called).as(source.where()).containsExactlyElementsOf(calls.stream()
                    .map(Jenkinsfiles.Call::step).toList());
            run++;
        }
        assertThat(run).isGreaterThanOrEqualTo(3);
    }

    /** runScript where this JenkinsPipelineUnit has it; else the script loaded, then run. */
    private static void run(Harness harness, String file) throws Exception {
        try {
            BasePipelineTest.class.getMethod("runScript", String.class).invoke(harness, file);
        } catch (NoSuchMethodException e) {
            ((groovy.lang.Script) BasePipelineTest.class.getMethod("loadScript", String.class).invoke(harness, file))
                    .run();
        }
    }

    private Harness harness() throws Exception {
        Harness h = new Harness();
        h.setScriptRoots(new String[] {scripts.toString()});
        h.setScriptExtension("groovy");
        h.setUp();
        h.getBinding().setVariable("BUILD_NUMBER", "1");
        h.getBinding().setVariable("env", new LinkedHashMap<>(Map.of("IMAGE", "registry.example.com/ml/iris:1")));
        h.getBinding().setVariable("scm", new LinkedHashMap<>());
        for (String block : List.of("pipeline", "agent", "environment", "stages", "steps", "script")) {
            h.getHelper().registerAllowedMethod(block, List.of(Closure.class), body(0));
        }
        h.getHelper().registerAllowedMethod("stage", List.of(String.class, Closure.class), body(1));
        h.getHelper().registerAllowedMethod("node", List.of(String.class, Closure.class), body(1));
        h.getHelper().registerAllowedMethod("label", List.of(String.class), body(-1));
        h.getHelper().registerAllowedMethod("echo", List.of(Object.class), body(-1));
        h.getHelper().registerAllowedMethod("checkout", List.of(Map.class), body(-1));
        h.getHelper().registerAllowedMethod("trainModel", List.of(Map.class), step(this::train));
        h.getHelper().registerAllowedMethod("deployModel", List.of(Map.class), step(this::deploy));
        h.getHelper().registerAllowedMethod("monitorModel", List.of(Map.class), step(this::gate));
        return h;
    }

    /** A block step: runs its closure (the argument at {@code index}); -1 for a step without one. */
    private Closure<Object> body(int index) {
        return new Closure<>(this) {
            @Override
            public Object call(Object... args) {
                return index < 0 ? null : ((Closure<?>) args[index]).call();
            }
        };
    }

    private interface Binding {
        Map<String, Object> run(Map<String, Object> args) throws Exception;
    }

    private Closure<Object> step(Binding binding) {
        return new Closure<>(this) {
            @Override
            @SuppressWarnings("unchecked")
            public Object call(Object... args) {
                try {
                    Map<String, Object> named = new LinkedHashMap<>();
                    ((Map<Object, Object>) args[0]).forEach((k, v) -> named.put(String.valueOf(k),
                            v instanceof CharSequence text ? text.toString() : v));
                    return binding.run(named);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private Map<String, Object> train(Map<String, Object> args) throws Exception {
        TrainModelStep step = StepBinder.bind(TrainModelStep.class, args);
        Path data = workspace.resolve(step.getData());
        Files.createDirectories(data.getParent());
        Files.copy(Jenkinsfiles.root().resolve("examples/iris.csv"), data, StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> summary = step.arguments().run(workspace, progress);
        assertThat(summary.get("blessed")).as(String.valueOf(summary.get("checks"))).isEqualTo(true);
        return summary;
    }

    private Map<String, Object> deploy(Map<String, Object> args) throws Exception {
        DeployModelStep step = StepBinder.bind(DeployModelStep.class, args);
        DeployArguments arguments = step.arguments("default", null, null);
        if (arguments.local()) {
            LocalDeploy.Request request = new LocalDeploy.Request(workspace.resolve(arguments.model()),
                    arguments.name(), 0, workspace.resolve("state"), LocalDeploy.Strategy.ROLLING,
                    java.time.Duration.ofMinutes(2));
            return new LocalDeploy.Outcome(LocalDeploy.Result.ROLLED_OUT, request.name(), "stable", 1,
                    "http://127.0.0.1:0", "contract-test", null, null, "not started by the contract test").summary();
        }
        step.setDryRun(true);
        return step.arguments(arguments.namespace(), null, null).run(workspace, progress);
    }

    private Map<String, Object> gate(Map<String, Object> args) throws Exception {
        MonitorModelStep step = StepBinder.bind(MonitorModelStep.class, args);
        MonitorArguments arguments = step.arguments(null, MonitorArguments.DEFAULT_WINDOW,
                MonitorArguments.DEFAULT_INTERVAL, ".modelops/gate.json");
        assertThat(arguments.policy().conditions()).hasSize(step.getGate().size());
        GateModel.Outcome judged = new GateModel.Outcome(Decision.PASS, "not measured by the contract test",
                Gate.start(Instant.now()), Optional.empty());
        Map<String, Object> summary = new LinkedHashMap<>(new MonitorModel.Outcome(judged, "none", false,
                Optional.empty(), false).summary());
        summary.put("result", MonitorArguments.result("PASS", arguments.inconclusivePolicy()));
        return summary;
    }
}
