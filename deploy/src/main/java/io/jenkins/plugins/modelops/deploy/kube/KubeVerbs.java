package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome.Status;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code promote}, {@code abort}, {@code rollback} and {@code undeploy} on a deployment that {@link KubeDeploy} made.
 * Each takes a {@link Request} and returns a {@link KubeOutcome}, as {@code KubeDeploy} does.
 */
public final class KubeVerbs {

    /** @param timeout how long promote and rollback wait for the stable track to be healthy */
    public record Request(String name, String namespace, Duration timeout) {

        public Request {
            KubeNames.checkName(name);
            KubeNames.checkNamespace(namespace);
        }

        public static Request of(String name, String namespace) {
            return new Request(name, namespace, DeploySpec.DEFAULT_TIMEOUT);
        }
    }

    private KubeVerbs() {
    }

    /** The stable track takes the canary's pod template; once it is healthy the canary is removed. */
    public static KubeOutcome promote(Request request, KubernetesClient client, Progress progress) {
        KubeCalls calls = new KubeCalls(client, request.namespace());
        String canaryName = KubeNames.canary(request.name());
        Deployment canary = calls.get(KubeCalls.DEPLOYMENT, canaryName).orElseThrow(() -> new InvalidInputException(
                Parameter.NAME, "no canary " + request.namespace() + "/" + canaryName + " to promote: start one with"
                + " deploy " + Parameter.STRATEGY.ref() + " canary"));
        Deployment stable = stable(calls, request);
        Revisions.Revision before = Revisions.of(stable);
        progress.info("Promoting " + request.namespace() + "/" + canaryName + " to the stable track");
        calls.update(KubeCalls.DEPLOYMENT, request.name(),
                now -> Revisions.become(now, Canary.asStable(canary), Optional.of(Revisions.of(now))));
        Rollout.Result result = Rollout.await(calls, request.name(), request.timeout(), progress);
        if (!result.healthy()) {
            progress.warn("Promotion failed: " + result.reason() + "; restoring the stable track, keeping the canary");
            Rollout.Result back = Revisions.restoreAndWait(calls, request.name(), before, request.timeout(), progress);
            if (!back.healthy()) {
                throw new KubeException("promoting " + canaryName + " failed (" + result.reason() + ") and so did"
                        + " restoring the stable track: " + back.reason());
            }
            return outcome(Status.ROLLED_BACK, request, stable, image(before), Optional.of(result.reason()));
        }
        calls.delete(KubeCalls.DEPLOYMENT, canaryName);
        progress.info("Promoted: " + request.namespace() + "/" + request.name() + " runs " + image(Canary.asStable(canary))
                + "; removed the canary");
        return outcome(Status.PROMOTED, request, canary, image(Canary.asStable(canary)), Optional.empty());
    }

    /** Removes the canary; the stable track is not touched. Nothing to abort is not an error. */
    public static KubeOutcome abort(Request request, KubernetesClient client, Progress progress) {
        KubeCalls calls = new KubeCalls(client, request.namespace());
        String canaryName = KubeNames.canary(request.name());
        if (calls.delete(KubeCalls.DEPLOYMENT, canaryName)) {
            progress.info("Aborted: removed the canary " + request.namespace() + "/" + canaryName);
        } else {
            progress.info("No canary " + request.namespace() + "/" + canaryName + " to abort");
        }
        Optional<Deployment> stable = calls.get(KubeCalls.DEPLOYMENT, request.name());
        return new KubeOutcome(Status.ABORTED, request.namespace(), request.name(),
                stable.map(d -> image(Revisions.of(d))), stable.map(KubeOutcome::url), Optional.empty());
    }

    /** The stable track back to its previous revision (a second rollback undoes the first), waited for. */
    public static KubeOutcome rollback(Request request, KubernetesClient client, Progress progress) {
        KubeCalls calls = new KubeCalls(client, request.namespace());
        Deployment stable = stable(calls, request);
        Revisions.Revision previous = Revisions.previous(stable).orElseThrow(() -> new InvalidInputException(
                Parameter.NAME, "deployment " + request.namespace() + "/" + request.name() + " has no previous"
                + " revision to roll back to (it was deployed once)"));
        progress.info("Rolling " + request.namespace() + "/" + request.name() + " back to " + image(previous));
        Rollout.Result result = Revisions.restoreAndWait(calls, request.name(), previous, request.timeout(), progress);
        if (!result.healthy()) {
            throw new KubeException("rollback of " + request.namespace() + "/" + request.name() + " to "
                    + image(previous) + " failed: " + result.reason());
        }
        return outcome(Status.REVERTED, request, stable, image(previous), Optional.empty());
    }

    /** Removes every object the deployment made, its Secret included. Nothing left to remove is not an error. */
    public static KubeOutcome undeploy(Request request, KubernetesClient client, Progress progress) {
        KubeCalls calls = new KubeCalls(client, request.namespace());
        String name = request.name();
        boolean monitor = calls.serviceMonitorCrd().orElse(false);
        int removed = 0;
        removed += remove(calls, KubeCalls.DEPLOYMENT, KubeNames.canary(name), progress);
        removed += remove(calls, KubeCalls.HPA, name, progress);
        removed += remove(calls, KubeCalls.DEPLOYMENT, name, progress);
        if (monitor) {
            removed += remove(calls, KubeCalls.SERVICE_MONITOR, name, progress);
        }
        removed += remove(calls, KubeCalls.SERVICE, name, progress);
        removed += remove(calls, KubeCalls.SECRET, name, progress);
        // The model's alert rules (modelops rules --register crd) go with it: nothing left to alert on.
        PrometheusRules.remove(client, request.namespace(), PrometheusRules.groupName(name), progress);
        if (removed == 0) {
            progress.info("Nothing named " + name + " in namespace " + request.namespace() + " to remove");
        }
        return new KubeOutcome(Status.UNDEPLOYED, request.namespace(), name, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static int remove(KubeCalls calls, KubeCalls.Kind<?> kind, String name, Progress progress) {
        if (calls.delete(kind, name)) {
            progress.info("Removed " + kind.resource() + " " + calls.namespace() + "/" + name);
            return 1;
        }
        return 0;
    }

    private static Deployment stable(KubeCalls calls, Request request) {
        return calls.get(KubeCalls.DEPLOYMENT, request.name()).orElseThrow(() -> new InvalidInputException(
                Parameter.NAME, "no deployment " + request.namespace() + "/" + request.name() + " (check "
                + Parameter.NAME.ref() + " and " + Parameter.NAMESPACE.ref() + ")"));
    }

    private static String image(Revisions.Revision r) {
        return r.template().getSpec().getContainers().get(0).getImage();
    }

    /** {@code like}: one of the deployment's Deployments, whose pods say whether it serves HTTPS. */
    private static KubeOutcome outcome(Status status, Request request, Deployment like, String image,
                                       Optional<String> reason) {
        return new KubeOutcome(status, request.namespace(), request.name(), Optional.of(image),
                Optional.of(KubeOutcome.url(like)), reason);
    }
}
