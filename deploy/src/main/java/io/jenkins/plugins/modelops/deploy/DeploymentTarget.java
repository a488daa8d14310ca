package io.jenkins.plugins.modelops.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.KubeNames;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome;
import io.jenkins.plugins.modelops.deploy.kube.KubeVerbs;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a deployment runs, and the verbs a promotion gate needs on it, whichever the target: promote a canary,
 * abort it, roll the stable track back. The gate (the monitor module) acts through this and nothing else.
 */
public sealed interface DeploymentTarget {

    /** What a verb did: the gate's evidence records it. */
    record Action(String verb, String name, boolean done, String detail) {
    }

    boolean hasCanary(String name);

    Action promote(String name, Duration timeout, Progress progress);

    Action abort(String name, Progress progress);

    Action rollback(String name, Duration timeout, Progress progress);

    /** A local deployment ({@code deploy --local}) under {@code stateDir}. */
    record Local(Path stateDir) implements DeploymentTarget {

        @Override
        public boolean hasCanary(String name) {
            return LocalDeploy.status(stateDir, name).map(s -> s.canary() != null).orElse(false);
        }

        @Override
        public Action promote(String name, Duration timeout, Progress progress) {
            LocalDeploy.Outcome outcome = LocalDeploy.promote(stateDir, name, timeout, progress);
            return new Action("promote", name, outcome.result() == LocalDeploy.Result.ROLLED_OUT,
                    "revision " + outcome.revision() + " serves at " + outcome.url() + " (" + outcome.reason() + ")");
        }

        @Override
        public Action abort(String name, Progress progress) {
            LocalDeploy.abort(stateDir, name, progress);
            return new Action("abort", name, true, "the canary was stopped; the stable server was not touched");
        }

        @Override
        public Action rollback(String name, Duration timeout, Progress progress) {
            LocalDeploy.Outcome outcome = LocalDeploy.rollback(stateDir, name, timeout, progress);
            return new Action("rollback", name, true, "revision " + outcome.revision() + " serves again at "
                    + outcome.url());
        }
    }

    /** A deployment on Kubernetes ({@code deploy}); the caller owns (and closes) the client. */
    record Kubernetes(KubernetesClient client, String namespace) implements DeploymentTarget {

        @Override
        public boolean hasCanary(String name) {
            return client.apps().deployments().inNamespace(namespace).withName(KubeNames.canary(name)).get() != null;
        }

        @Override
        public Action promote(String name, Duration timeout, Progress progress) {
            return action("promote", KubeVerbs.promote(new KubeVerbs.Request(name, namespace, timeout), client,
                    progress));
        }

        @Override
        public Action abort(String name, Progress progress) {
            return action("abort", KubeVerbs.abort(KubeVerbs.Request.of(name, namespace), client, progress));
        }

        @Override
        public Action rollback(String name, Duration timeout, Progress progress) {
            return action("rollback", KubeVerbs.rollback(new KubeVerbs.Request(name, namespace, timeout), client,
                    progress));
        }

        private static Action action(String verb, KubeOutcome outcome) {
            return new Action(verb, outcome.name(), !outcome.failed(), outcome.status() + outcome.image()
                    .map(i -> " " + i).orElse("") + outcome.reason().map(r -> " (" + r + ")").orElse(""));
        }
    }
}
