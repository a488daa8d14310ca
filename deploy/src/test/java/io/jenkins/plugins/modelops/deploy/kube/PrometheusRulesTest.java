package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PrometheusRule objects on the CRUD mock: created, replaced, removed, and a notice where the CRD is missing. */
class PrometheusRulesTest {

    private final MockCluster cluster;

    PrometheusRulesTest() throws Exception {
        cluster = new MockCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static Map<String, Object> rule(String expr) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "monitoring.coreos.com/v1");
        object.put("kind", "PrometheusRule");
        object.put("metadata", Map.of("name", "modelops-iris", "labels", Map.of("release", "kube-prometheus")));
        object.put("spec", Map.of("groups", List.of(Map.of("name", "modelops-iris", "rules", List.of(
                Map.of("alert", "ModelTargetDown", "expr", expr, "for", "5m"))))));
        return object;
    }

    private GenericKubernetesResource stored() {
        return cluster.client.genericKubernetesResources(PrometheusRules.CONTEXT).inNamespace(MockCluster.NS)
                .withName("modelops-iris").get();
    }

    @Test
    void withoutTheCrdNothingIsCreatedAndANoticeSaysSo() {
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up == 0"), cluster.progress)).isFalse();
        assertThat(cluster.text()).contains("Notice: the cluster has no prometheusrules.monitoring.coreos.com CRD");
        PrometheusRules.remove(cluster.client, MockCluster.NS, "modelops-iris", cluster.progress); // fine: nothing
    }

    @Test
    void aRollbackPutsBackThePreviousRulesOrRemovesTheOnesItBrought() {
        installCrd();
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up == 0"), cluster.progress)).isTrue();
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up == 1"), cluster.progress)).isTrue();
        PrometheusRules.restorePrevious(cluster.client, MockCluster.NS, "modelops-iris", cluster.progress);
        assertThat(stored().getAdditionalProperties().get("spec").toString()).contains("expr=up == 0")
                .doesNotContain("up == 1");
        assertThat(stored().getMetadata().getAnnotations()).doesNotContainKey(PrometheusRules.PREVIOUS_SPEC);
        assertThat(cluster.text()).contains("PrometheusRule ml/modelops-iris is back as it was before the rolled-back "
                + "version");
        // nothing before it: the rollback takes the rules away
        PrometheusRules.restorePrevious(cluster.client, MockCluster.NS, "modelops-iris", cluster.progress);
        assertThat(stored()).isNull();
    }

    private void installCrd() {
        cluster.client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("prometheusrules.monitoring.coreos.com").endMetadata()
                .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
                .withNewNames().withKind("PrometheusRule").withPlural("prometheusrules").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
    }

    @Test
    void createsReplacesAndRemovesTheRule() {
        installCrd();
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up == 0"), cluster.progress)).isTrue();
        assertThat(stored().getMetadata().getLabels()).containsEntry("release", "kube-prometheus");
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up{job=\"iris\"} == 0"),
                cluster.progress)).isTrue();
        assertThat(cluster.text()).contains("PrometheusRule ml/modelops-iris created",
                "PrometheusRule ml/modelops-iris updated");
        assertThat(stored().getAdditionalProperties().get("spec").toString()).contains("up{job=\"iris\"} == 0");
        PrometheusRules.remove(cluster.client, MockCluster.NS, "modelops-iris", cluster.progress);
        assertThat(stored()).isNull();
        // undeploy takes the deployment's rules with it
        assertThat(PrometheusRules.apply(cluster.client, MockCluster.NS, rule("up == 0"), cluster.progress)).isTrue();
        KubeVerbs.undeploy(KubeVerbs.Request.of("iris", MockCluster.NS), cluster.client, cluster.progress);
        assertThat(stored()).isNull();
        assertThat(cluster.text()).contains("PrometheusRule ml/modelops-iris removed");
    }
}
