package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome.Status;
import io.jenkins.plugins.modelops.deploy.kube.Revisions.Revision;
import io.jenkins.plugins.modelops.deploy.kube.Revisions.Snapshot;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code modelops deploy} to Kubernetes: writes the Secret, Service, Deployment (or {@code <name>-canary}), HPA and
 * ServiceMonitor, waits for the rollout, and on failure rolls back to the previous revision and waits for that.
 * Whatever fails after the first write, the cluster is left as it was: a failed first deploy removes what it made,
 * a failed update restores each object's previous content.
 */
public final class KubeDeploy {

    private KubeDeploy() {
    }

    /** The YAML {@code --dry-run} prints: every object, the Secret's values as placeholders. No cluster involved. */
    public static String render(DeploySpec spec) {
        return Manifests.yaml(Manifests.all(spec));
    }

    public static KubeOutcome run(DeploySpec spec, KubernetesClient client, Progress progress) {
        KubeCalls calls = new KubeCalls(client, spec.namespace());
        calls.checkNamespace();
        String where = spec.namespace() + "/" + spec.name();
        if (spec.strategy() == DeploySpec.Strategy.CANARY) {
            if (calls.get(KubeCalls.DEPLOYMENT, spec.name()).isPresent()) {
                return Canary.start(spec, calls, progress);
            }
            progress.info("No stable deployment " + where + " yet: the first rollout goes to the stable track");
            spec = spec.withStrategy(DeploySpec.Strategy.ROLLING);
        }
        boolean monitor = monitorWanted(calls, progress);
        Snapshot before = Revisions.take(calls, spec.name(), monitor);
        refuseForeign(spec, before);
        progress.info((before.deployment().isPresent() ? "Updating" : "Creating") + " deployment " + where
                + " with " + spec.image());
        try {
            write(spec, calls, before, monitor, progress);
        } catch (RuntimeException e) {
            progress.warn("Writing " + where + " failed; putting back what was there before");
            try {
                putBack(calls, spec.name(), before, monitor, progress);
            } catch (RuntimeException again) { // the first failure is the one to report
                e.addSuppressed(again);
                progress.warn("Putting back " + where + " failed too: " + again.getMessage());
            }
            throw e;
        }
        Rollout.Result result = Rollout.await(calls, spec.name(), spec.timeout(), progress);
        if (result.healthy()) {
            progress.info("Rolled out " + where + ": " + KubeOutcome.url(spec));
            return new KubeOutcome(Status.ROLLED_OUT, spec.namespace(), spec.name(), Optional.of(spec.image()),
                    Optional.of(KubeOutcome.url(spec)), Optional.empty());
        }
        progress.warn("Rollout of " + where + " failed: " + result.reason());
        if (before.deployment().isEmpty()) {
            putBack(calls, spec.name(), before, monitor, progress);
            progress.info("First deploy of " + where + " failed: removed every object it had created");
            return new KubeOutcome(Status.FAILED_FIRST_DEPLOY, spec.namespace(), spec.name(), Optional.empty(),
                    Optional.empty(), Optional.of(result.reason()));
        }
        progress.info("Rolling " + where + " back to its previous revision");
        Deployment was = before.deployment().get();
        putBack(calls, spec.name(), before, monitor, progress);
        Rollout.Result back = Rollout.await(calls, spec.name(), spec.timeout(), progress);
        if (!back.healthy()) {
            throw new KubeException("the rollout of " + where + " failed (" + result.reason() + ") and so did the"
                    + " rollback to the previous revision: " + back.reason());
        }
        String image = was.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        progress.info("Rolled back " + where + " to " + image);
        return new KubeOutcome(Status.ROLLED_BACK, spec.namespace(), spec.name(), Optional.of(image),
                Optional.of(KubeOutcome.url(spec)), Optional.of(result.reason()));
    }

    private static boolean monitorWanted(KubeCalls calls, Progress progress) {
        Optional<Boolean> crd = calls.serviceMonitorCrd();
        if (crd.isEmpty()) {
            progress.info("Notice: may not read CustomResourceDefinitions, so no ServiceMonitor is created (the pods"
                    + " carry prometheus.io/scrape annotations)");
            return false;
        }
        if (!crd.get()) {
            progress.info("Notice: the CRD " + Manifests.SERVICE_MONITOR_CRD + " (Prometheus Operator) is not"
                    + " installed, so no ServiceMonitor is created (the pods carry prometheus.io/scrape annotations)");
        }
        return crd.get();
    }

