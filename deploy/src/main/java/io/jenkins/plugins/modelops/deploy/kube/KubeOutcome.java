package io.jenkins.plugins.modelops.deploy.kube;

import java.util.Optional;

/**
 * What a Kubernetes verb did, in plain values (for the CLI's output, a step's return value, a build action).
 *
 * @param image  the image the stable track (or, for {@link Status#CANARY_STARTED}, the canary) runs afterwards;
 *               empty when nothing runs any more
 * @param url    where clients inside the cluster reach the deployment (the Service's DNS name); empty once undeployed
 * @param reason why a rollout failed (the state it was left in), empty on success
 */
public record KubeOutcome(Status status, String namespace, String name, Optional<String> image, Optional<String> url,
                          Optional<String> reason) {

    public enum Status {
        /** The new revision runs on every stable replica. */
        ROLLED_OUT,
        /** {@code <name>-canary} runs the new image next to the stable pods; promote or abort it. */
        CANARY_STARTED,
        /** The rollout failed or timed out; the previous revision runs again (and is healthy). */
        ROLLED_BACK,
        /** The first rollout failed; every object it created was removed again. */
        FAILED_FIRST_DEPLOY,
        /** {@code rollback} on request: the previous revision runs again. */
        REVERTED,
        /** The stable track took the canary's template; the canary is gone. */
        PROMOTED,
        /** The canary is gone; the stable track was not touched. */
        ABORTED,
        /** Every object of the deployment, its Secret included, is gone. */
        UNDEPLOYED
    }

    /** The gate-style "no": the rollout was refused and undone (CLI exit code 1). */
    public boolean failed() {
        return status == Status.ROLLED_BACK || status == Status.FAILED_FIRST_DEPLOY;
    }

    static String url(DeploySpec spec) {
        return url(spec.name(), spec.namespace(), spec.tlsSecret().isPresent());
    }

    /** The URL of a deployment as it runs: HTTPS when its pods get a TLS certificate. */
    static String url(io.fabric8.kubernetes.api.model.apps.Deployment d) {
        boolean tls = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.empty() : c.getEnv().stream())
                .anyMatch(e -> io.jenkins.plugins.modelops.deploy.server.ServerCommand.TLS_CERT.equals(e.getName()));
        String name = d.getMetadata().getName();
        if (name.endsWith(KubeNames.CANARY_SUFFIX)) {
            name = name.substring(0, name.length() - KubeNames.CANARY_SUFFIX.length());
        }
        return url(name, d.getMetadata().getNamespace(), tls);
    }

    static String url(String name, String namespace, boolean tls) {
        return (tls ? "https" : "http") + "://" + name + "." + namespace + ".svc:"
                + io.jenkins.plugins.modelops.deploy.server.ServerCommand.CONTAINER_PORT;
    }
}
