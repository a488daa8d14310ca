package io.jenkins.plugins.modelops.deploy.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.Progress;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Deployment's revisions, and putting the cluster back as it was. {@code kubectl rollout undo} reads the old
 * ReplicaSet; we keep the previous revision (labels, annotations, pod template) in an annotation on the Deployment
 * instead, so rollback works without ReplicaSets (fabric8's mock server makes none) and without list rights on them.
 */
final class Revisions {

    /** What a revision is: the Deployment's labels and annotations, and its pod template. */
    record Revision(Map<String, String> labels, Map<String, String> annotations, PodTemplateSpec template) {
    }

    /** A deployment's objects before a change; empty where an object did not exist. */
    record Snapshot(Optional<Secret> secret, Optional<Service> service, Optional<Deployment> deployment,
                    Optional<HorizontalPodAutoscaler> hpa, Optional<GenericKubernetesResource> monitor) {
    }

    static final String TEMPLATE_HASH = "modelops.io/template-hash";

    private Revisions() {
    }

    static Snapshot take(KubeCalls calls, String name, boolean monitor) {
        return new Snapshot(calls.get(KubeCalls.SECRET, name), calls.get(KubeCalls.SERVICE, name),
                calls.get(KubeCalls.DEPLOYMENT, name), calls.get(KubeCalls.HPA, name),
                monitor ? calls.get(KubeCalls.SERVICE_MONITOR, name) : Optional.empty());
    }

    static Revision of(Deployment d) {
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(d.getMetadata().getAnnotations()));
        annotations.remove(KubeNames.PREVIOUS);
        return new Revision(new LinkedHashMap<>(orEmpty(d.getMetadata().getLabels())), annotations,
                d.getSpec().getTemplate());
    }

    static Optional<Revision> previous(Deployment d) {
        String json = orEmpty(d.getMetadata().getAnnotations()).get(KubeNames.PREVIOUS);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Serialization.jsonMapper().readValue(json, Revision.class));
        } catch (JsonProcessingException e) {
            throw new KubeException("deployment " + d.getMetadata().getNamespace() + "/" + d.getMetadata().getName()
                    + ": annotation " + KubeNames.PREVIOUS + " is not a revision modelops wrote: "
                    + e.getOriginalMessage(), e);
        }
    }

    static String json(Revision r) {
        try {
            return Serialization.jsonMapper().writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short hash of a rendered pod template: equal hashes mean a deploy changes nothing in the pods. */
    static String hash(PodTemplateSpec template) {
        return Digests.sha256(Serialization.asJson(template).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .substring(0, 16);
    }

    /**
     * {@code now} turned into {@code revision}, remembering {@code previous} (or nothing) as the revision before.
     * Replicas stay as they are: they belong to the HPA or to the last deploy, not to a revision.
     */
    static Deployment become(Deployment now, Revision revision, Optional<Revision> previous) {
        Map<String, String> annotations = new LinkedHashMap<>(revision.annotations());
        previous.ifPresent(p -> annotations.put(KubeNames.PREVIOUS, json(p)));
        now.getMetadata().setLabels(new LinkedHashMap<>(revision.labels()));
        now.getMetadata().setAnnotations(annotations);
        now.getSpec().setTemplate(revision.template());
        return now;
    }

    /**
     * Rolls {@code name} back to {@code revision} and waits until it is healthy: after a failed rollout and for the
     * {@code rollback} verb. The revision it replaces becomes the previous one, so a second rollback undoes the first.
     */
    static Rollout.Result restoreAndWait(KubeCalls calls, String name, Revision revision, Duration timeout,
                                         Progress progress) {
        calls.update(KubeCalls.DEPLOYMENT, name, now -> become(now, revision, Optional.of(of(now))));
        return Rollout.await(calls, name, timeout, progress);
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