    private static void write(DeploySpec spec, KubeCalls calls, Snapshot before, boolean monitor, Progress progress) {
        if (before.secret().isEmpty()) {
            calls.create(KubeCalls.SECRET, Manifests.secret(spec, ServerSecrets.generate(new SecureRandom())));
            progress.info("Created Secret " + spec.name() + " with a new feedback token and prediction-id key");
        } else {
            progress.info("Keeping the existing Secret " + spec.name() + " (feedback token and prediction-id key)");
        }
        calls.createOrUpdate(KubeCalls.SERVICE, Manifests.service(spec), KubeDeploy::keepClusterIp);
        Deployment desired = Manifests.deployment(spec, KubeNames.STABLE);
        String hash = Revisions.hash(desired.getSpec().getTemplate());
        desired.getMetadata().getAnnotations().put(Revisions.TEMPLATE_HASH, hash);
        calls.createOrUpdate(KubeCalls.DEPLOYMENT, desired, (now, want) -> {
            Map<String, String> nowAnnotations = now.getMetadata().getAnnotations();
            boolean same = nowAnnotations != null && hash.equals(nowAnnotations.get(Revisions.TEMPLATE_HASH));
            // An unchanged template keeps the revision before it; a new one remembers the one it replaces.
            Optional<Revision> previous = same ? Revisions.previous(now) : Optional.of(Revisions.of(now));
            previous.ifPresent(p -> want.getMetadata().getAnnotations().put(KubeNames.PREVIOUS, Revisions.json(p)));
            if (spec.hpa().isPresent() && now.getSpec().getReplicas() != null) {
                want.getSpec().setReplicas(now.getSpec().getReplicas()); // the HPA's to set, not ours
            }
            return want;
        });
        if (spec.hpa().isPresent()) {
            calls.createOrUpdate(KubeCalls.HPA, Manifests.hpa(spec), (now, want) -> want);
        } else if (before.hpa().isPresent() && ours(before.hpa().get())) {
            calls.delete(KubeCalls.HPA, spec.name());
            progress.info("Removed the HorizontalPodAutoscaler " + spec.name() + " (no autoscaling asked for)");
        }
        if (monitor) {
            calls.createOrUpdate(KubeCalls.SERVICE_MONITOR, Manifests.serviceMonitor(spec), (now, want) -> want);
        }
    }

    /** A Service's cluster IP is immutable and assigned by the API server: a PUT must carry it. */
    private static Service keepClusterIp(Service now, Service want) {
        want.getSpec().setClusterIP(now.getSpec().getClusterIP());
        want.getSpec().setClusterIPs(now.getSpec().getClusterIPs());
        return want;
    }

    /** Never take over objects someone else made under the same name (a Secret we would read, a Service...). */
    private static void refuseForeign(DeploySpec spec, Snapshot before) {
        List<Optional<? extends HasMetadata>> existing = List.of(before.secret(), before.service(),
                before.deployment(), before.hpa(), before.monitor());
        for (Optional<? extends HasMetadata> o : existing) {
            if (o.isPresent() && !ours(o.get())) {
                throw new InvalidInputException(Parameter.NAME, o.get().getKind() + " " + spec.namespace() + "/"
                        + spec.name() + " exists and was not made by modelops (no label " + KubeNames.MANAGED_BY
                        + "=" + KubeNames.MANAGER + "): choose another " + Parameter.NAME.ref() + " or remove it");
            }
        }
    }

    private static boolean ours(HasMetadata o) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels != null && KubeNames.MANAGER.equals(labels.get(KubeNames.MANAGED_BY));
    }

    /** Every object back as it was in {@code before}: deleted where it did not exist, its old content otherwise. */
    static void putBack(KubeCalls calls, String name, Snapshot before, boolean monitor, Progress progress) {
        if (before.deployment().isEmpty()) {
            deleteQuietly(calls, KubeCalls.DEPLOYMENT, name, progress);
        } else {
            Deployment was = before.deployment().get();
            calls.update(KubeCalls.DEPLOYMENT, name, now -> {
                now.getSpec().setReplicas(was.getSpec().getReplicas());
                return Revisions.become(now, Revisions.of(was), Revisions.previous(was));
            });
        }
        putBackOthers(calls, name, before, monitor, progress);
    }

    private static void putBackOthers(KubeCalls calls, String name, Snapshot before, boolean monitor,
                                      Progress progress) {
        if (before.service().isEmpty()) {
            deleteQuietly(calls, KubeCalls.SERVICE, name, progress);
        } else {
            calls.createOrUpdate(KubeCalls.SERVICE, before.service().get(), KubeDeploy::keepClusterIp);
        }
        if (before.hpa().isEmpty()) {
            deleteQuietly(calls, KubeCalls.HPA, name, progress);
        } else {
            calls.restore(KubeCalls.HPA, before.hpa().get());
        }
        if (monitor) {
            if (before.monitor().isEmpty()) {
                deleteQuietly(calls, KubeCalls.SERVICE_MONITOR, name, progress);
            } else {
                calls.restore(KubeCalls.SERVICE_MONITOR, before.monitor().get());
            }
        }
        if (before.secret().isEmpty()) { // last: pods of a half-made deployment may still read it
            deleteQuietly(calls, KubeCalls.SECRET, name, progress);
        }
    }

    /** Cleaning up after a failure must not hide the failure: a delete that fails is reported, not thrown. */
    private static void deleteQuietly(KubeCalls calls, KubeCalls.Kind<?> kind, String name, Progress progress) {
        try {
            calls.delete(kind, name);
        } catch (RuntimeException e) {
            progress.warn("could not remove " + kind.resource() + " " + calls.namespace() + "/" + name + ": "
                    + e.getMessage());
        }
    }
}
