package io.jenkins.plugins.modelops.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.image.BuildImage;
import io.jenkins.plugins.modelops.deploy.image.Target;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.deploy.kube.KubeDeploy;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusReporter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code deployModel} step on Kubernetes, the whole path in three calls: build the server image around the
 * bundle and push it ({@link BuildImage}), pin the rollout to the pushed digest with the bundle's provenance, and
 * roll it out ({@link KubeDeploy}, which rolls back by itself when the rollout fails). Without a cluster, the step
 * and {@code modelops deploy --local} use {@link io.jenkins.plugins.modelops.deploy.local.LocalDeploy} instead.
 */
public final class DeployModel {

    /**
     * @param image   how to build and where to push; the target must be a registry the cluster pulls from
     * @param rollout the Kubernetes side; its image is replaced by the pushed reference ({@code repo@sha256:...})
     */
    public record Request(BuildImage.Request image, DeploySpec rollout, StatusReporter status) {

        /** A deployment that reports its lifecycle status nowhere. */
        public Request(BuildImage.Request image, DeploySpec rollout) {
            this(image, rollout, StatusReporter.NONE);
        }

        public Request {
            status = status == null ? StatusReporter.NONE : status;
            if (!(image.target() instanceof Target.Registry)) {
                throw new InvalidInputException(Parameter.IMAGE, "a cluster pulls its image from a registry: "
                        + Parameter.IMAGE.ref() + " must name one (a tarball or a local Docker engine is for "
                        + "deploy --local)");
            }
        }
    }

    /** What was built and pushed, and what the rollout did (rolled out, or failed and rolled back). */
    public record Outcome(BuildImage.Outcome image, KubeOutcome rollout) {

        /** The rollout was refused and undone: the step fails, the CLI exits 1. */
        public boolean failed() {
            return rollout.failed();
        }

        /**
         * The deployment in plain values, for the {@code deployModel} step's return value and its build action:
         * {@code name}, {@code namespace}, {@code image} (by digest), {@code digest}, {@code status}, {@code url},
         * {@code failed}, and {@code reason} when it failed.
         */
        public Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", rollout.name());
            summary.put("namespace", rollout.namespace());
            summary.put("image", image.reference());
            summary.put("digest", image.digest());
            summary.put("status", rollout.status().name());
            summary.put("url", rollout.url().orElse(""));
            summary.put("failed", failed());
            rollout.reason().ifPresent(r -> summary.put("reason", r));
            return summary;
        }
    }

    private DeployModel() {
    }

    /**
     * Reports {@code deploying} under the bundle's version, then {@code running}, or {@code rolled_back} with the
     * reason when the rollout was undone or failed on the way (the image build included).
     */
    public static Outcome run(Request request, KubernetesClient client, Progress progress) {
        ModelBundle bundle = ModelBundle.open(request.image().bundle());
        String modelId = bundle.manifest().modelId();
        String name = request.rollout().name();
        String version = bundle.manifest().shortId();
        request.status().report(name, version, ModelStatus.DEPLOYING, null, progress);
        try {
            BuildImage.Outcome built = BuildImage.run(request.image(), progress);
            DeploySpec pinned = request.rollout().withImage(built.reference())
                    .withProvenance(modelId, built.digest(), request.image().buildUrl().orElse(null));
            KubeOutcome rollout = KubeDeploy.run(pinned, client, progress);
            request.status().report(name, version, rollout.failed() ? ModelStatus.ROLLED_BACK : ModelStatus.RUNNING,
                    rollout.reason().orElse(null), progress);
            return new Outcome(built, rollout);
        } catch (RuntimeException e) {
            request.status().report(name, version, ModelStatus.ROLLED_BACK, "the deployment failed: "
                    + e.getMessage(), progress);
            throw e;
        }
    }
}
