package io.jenkins.plugins.modelops.plugin;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.model.Result;
import hudson.util.Secret;
import io.jenkins.plugins.modelops.plugin.action.ModelOpsAction;
import io.jenkins.plugins.modelops.plugin.config.ModelOpsGlobalConfiguration;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps in a real Jenkins (JenkinsRule): they run under {@code ./mvnw -Pjenkins verify} where the Jenkins
 * repository is reachable; here they only compile against the facade.
 */
@WithJenkins
class ModelOpsPipelineTest {

    private static String iris() throws Exception {
        return Files.readString(Jenkinsfiles.root().resolve("examples/iris.csv"), StandardCharsets.UTF_8);
    }

    private static WorkflowJob pipeline(JenkinsRule j, String script) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "p");
        job.setDefinition(new CpsFlowDefinition(script, true));
        return job;
    }

    @Test
    void trainModelTrainsArchivesAndReturnsTheSummary(JenkinsRule j) throws Exception {
        WorkflowJob job = pipeline(j, "node {\n"
                + "  writeFile file: 'data/iris.csv', text: '''" + iris() + "'''\n"
                + "  def m = trainModel data: 'data/iris.csv', label: 'species', require: ['accuracy >= 0.8']\n"
                + "  echo \"accuracy=${m.metrics.accuracy} blessed=${m.blessed} id=${m.modelId}\"\n"
                + "}");

        WorkflowRun run = j.buildAndAssertSuccess(job);

        j.assertLogContains("blessed=true", run);
        j.assertLogContains("Wrote model", run);
        assertThat(run.getAction(ModelOpsAction.class).getModel()).containsKeys("modelId", "metrics");
        assertThat(run.getArtifactManager().root().child("model/bundle.json").exists()).isTrue();
    }

    @Test
    void aGateThatCannotMeasureTurnsTheBuildRedAndKeepsTheTokenOutOfTheLog(JenkinsRule j) throws Exception {
        CredentialsProvider.lookupStores(j.jenkins).iterator().next().addCredentials(Domain.global(),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "prometheus", "token",
                        Secret.fromString("s3cr3t-token")));
        WorkflowJob job = pipeline(j, "node {\n"
                + "  monitorModel deployment: 'iris', prometheusUrl: 'http://127.0.0.1:9',"
                + " prometheusCredentialsId: 'prometheus', gate: [accuracy: '>= 0.9'], window: '4s', interval: '1s'\n"
                + "}");

        WorkflowRun run = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));

        j.assertLogContains("monitorModel: ", run); // ERROR (Prometheus unreachable) or INCONCLUSIVE: both fail by default
        j.assertLogNotContains("s3cr3t-token", run);
    }

    @Test
    void theGlobalConfigurationSurvivesTheForm(JenkinsRule j) throws Exception {
        ModelOpsGlobalConfiguration config = ModelOpsGlobalConfiguration.get();
        config.setPrometheusUrl("http://prometheus.monitoring:9090");
        config.setNamespace("ml");
        config.setWindow("10m");

        j.configRoundtrip();

        assertThat(ModelOpsGlobalConfiguration.get().getPrometheusUrl()).isEqualTo("http://prometheus.monitoring:9090");
        assertThat(ModelOpsGlobalConfiguration.get().getNamespace()).isEqualTo("ml");
        assertThat(ModelOpsGlobalConfiguration.get().getWindow()).isEqualTo("10m");
    }
}
