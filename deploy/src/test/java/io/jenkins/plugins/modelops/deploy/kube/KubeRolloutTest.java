package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome.Status;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.jenkins.plugins.modelops.deploy.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rollouts, rollbacks and failures on fabric8's mock API server with a test controller writing the status. */
class KubeRolloutTest {

    private static final String V1 = "registry.example/ml/iris:1";
    private static final String V2 = "registry.example/ml/iris:2";
    /** Short: the controller answers within ~50 ms; a rollout that is not ready by then never will be. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private MockCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new MockCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private KubeOutcome deploy(String image) {
        return KubeDeploy.run(spec(image), cluster.client, cluster.progress);
    }

    private static DeploySpec spec(String image) {
        return DeploySpec.of(image, "iris", NS).withTimeout(TIMEOUT);
    }

    private Deployment deployment(String name) {
        return cluster.client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private List<HasMetadata> everything() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(cluster.client.apps().deployments().inNamespace(NS).list().getItems());
        all.addAll(cluster.client.services().inNamespace(NS).list().getItems());
        all.addAll(cluster.client.secrets().inNamespace(NS).list().getItems());
        all.addAll(cluster.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).list().getItems());
        return all;
    }

    @Test
    void aHealthyRolloutWritesEveryObjectAndReportsEachState() {
        KubeOutcome outcome = deploy(V1);

        assertThat(outcome.status()).isEqualTo(Status.ROLLED_OUT);
        assertThat(outcome.url()).contains("http://iris.ml.svc:8080");
        Deployment d = deployment("iris");
        assertThat(image(d)).isEqualTo(V1);
        assertThat(Rollout.state(d).done()).isTrue();
        assertThat(cluster.client.services().inNamespace(NS).withName("iris").get().getSpec().getSelector())
                .containsOnlyKeys(KubeNames.NAME, KubeNames.INSTANCE);
        assertThat(cluster.client.secrets().inNamespace(NS).withName("iris").get().getData())
                .containsOnlyKeys(ServerSecrets.FEEDBACK_TOKEN_KEY, ServerSecrets.ID_KEY_KEY);
        assertThat(cluster.log).contains("deployment ml/iris: 2/2 replicas updated, 2 available: rolled out");
        assertThat(cluster.text()).contains("Notice: the CRD servicemonitors.monitoring.coreos.com");
    }

    @Test
    void anUpdateThatNeverBecomesReadyIsRolledBackToTheHealthyPreviousRevision() {
        deploy(V1);
        String serviceBefore = Serialization.asJson(
                cluster.client.services().inNamespace(NS).withName("iris").get().getSpec());

        KubeOutcome outcome = deploy("registry.example/ml/iris:broken");

        assertThat(outcome.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.image()).contains(V1);
        assertThat(outcome.reason().orElseThrow()).isEqualTo(
                "deployment ml/iris did not become ready within 2s: 2/2 replicas updated, 0 available");
        Deployment d = deployment("iris");
        assertThat(image(d)).isEqualTo(V1);
        assertThat(Rollout.state(d).done()).as("the rollback is healthy").isTrue();
        assertThat(d.getMetadata().getAnnotations().get(KubeNames.CHANGE_CAUSE)).isEqualTo("modelops deploy " + V1);
        assertThat(Serialization.asJson(cluster.client.services().inNamespace(NS).withName("iris").get().getSpec()))
                .isEqualTo(serviceBefore);
        assertThat(cluster.text()).contains("Rolling ml/iris back to its previous revision",
                "Rolled back ml/iris to " + V1);
    }

    @Test
    void theProgressDeadlineFailsARolloutBeforeOurTimeout() {
        deploy(V1);
        KubeOutcome outcome = KubeDeploy.run(spec("registry.example/ml/iris:deadline").withTimeout(Duration.ofMinutes(5)),
                cluster.client, cluster.progress);
        assertThat(outcome.status()).isEqualTo(Status.ROLLED_BACK);
        assertThat(outcome.reason().orElseThrow()).isEqualTo("deployment ml/iris exceeded its progress deadline (300s):"
                + " 2/2 replicas updated, 0 available; ReplicaSet \"iris-5d4f\" has timed out progressing.");
        assertThat(image(deployment("iris"))).isEqualTo(V1);
    }

    @Test
    void aFirstDeployThatFailsLeavesNothingBehind() {
        cluster.installServiceMonitorCrd();
        KubeOutcome outcome = KubeDeploy.run(spec("registry.example/ml/iris:broken")
                .withHpa(DeploySpec.Autoscaling.parse("3:5:80")), cluster.client, cluster.progress);

        assertThat(outcome.status()).isEqualTo(Status.FAILED_FIRST_DEPLOY);
        assertThat(outcome.failed()).isTrue();
        assertThat(everything()).isEmpty();
        assertThat(cluster.client.genericKubernetesResources(Manifests.SERVICE_MONITOR).inNamespace(NS).list()
                .getItems()).isEmpty();
        assertThat(outcome.reason().orElseThrow()).as("the HPA's minimum replaced --replicas 2")
                .endsWith("3/3 replicas updated, 0 available");
    }

    @Test
    void aConflictIsRetriedWithAFreshResourceVersion() {
        deploy(V1);
        cluster.faults.conflictOn = "/deployments/iris";
        cluster.faults.conflicts.set(1);

        KubeOutcome outcome = deploy(V2);

        assertThat(cluster.faults.conflictsServed.get()).isEqualTo(1);
        assertThat(outcome.status()).isEqualTo(Status.ROLLED_OUT);
        assertThat(image(deployment("iris"))).isEqualTo(V2);
    }

    @Test
    void conflictsThatNeverStopAreAClearError() {
        deploy(V1);
        cluster.faults.conflicts.set(1000);

        assertThatThrownBy(() -> deploy(V2)).isInstanceOf(KubeException.class).hasMessage("conflict: services ml/iris"
                + " changed under every one of 5 attempts to write it (409); another client keeps writing it: stop it"
                + " or try again later");
    }

    @Test
    void aForbiddenWriteNamesTheVerbAndResourceAndLeavesNothingHalfApplied() {
        cluster.faults.forbidden = r -> "POST".equals(r.getMethod()) && r.getPath().contains("/deployments");

        assertThatThrownBy(() -> deploy(V1)).isInstanceOf(KubeException.class).hasMessage("forbidden: the Kubernetes"
                + " credentials in use may not create deployments.apps in namespace ml; grant it with a Role"
                + " (docs/kubernetes.md lists the rules deployModel needs)");
        assertThat(everything()).as("the Secret and Service written before are gone").isEmpty();
        assertThat(cluster.text()).contains("Writing ml/iris failed; putting back what was there before");
    }

    @Test
    void anUpdateRefusedHalfWayPutsTheDeploymentAndServiceBack() {
        deploy(V1);
        Deployment before = deployment("iris");
        cluster.faults.forbidden = r -> "POST".equals(r.getMethod()) && r.getPath().contains("horizontalpodautoscalers");

        assertThatThrownBy(() -> KubeDeploy.run(spec(V2).withHpa(DeploySpec.Autoscaling.parse("2:4:50"))
                .withTlsSecret("iris-tls"), cluster.client, cluster.progress))
                .hasMessageStartingWith("forbidden: the Kubernetes credentials in use may not create"
                        + " horizontalpodautoscalers.autoscaling in namespace ml");

        Deployment after = deployment("iris");
        assertThat(image(after)).isEqualTo(V1);
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(before.getMetadata().getAnnotations());
        assertThat(cluster.client.services().inNamespace(NS).withName("iris").get().getSpec().getPorts().get(0)
                .getName()).as("the Service's port is http again, not https").isEqualTo("http");
        assertThat(cluster.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).list().getItems())
                .isEmpty();
    }

    @Test
    void objectsThatModelopsDidNotMakeAreNotTakenOver() {
        cluster.client.services().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("iris").endMetadata().withNewSpec().addNewPort().withPort(80).endPort()
                .endSpec().build()).create();
        assertThatThrownBy(() -> deploy(V1))
                .isInstanceOf(io.jenkins.plugins.modelops.InvalidInputException.class)
                .hasMessage("Service ml/iris exists and was not made by modelops (no label"
                        + " app.kubernetes.io/managed-by=modelops): choose another name: or remove it");
        assertThat(deployment("iris")).isNull();
    }

    @Test
    void anUnchangedRedeployKeepsTheRevisionToRollBackTo() {
        deploy(V1);
        deploy(V2);
        deploy(V2);
        assertThat(Revisions.previous(deployment("iris")).orElseThrow().template().getSpec().getContainers().get(0)
                .getImage()).isEqualTo(V1);
    }

    @Test
    void rollbackRestoresThePreviousRevisionAndASecondRollbackUndoesIt() {
        deploy(V1);
        deploy(V2);
        KubeVerbs.Request request = new KubeVerbs.Request("iris", NS, TIMEOUT);

        KubeOutcome back = KubeVerbs.rollback(request, cluster.client, cluster.progress);
        assertThat(back.status()).isEqualTo(Status.REVERTED);
        assertThat(image(deployment("iris"))).isEqualTo(V1);
        assertThat(Rollout.state(deployment("iris")).done()).isTrue();

        KubeVerbs.rollback(request, cluster.client, cluster.progress);
        assertThat(image(deployment("iris"))).isEqualTo(V2);
    }

    @Test
    void theSecretIsGeneratedOnceAndItsValuesAppearNowhereElse() {
        deploy(V1);
        Secret secret = cluster.client.secrets().inNamespace(NS).withName("iris").get();
        deploy(V2);
        Secret after = cluster.client.secrets().inNamespace(NS).withName("iris").get();
        assertThat(after.getData()).isEqualTo(secret.getData());

        List<String> values = secret.getData().values().stream()
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)).toList();
        assertThat(values).hasSize(2).allSatisfy(v -> assertThat(v).hasSize(64));
        for (HasMetadata o : everything()) {
            if (!(o instanceof Secret)) {
                String json = Serialization.asJson(o);
                values.forEach(v -> assertThat(json).doesNotContain(v));
                secret.getData().values().forEach(v -> assertThat(json).doesNotContain(v));
            }
        }
        String log = cluster.text();
        values.forEach(v -> assertThat(log).doesNotContain(v));
        assertThat(log).contains("Keeping the existing Secret iris");
        assertThat(deployment("iris").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .filteredOn(e -> e.getName().equals("MODELOPS_FEEDBACK_TOKEN") || e.getName().equals("MODELOPS_ID_KEY"))
                .hasSize(2).allSatisfy(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("iris");
                });
    }

    @Test
    void theHpaScalesTheStableTrackAndARedeployKeepsItsReplicas() {
        KubeDeploy.run(spec(V1).withHpa(DeploySpec.Autoscaling.parse("2:6:70")), cluster.client, cluster.progress);
        var hpa = cluster.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get();
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        cluster.client.apps().deployments().inNamespace(NS).withName("iris").edit(d -> {
            d.getSpec().setReplicas(5); // what the HPA would do
            return d;
        });
        KubeDeploy.run(spec(V2).withHpa(DeploySpec.Autoscaling.parse("2:6:70")), cluster.client, cluster.progress);
        assertThat(deployment("iris").getSpec().getReplicas()).isEqualTo(5);

        KubeDeploy.run(spec(V2), cluster.client, cluster.progress);
        assertThat(cluster.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("iris").get())
                .isNull();
    }

    @Test
    void aServiceMonitorIsCreatedWhenItsCrdExistsAndUndeployRemovesEverything() {
        cluster.installServiceMonitorCrd();
        KubeDeploy.run(spec(V1).withHpa(DeploySpec.Autoscaling.parse("2:4:60")), cluster.client, cluster.progress);
        var monitors = cluster.client.genericKubernetesResources(Manifests.SERVICE_MONITOR).inNamespace(NS);
        assertThat(monitors.withName("iris").get()).isNotNull();
        assertThat(cluster.text()).doesNotContain("Notice: the CRD");
        KubeDeploy.run(spec(V2).withCanary(1), cluster.client, cluster.progress);

        KubeOutcome outcome = KubeVerbs.undeploy(KubeVerbs.Request.of("iris", NS), cluster.client, cluster.progress);

        assertThat(outcome.status()).isEqualTo(Status.UNDEPLOYED);
        assertThat(everything()).isEmpty();
        assertThat(monitors.withName("iris").get()).isNull();
        assertThat(cluster.text()).contains("Removed secrets ml/iris", "Removed deployments.apps ml/iris-canary");
    }
}
