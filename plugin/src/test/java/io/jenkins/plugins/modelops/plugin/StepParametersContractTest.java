package io.jenkins.plugins.modelops.plugin;

import io.jenkins.plugins.modelops.plugin.deploy.DeployModelStep;
import io.jenkins.plugins.modelops.plugin.monitor.MonitorModelStep;
import io.jenkins.plugins.modelops.plugin.train.TrainModelStep;
import org.jenkinsci.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Jenkinsfile users are shown parses under Jenkins' Groovy and calls the steps only with parameters the
 * step classes bind (Jenkins fails on an unknown name), giving every required one: a README example cannot drift
 * from the plugin. Runs against the facade: reflection only, no call into Jenkins.
 */
class StepParametersContractTest {

    static final Map<String, Class<?>> STEPS = Map.of("trainModel", TrainModelStep.class,
            "deployModel", DeployModelStep.class, "monitorModel", MonitorModelStep.class);

    @Test
    void theIssuesParameterNamesAreTheStepsNames() throws Exception {
        assertThat(StepNames.required(TrainModelStep.class)).containsExactly("data", "label");
        assertThat(StepNames.optional(TrainModelStep.class).keySet()).containsExactlyInAnyOrder("features",
                "exclude", "task", "algorithm", "params", "testFraction", "folds", "seed", "missing", "output",
                "baseline", "require");
        assertThat(StepNames.required(DeployModelStep.class)).containsExactly("model");
        assertThat(StepNames.optional(DeployModelStep.class).keySet()).contains("image", "baseImage", "registry",
                "kubeconfigCredentialsId", "namespace", "name", "replicas", "strategy", "canaryReplicas", "timeout",
                "hpa", "tlsSecret", "bundlePvc", "env", "local", "dryRun");
        assertThat(StepNames.required(MonitorModelStep.class)).containsExactly("deployment");
        assertThat(StepNames.optional(MonitorModelStep.class).keySet()).contains("prometheusUrl",
                "prometheusCredentialsId", "rules", "gate", "window", "interval", "minSamples", "probe",
                "probeTokenCredentialsId", "onFail", "onInconclusive", "notify");
    }

    @Test
    void eachStepsDescriptorCarriesItsSymbol() {
        STEPS.forEach((name, step) -> {
            Class<?> descriptor = List.of(step.getDeclaredClasses()).stream()
                    .filter(c -> c.getSimpleName().equals("DescriptorImpl")).findFirst().orElseThrow();
            assertThat(descriptor.getAnnotation(Symbol.class).value()).containsExactly(name);
        });
    }

    @Test
    void everyJenkinsfileParsesAndUsesOnlyTheStepsParameters() throws Exception {
        List<Jenkinsfiles.Source> sources = Jenkinsfiles.all();
        List<String> problems = new ArrayList<>();
        int calls = 0;
        for (Jenkinsfiles.Source source : sources) {
            for (Jenkinsfiles.Call call : Jenkinsfiles.calls(source)) {
                calls++;
                Map<String, Boolean> names = StepNames.all(STEPS.get(call.step()));
                for (String given : call.arguments().keySet()) {
                    if (!names.containsKey(given)) {
                        problems.add(call + ": " + given + " is not a parameter; " + call.step() + " takes "
                                + names.keySet());
                    }
                }
                names.forEach((name, required) -> {
                    if (required && !call.arguments().containsKey(name)) {
                        problems.add(call + ": the required " + name + " is missing");
                    }
                });
            }
        }
        assertThat(problems).isEmpty();
        // README, the declarative and the scripted example: each uses the three steps.
        assertThat(calls).isGreaterThanOrEqualTo(9);
        assertThat(sources).extracting(Jenkinsfiles.Source::where).contains("Jenkinsfile", "README.md block 1",
                "docs/examples/declarative.Jenkinsfile", "docs/examples/scripted.Jenkinsfile");
    }

    @Test
    void theTopLevelJenkinsfileBuildsThePluginAsJenkinsCiDoes() throws Exception {
        Jenkinsfiles.Source top = Jenkinsfiles.all().get(0);
        assertThat(top.text()).contains("buildPlugin(");
        assertThat(Jenkinsfiles.calls(top)).isEmpty();
    }
}
