package io.jenkins.plugins.modelops.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.deploy.kube.KubeDeploy;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.status.StatusReporter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code modelops deploy}: roll a model server image out to Kubernetes, rolled back if it does not become ready. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Roll a model server image out to Kubernetes: Secret, Service, Deployment",
                "(or <name>-canary), optional HPA, and a ServiceMonitor if the Prometheus",
                "Operator is installed. A rollout that is not ready within --timeout is",
                "rolled back to the previous revision. With --local: a supervised server",
                "process on this machine that outlives the command (its URL on stdout);",
                "with --local --docker: a container on the local Docker engine.",
                "Exit codes: 0 rolled out (or canary started), 1 the rollout failed and",
                "was rolled back, 2 bad input, 3 any other failure (cluster unreachable,",
                "forbidden, ...)."})
final class DeployCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "the deployment's name: its Deployment, Service, Secret and HPA are called this")
    String name;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "how long a rollout may take before it is rolled back: 90s, 5m, 1h (default 5m)")
    String timeout;

    @Option(names = "--strategy", paramLabel = "rolling|canary", defaultValue = "rolling",
            description = "rolling (default) replaces the pods in place; canary starts <name>-canary next to them"
                    + " behind the same Service (locally: a second server on its own port); then promote or abort")
    String strategy;

    /** With --local (the deployModel step also on Kubernetes): deploying, then running or rolled_back. */
    @Mixin
    PushgatewayOptions pushgateway = new PushgatewayOptions();

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "%nLocal (no cluster):%n")
    LocalDeployOptions local;

    /** {@code --local}: a supervised server process on this machine, the embedded default without a cluster. */
    static final class LocalDeployOptions extends LocalTarget.Options {
        @Option(names = "--bundle", paramLabel = "DIR", description = "the model bundle to serve (modelops train --out)")
        java.nio.file.Path bundle;

        @Option(names = "--port", paramLabel = "N", defaultValue = "0",
                description = "the stable server's port on 127.0.0.1 (default: the deployment's, or a free one)")
        int port;

        @Option(names = "--docker",
                description = "run the servers as containers on the local Docker engine (DOCKER_HOST respected),"
                        + " each revision an image built from its bundle; remembered by the deployment")
        boolean docker;

        @Option(names = "--base-image", paramLabel = "REF",
                description = "with --docker: the JRE base image (default eclipse-temurin:17-jre), docker://REF"
                        + " for one in the engine, tar://PATH for a docker save tarball")
        String baseImage;
    }

    /** Absent when no Kubernetes option is given: then {@code --image} is missing (or {@code --local} is meant). */
    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "%nKubernetes:%n")
    KubeDeployOptions kube;

    /** The Kubernetes target's options; {@code --local} and its options are the alternative to this group. */
    static final class KubeDeployOptions {

        @Option(names = "--image", required = true, paramLabel = "REF",
                description = "the server image: [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST]")
        String image;

        @ArgGroup(exclusive = false)
        KubeOptions target = new KubeOptions();

        @Option(names = "--replicas", paramLabel = "N", defaultValue = "2", description = "stable replicas (default 2)")
        int replicas;

        @Option(names = "--canary-replicas", paramLabel = "N",
                description = "replicas of the canary (default 1): its share of requests is N/(N+stable)")
        Integer canaryReplicas;

        @Option(names = "--hpa", paramLabel = "MIN:MAX:CPU%",
                description = "a HorizontalPodAutoscaler on CPU, e.g. 2:10:70")
        String hpa;

        @Option(names = "--tls-secret", paramLabel = "NAME",
                description = "a kubernetes.io/tls Secret: mounted read-only, the server serves HTTPS with it")
        String tlsSecret;

        @Option(names = "--bundle-pvc", paramLabel = "NAME",
                description = "a PersistentVolumeClaim holding the model bundle, mounted at /model instead of the"
                        + " image's")
        String bundlePvc;

        @Option(names = "--env", paramLabel = "K=V",
                description = "extra environment variable, repeatable: K=V, or K=secret:NAME/KEY to read KEY of the"
                        + " Secret NAME (the value never appears in a manifest)")
        List<String> env = new ArrayList<>();

        @Option(names = "--dry-run",
                description = "print every object as YAML on stdout (the Secret's values as placeholders); touch"
                        + " no cluster")
        boolean dryRun;
    }

    @Override
    public Integer call() {
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        StatusReporter status = pushgateway.reporter();
        if (local != null && local.local) {
            if (kube != null) {
                throw new ParameterException(spec.commandLine(), "--local deploys on this machine: leave out the "
                        + "Kubernetes options (--image, --namespace, --replicas, ...)");
            }
            if (local.baseImage != null && !local.docker) {
                throw new ParameterException(spec.commandLine(), "--base-image goes with --docker");
            }
            return LocalTarget.deploy(local, local.bundle, name, local.port,
                    local.docker ? new LocalDeploy.Docker(local.baseImage, null) : null,
                    DeploySpec.Strategy.parse(strategy) == DeploySpec.Strategy.CANARY,
                    DeploySpec.parseTimeout(timeout), status, spec.commandLine().getOut(), progress);
        }
        if (local != null) {
            throw new ParameterException(spec.commandLine(), "--bundle, --port, --state-dir, --docker and --base-image go with --local");
        }
        if (kube == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--image=REF'");
        }
        KubeDeployOptions k = kube;
        KubeOptions target = KubeOptions.orDefaults(k.target);
        // A dry run reads the kubeconfig only for its namespace, and not at all when --namespace is given.
        Config config = k.dryRun && target.namespace != null ? null : target.config();
        String namespace = config == null ? target.namespace : target.namespace(config);
        DeploySpec deploy = DeploySpec.of(k.image, name, namespace)
                .withReplicas(k.replicas)
                .withStrategy(DeploySpec.Strategy.parse(strategy))
                .withTimeout(DeploySpec.parseTimeout(timeout))
                .withEnv(k.env)
                .withTlsSecret(k.tlsSecret)
                .withBundlePvc(k.bundlePvc)
                .withHpa(k.hpa == null ? null : DeploySpec.Autoscaling.parse(k.hpa));
        if (deploy.strategy() == DeploySpec.Strategy.CANARY) {
            deploy = deploy.withCanary(k.canaryReplicas == null ? DeploySpec.DEFAULT_CANARY_REPLICAS : k.canaryReplicas);
        } else if (k.canaryReplicas != null) {
            throw new InvalidInputException(Parameter.CANARY_REPLICAS, Parameter.CANARY_REPLICAS.ref()
                    + " only applies with " + Parameter.STRATEGY.ref() + " canary");
        }
        if (status != StatusReporter.NONE && !k.dryRun) {
            // An image names no model version, and the server's version label is the bundle's: deployModel, which
            // builds the image from the bundle, reports it.
            progress.warn(Parameter.PUSHGATEWAY.ref() + ": the lifecycle status is pushed for --local deployments"
                    + " (and by the deployModel step); an --image deployment does not know its model's version");
        }
        if (k.dryRun) {
            spec.commandLine().getOut().print(KubeDeploy.render(deploy));
            spec.commandLine().getOut().flush();
            return ModelOps.OK;
        }
        try (KubernetesClient client = KubeOptions.connect(config)) {
            return VerbCommands.report(KubeDeploy.run(deploy, client, progress), spec);
        }
    }

    static int exitCode(KubeOutcome outcome) {
        return outcome.failed() ? ModelOps.REJECTED : ModelOps.OK;
    }
}
