package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.modelops.Progress;

import java.util.Map;

/**
 * A model's alert rules as a {@code PrometheusRule} (monitoring.coreos.com/v1), for clusters whose Prometheus is run
 * by prometheus-operator. The monitor module renders the object; this creates, replaces or removes it. Without the
 * CRD there is nothing to create: a notice says so and nothing fails (the rule file form still works).
 */
public final class PrometheusRules {

    static final String CRD = "prometheusrules.monitoring.coreos.com";
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("PrometheusRule")
            .withPlural("prometheusrules").withNamespaced(true).build();
    private static final String RESOURCE = "prometheusrules.monitoring.coreos.com";

    private PrometheusRules() {
    }

    /** The PrometheusRule (and rule group) of deployment {@code name}, as the monitor module names it. */
    public static String groupName(String name) {
        return "modelops-" + name;
    }

    /**
     * Creates or replaces {@code object} (a PrometheusRule as plain maps) in {@code namespace}; false, with a notice,
     * when the cluster has no PrometheusRule CRD.
     */
    public static boolean apply(KubernetesClient client, String namespace, Map<String, Object> object,
                                Progress progress) {
        KubeCalls calls = new KubeCalls(client, namespace);
        if (!crdInstalled(client, calls, progress)) {
            return false;
        }
        GenericKubernetesResource rule = Serialization.unmarshal(Serialization.asJson(object),
                GenericKubernetesResource.class);
        rule.getMetadata().setNamespace(namespace);
        String name = rule.getMetadata().getName();
        var ops = client.genericKubernetesResources(CONTEXT).inNamespace(namespace);
        for (int attempt = 1; ; attempt++) {
            GenericKubernetesResource existing = calls.call("get", RESOURCE, () -> ops.withName(name).get());
            try {
                if (existing == null) {
                    ops.resource(rule).create();
                } else {
                    rule.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                    ops.resource(rule).update();
                }
                progress.info("PrometheusRule " + namespace + "/" + name + (existing == null ? " created" : " updated"));
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= KubeCalls.CONFLICT_ATTEMPTS) {
                    throw calls.translate(existing == null ? "create" : "update", RESOURCE, e);
                }
            }
        }
    }

    /** Removes the PrometheusRule {@code name}; none there (or no CRD) is fine. */
    public static void remove(KubernetesClient client, String namespace, String name, Progress progress) {
        KubeCalls calls = new KubeCalls(client, namespace);
        if (!crdInstalled(client, calls, Progress.silent())) {
            return;
        }
        var resource = client.genericKubernetesResources(CONTEXT).inNamespace(namespace).withName(name);
        if (calls.call("get", RESOURCE, resource::get) != null) {
            calls.call("delete", RESOURCE, resource::delete);
            progress.info("PrometheusRule " + namespace + "/" + name + " removed");
        }
    }

    private static boolean crdInstalled(KubernetesClient client, KubeCalls calls, Progress progress) {
        CustomResourceDefinition crd;
        try {
            crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw calls.translate("get", "customresourcedefinitions.apiextensions.k8s.io", e);
            }
            return true; // may not read CRDs: try the object itself, whose errors say what is missing
        }
        if (crd == null) {
            progress.info("Notice: the cluster has no " + CRD + " CRD (prometheus-operator is not installed), so no "
                    + "PrometheusRule was created; load the rules as a file instead (modelops rules --format file)");
            return false;
        }
        return true;
    }
}
