package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome.Status;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The canary track: {@code <name>-canary} runs the new image next to the stable pods, behind the same Service (it
 * selects both tracks), so it takes a share of requests in proportion to its replicas.
 */
final class Canary {

    private Canary() {
    }

    static KubeOutcome start(DeploySpec spec, KubeCalls calls, Progress progress) {
        String canary = KubeNames.canary(spec.name());
        String where = spec.namespace() + "/" + canary;
        Optional<Deployment> before = calls.get(KubeCalls.DEPLOYMENT, canary);
        progress.info((before.isPresent() ? "Replacing canary " : "Starting canary ") + where + " with "
                + spec.image());
        try {
            calls.createOrUpdate(KubeCalls.DEPLOYMENT, Manifests.deployment(spec, KubeNames.CANARY),
                    (now, want) -> want);
        } catch (RuntimeException e) {
            try {
                putBack(calls, canary, before, spec, progress);
            } catch (RuntimeException again) { // the first failure is the one to report
                e.addSuppressed(again);
            }
            throw e;
        }
        Rollout.Result result = Rollout.await(calls, canary, spec.timeout(), progress);
        if (!result.healthy()) {
            progress.warn("Canary " + where + " failed: " + result.reason());
            putBack(calls, canary, before, spec, progress);
            return new KubeOutcome(Status.ROLLED_BACK, spec.namespace(), spec.name(), Optional.empty(),
                    Optional.of(KubeOutcome.url(spec)), Optional.of(result.reason()));
        }
        int stable = calls.get(KubeCalls.DEPLOYMENT, spec.name()).map(d -> d.getSpec().getReplicas()).orElse(0);
        int share = Math.round(100f * spec.canaryReplicas() / (spec.canaryReplicas() + stable));
        progress.info("Canary " + where + " ready: " + spec.canaryReplicas() + " canary and " + stable
                + " stable replicas behind Service " + spec.name() + " (about " + share + "% of requests to the"
                + " canary); promote or abort it");
        return new KubeOutcome(Status.CANARY_STARTED, spec.namespace(), spec.name(), Optional.of(spec.image()),
                Optional.of(KubeOutcome.url(spec)), Optional.empty());
    }

    /** A failed canary leaves no trace: a new one is removed, a replaced one comes back and is waited for. */
    private static void putBack(KubeCalls calls, String canary, Optional<Deployment> before, DeploySpec spec,
                                Progress progress) {
        if (before.isEmpty()) {
            calls.delete(KubeCalls.DEPLOYMENT, canary);
            progress.info("Removed canary " + spec.namespace() + "/" + canary);
            return;
        }
        Deployment was = before.get();
        calls.update(KubeCalls.DEPLOYMENT, canary, now -> {
            now.getSpec().setReplicas(was.getSpec().getReplicas());
            return Revisions.become(now, Revisions.of(was), Revisions.previous(was));
        });
        Rollout.await(calls, canary, spec.timeout(), progress);
    }

    /** The canary's revision as the stable track runs it: same pods, labelled and configured as stable. */
    static Revisions.Revision asStable(Deployment canary) {
        Revisions.Revision r = Revisions.of(canary);
        Map<String, String> labels = new LinkedHashMap<>(r.labels());
        labels.put(KubeNames.TRACK, KubeNames.STABLE);
        PodTemplateSpec template = Serialization.clone(r.template());
        template.getMetadata().getLabels().put(KubeNames.TRACK, KubeNames.STABLE);
        for (Container c : template.getSpec().getContainers()) {
            for (EnvVar e : c.getEnv()) {
                if (ServerCommand.TRACK.equals(e.getName())) {
                    e.setValue(KubeNames.STABLE);
                }
            }
        }
        Map<String, String> annotations = new LinkedHashMap<>(r.annotations());
        annotations.put(Revisions.TEMPLATE_HASH, Revisions.hash(template));
        return new Revisions.Revision(labels, annotations, template);
    }
}
