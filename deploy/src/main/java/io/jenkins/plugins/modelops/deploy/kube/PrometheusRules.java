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
    /** The spec replaced by the last {@link #apply}, as JSON: what a rollback puts back. */
    static final String PREVIOUS_SPEC = "modelops.jenkins.io/previous-spec";

    private PrometheusRules() {
    }

    /** The PrometheusRule (and rule group) of deployment {@code name}, as the monitor module names it. */
    public static String groupName(String name) {
        return "modelops-" + name;
    }

    /**
     * Creates or replaces {@code object} (a PrometheusRule as plain maps) in {@code namespace}; false, with a notice,
     * when the cluster has no PrometheusRule CRD. The replaced spec is kept in an annotation for
     * {@link #restorePrevious} (the same rules again make the same rules come back: a rollback keeps them).
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
                    keepPrevious(existing, rule);
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

    private static void keepPrevious(GenericKubernetesResource existing, GenericKubernetesResource rule) {
        Map<String, String> annotations = new java.util.LinkedHashMap<>();
        if (rule.getMetadata().getAnnotations() != null) {
            annotations.putAll(rule.getMetadata().getAnnotations());
        }
        annotations.put(PREVIOUS_SPEC, Serialization.asJson(existing.getAdditionalProperties().get("spec")));
        rule.getMetadata().setAnnotations(annotations);
    }

    /**
     * After a rollback: the rules as they were before the last {@link #apply} are put back, or the PrometheusRule is
     * removed when that apply created it (the rolled-back version brought it).
     */
    public static void restorePrevious(KubernetesClient client, String namespace, String name, Progress progress) {
        KubeCalls calls = new KubeCalls(client, namespace);
        if (!crdInstalled(client, calls, Progress.silent())) {
            return;
        }
        var resource = client.genericKubernetesResources(CONTEXT).inNamespace(namespace).withName(name);
        GenericKubernetesResource existing = calls.call("get", RESOURCE, resource::get);
        if (existing == null) {
            return;
        }
        Map<String, String> annotations = existing.getMetadata().getAnnotations();
        String previous = annotations == null ? null : annotations.get(PREVIOUS_SPEC);
        if (previous == null) {
            calls.call("delete", RESOURCE, resource::delete);
            progress.info("PrometheusRule " + namespace + "/" + name + " removed: the rolled-back version had brought "
                    + "it");
            return;
        }
        existing.getAdditionalProperties().put("spec", Serialization.unmarshal(previous, Map.class));
        Map<String, String> rest = new java.util.LinkedHashMap<>(annotations);
        rest.remove(PREVIOUS_SPEC);
        existing.getMetadata().setAnnotations(rest);
        calls.call("update", RESOURCE, () -> client.genericKubernetesResources(CONTEXT).inNamespace(namespace)
                .resource(existing).update());
        progress.info("PrometheusRule " + namespace + "/" + name + " is back as it was before the rolled-back "
                + "version");
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
