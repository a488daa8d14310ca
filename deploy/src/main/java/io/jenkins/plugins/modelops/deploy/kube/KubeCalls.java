package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * Every API call of a deployment, in one namespace, with the API server's errors turned into messages that say
 * what was attempted and what is needed (RBAC verb and resource, a missing namespace, an unreachable URL).
 *
 * <p>Writes are create-or-update (POST, or GET then PUT with the fresh resourceVersion), retried on 409. Not
 * server-side apply: fabric8's mock server answers it with 415 (and strategic merge patch too), and a PUT of the
 * whole object says exactly what the object is, which rollback needs anyway.
 */
final class KubeCalls {

    /** A kind of object, with its resource name as RBAC rules spell it. */
    record Kind<T extends HasMetadata>(Class<T> type, String resource) {
    }

    static final Kind<Deployment> DEPLOYMENT = new Kind<>(Deployment.class, "deployments.apps");
    static final Kind<Service> SERVICE = new Kind<>(Service.class, "services");
    static final Kind<Secret> SECRET = new Kind<>(Secret.class, "secrets");
    static final Kind<HorizontalPodAutoscaler> HPA =
            new Kind<>(HorizontalPodAutoscaler.class, "horizontalpodautoscalers.autoscaling");
    static final Kind<GenericKubernetesResource> SERVICE_MONITOR =
            new Kind<>(GenericKubernetesResource.class, "servicemonitors.monitoring.coreos.com");

    static final int CONFLICT_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String namespace;

    KubeCalls(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    String namespace() {
        return namespace;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T extends HasMetadata> NonNamespaceOperation<T, ?, Resource<T>> ops(Kind<T> kind) {
        if (kind.type() == GenericKubernetesResource.class) {
            return (NonNamespaceOperation) client.genericKubernetesResources(Manifests.SERVICE_MONITOR)
                    .inNamespace(namespace);
        }
        return client.resources(kind.type()).inNamespace(namespace);
    }

    <T extends HasMetadata> Optional<T> get(Kind<T> kind, String name) {
        return Optional.ofNullable(call("get", kind.resource(), () -> ops(kind).withName(name).get()));
    }

    <T extends HasMetadata> T create(Kind<T> kind, T object) {
        return call("create", kind.resource(), () -> ops(kind).resource(strip(object)).create());
    }

    /**
     * Creates {@code desired}, or replaces the object that exists with {@code merge(existing, desired)}; on 409
     * (someone wrote it in between) reads it again and retries, a few times.
     */
    <T extends HasMetadata> T createOrUpdate(Kind<T> kind, T desired, BinaryOperator<T> merge) {
        String name = desired.getMetadata().getName();
        for (int attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt++) {
            Optional<T> existing = get(kind, name);
            try {
                if (existing.isEmpty()) {
                    return raw(() -> ops(kind).resource(strip(desired)).create());
                }
                T write = merge.apply(existing.get(), desired);
                write.getMetadata().setResourceVersion(existing.get().getMetadata().getResourceVersion());
                return raw(() -> ops(kind).resource(write).update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw translate(existing.isEmpty() ? "create" : "update", kind.resource(), e);
                }
            }
        }
        throw conflict(kind, name);
    }

    /** Changes an object that must exist: GET, {@code change}, PUT; on 409 again from a fresh GET. */
    <T extends HasMetadata> T update(Kind<T> kind, String name, java.util.function.UnaryOperator<T> change) {
        for (int attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt++) {
            T existing = get(kind, name).orElseThrow(() -> new KubeException(kind.resource() + " " + namespace + "/"
                    + name + " does not exist"));
            String version = existing.getMetadata().getResourceVersion();
            T write = change.apply(existing);
            write.getMetadata().setResourceVersion(version);
            try {
                return raw(() -> ops(kind).resource(write).update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw translate("update", kind.resource(), e);
                }
            }
        }
        throw conflict(kind, name);
    }

    private KubeException conflict(Kind<?> kind, String name) {
        return new KubeException("conflict: " + kind.resource() + " " + namespace + "/" + name + " changed under"
                + " every one of " + CONFLICT_ATTEMPTS + " attempts to write it (409); another client keeps writing"
                + " it: stop it or try again later");
    }

    /** Puts back an object as it was (its spec, labels, annotations), on top of whatever is there now. */
    <T extends HasMetadata> T restore(Kind<T> kind, T before) {
        return createOrUpdate(kind, before, (now, was) -> {
            was.getMetadata().setResourceVersion(null);
            return was;
        });
    }

    boolean delete(Kind<?> kind, String name) {
        return call("delete", kind.resource(), () -> !ops(kind).withName(name).delete().isEmpty());
    }

    /** Fails when the namespace is known to be missing; when we may not read namespaces, the first write will say. */
    void checkNamespace() {
        Namespace ns;
        try {
            ns = raw(() -> client.namespaces().withName(namespace).get());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return; // a namespaced Role cannot read Namespace objects; fine
            }
            throw translate("get", "namespaces", e);
        }
        if (ns == null) {
            throw missingNamespace();
        }
    }

    /** Whether the ServiceMonitor CRD is installed; empty when we may not read CRDs. */
    Optional<Boolean> serviceMonitorCrd() {
        try {
            CustomResourceDefinition crd = raw(() -> client.apiextensions().v1().customResourceDefinitions()
                    .withName(Manifests.SERVICE_MONITOR_CRD).get());
            return Optional.of(crd != null);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return Optional.empty();
            }
            throw translate("get", "customresourcedefinitions.apiextensions.k8s.io", e);
        }
    }

    <R> R call(String verb, String resource, Supplier<R> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            throw translate(verb, resource, e);
        }
    }

    private static <R> R raw(Supplier<R> action) {
        return action.get();
    }

    /** The object without server-set fields, fit for POST. */
    private static <T extends HasMetadata> T strip(T object) {
        object.getMetadata().setResourceVersion(null);
        object.getMetadata().setUid(null);
        object.getMetadata().setCreationTimestamp(null);
        object.getMetadata().setManagedFields(null);
        return object;
    }

    private InvalidInputException missingNamespace() {
        return new InvalidInputException(Parameter.NAMESPACE, "namespace '" + namespace + "' does not exist: create"
                + " it (kubectl create namespace " + namespace + ") or choose another with " + Parameter.NAMESPACE.ref());
    }

    RuntimeException translate(String verb, String resource, KubernetesClientException e) {
        int code = e.getCode();
        if (code == 403) {
            return new KubeException("forbidden: the Kubernetes credentials in use may not " + verb + " " + resource
                    + " in namespace " + namespace + "; grant it with a Role (docs/kubernetes.md lists the rules"
                    + " deployModel needs)", e);
        }
        if (code == 401) {
            return new KubeException("unauthorized: the Kubernetes API at " + client.getMasterUrl()
                    + " rejected the credentials (an expired token or client certificate?)", e);
        }
        if (code == 404 && e.getStatus() != null && e.getStatus().getDetails() != null
                && "namespaces".equals(e.getStatus().getDetails().getKind())) {
            return missingNamespace();
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return new KubeException("cannot reach the Kubernetes API at " + client.getMasterUrl() + ": "
                        + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage())
                        + " (check the kubeconfig's server URL and the network)", e);
            }
        }
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return new KubeException(verb + " " + resource + " in namespace " + namespace + " failed"
                + (code > 0 ? " (HTTP " + code + ")" : "") + ": " + detail, e);
    }
}
