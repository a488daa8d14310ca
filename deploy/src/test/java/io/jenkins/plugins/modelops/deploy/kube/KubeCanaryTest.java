package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.jenkins.plugins.modelops.deploy.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** The canary track on the mock: start, promote, abort, a canary that fails. */
class KubeCanaryTest {

    private static final String V1 = "registry.example/ml/iris:1";
    private static final String V2 = "registry.example/ml/iris:2";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private MockCluster cluster;
    private final KubeVerbs.Request iris = new KubeVerbs.Request("iris", NS, TIMEOUT);

    @BeforeEach
    void start() throws Exception {
        cluster = new MockCluster();
        KubeDeploy.run(DeploySpec.of(V1, "iris", NS).withTimeout(TIMEOUT), cluster.client, cluster.progress);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private KubeOutcome canary(String image, int replicas) {
        return KubeDeploy.run(DeploySpec.of(image, "iris", NS).withTimeout(TIMEOUT).withCanary(replicas),
                cluster.client, cluster.progress);
    }

    private Deployment deployment(String name) {
        return cluster.client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private static String trackEnv(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("MODELOPS_TRACK")).map(EnvVar::getValue).findFirst().orElseThrow();
    }

    @Test
    void aCanaryRunsNextToTheStableTrackBehindTheSameService() {
        String stableVersion = deployment("iris").getMetadata().getResourceVersion();

        KubeOutcome outcome = canary(V2, 2);

        assertThat(outcome.status()).isEqualTo(Status.CANARY_STARTED);
        Deployment canary = deployment("iris-canary");
        assertThat(image(canary)).isEqualTo(V2);
        assertThat(canary.getSpec().getReplicas()).isEqualTo(2);
        assertThat(canary.getSpec().getSelector().getMatchLabels()).containsEntry(KubeNames.TRACK, "canary");
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(KubeNames.TRACK, "canary")
                .containsAllEntriesOf(cluster.client.services().inNamespace(NS).withName("iris").get().getSpec()
                        .getSelector());
        assertThat(trackEnv(canary)).isEqualTo("canary");
        assertThat(deployment("iris").getMetadata().getResourceVersion()).isEqualTo(stableVersion);
        assertThat(cluster.text()).contains("Canary ml/iris-canary ready: 2 canary and 2 stable replicas behind Service"
                + " iris (about 50% of requests to the canary); promote or abort it");
    }

    @Test
    void promoteGivesTheStableTrackTheCanarysTemplateAndRemovesTheCanary() {
        canary(V2, 1);

        KubeOutcome outcome = KubeVerbs.promote(iris, cluster.client, cluster.progress);

        assertThat(outcome.status()).isEqualTo(Status.PROMOTED);
        assertThat(outcome.image()).contains(V2);
        Deployment stable = deployment("iris");
        assertThat(image(stable)).isEqualTo(V2);
        assertThat(stable.getSpec().getReplicas()).isEqualTo(2);
        assertThat(stable.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(KubeNames.TRACK, "stable");
        assertThat(stable.getMetadata().getLabels()).containsEntry(KubeNames.TRACK, "stable");
        assertThat(trackEnv(stable)).isEqualTo("stable");
        assertThat(Rollout.state(stable).done()).isTrue();
        assertThat(deployment("iris-canary")).isNull();
        // and the promotion can be rolled back like any rollout
        KubeVerbs.rollback(iris, cluster.client, cluster.progress);
        assertThat(image(deployment("iris"))).isEqualTo(V1);
    }

    @Test
    void aPromotionThatDoesNotBecomeHealthyRestoresTheStableTrackAndKeepsTheCanary() {
        canary("registry.example/ml/iris:broken-unless-canary", 1);

        KubeOutcome outcome = KubeVerbs.promote(iris, cluster.client, cluster.progress);

        assertThat(outcome.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(outcome.image()).contains(V1);
        assertThat(outcome.reason().orElseThrow())
                .isEqualTo("deployment ml/iris did not become ready within 2s: 2/2 replicas updated, 0 available");
        Deployment stable = deployment("iris");
        assertThat(image(stable)).isEqualTo(V1);
        assertThat(trackEnv(stable)).isEqualTo("stable");
        assertThat(Rollout.state(stable).done()).isTrue();
        assertThat(deployment("iris-canary")).isNotNull();
    }

    @Test
    void abortRemovesTheCanaryAndLeavesTheStableTrackAlone() {
        canary(V2, 1);
        String stableVersion = deployment("iris").getMetadata().getResourceVersion();

        KubeOutcome outcome = KubeVerbs.abort(iris, cluster.client, cluster.progress);

        assertThat(outcome.status()).isEqualTo(Status.ABORTED);
        assertThat(outcome.image()).contains(V1);
        assertThat(deployment("iris-canary")).isNull();
        assertThat(deployment("iris").getMetadata().getResourceVersion()).isEqualTo(stableVersion);
        assertThat(KubeVerbs.abort(iris, cluster.client, cluster.progress).status()).isEqualTo(Status.ABORTED);
        assertThat(cluster.text()).contains("No canary ml/iris-canary to abort");
    }

    @Test
    void aCanaryThatNeverBecomesReadyIsRemovedAndTheStableTrackKeepsServing() {
        String stableVersion = deployment("iris").getMetadata().getResourceVersion();

        KubeOutcome outcome = canary("registry.example/ml/iris:broken", 1);

        assertThat(outcome.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(outcome.reason().orElseThrow())
                .isEqualTo("deployment ml/iris-canary did not become ready within 2s: 1/1 replicas updated, 0 available");
        assertThat(deployment("iris-canary")).isNull();
        assertThat(deployment("iris").getMetadata().getResourceVersion()).isEqualTo(stableVersion);
    }

    @Test
    void theFirstCanaryDeployOfANewNameGoesToTheStableTrack() {
        KubeOutcome outcome = KubeDeploy.run(DeploySpec.of(V1, "wine", NS).withTimeout(TIMEOUT).withCanary(1),
                cluster.client, cluster.progress);
        assertThat(outcome.status()).isEqualTo(Status.ROLLED_OUT);
        assertThat(deployment("wine")).isNotNull();
        assertThat(deployment("wine-canary")).isNull();
        assertThat(cluster.text()).contains("No stable deployment ml/wine yet: the first rollout goes to the stable track");
    }
}
