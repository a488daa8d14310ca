package io.jenkins.plugins.modelops.plugin.deploy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.DeployModel;
import io.jenkins.plugins.modelops.deploy.image.BaseImage;
import io.jenkins.plugins.modelops.deploy.image.BuildImage;
import io.jenkins.plugins.modelops.deploy.image.RegistryCredentials;
import io.jenkins.plugins.modelops.deploy.image.Target;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.deploy.kube.KubeConnection;
import io.jenkins.plugins.modelops.deploy.kube.KubeDeploy;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.plugin.OnAgent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code deployModel} step's fields as plain values that cross to the agent, and the deploy engine called
 * with them there: locally ({@code local: true}), as a dry run, or built with Jib and rolled out with fabric8.
 * Secrets (the registry password, the kubeconfig) travel here but never show: {@link #toString} hides them.
 */
public record DeployArguments(String model, String image, String baseImage, String registryUsername,
                              String registryPassword, String kubeconfig, String namespace, String name,
                              Integer replicas, String strategy, Integer canaryReplicas, String timeout, String hpa,
                              String tlsSecret, String bundlePvc, ArrayList<String> env, boolean local,
                              boolean dryRun, String buildUrl) implements OnAgent.Work {

    private static final long serialVersionUID = 1L;

    /** Runs the engine on {@code workspace}; the summary is the step's return value. */
    @Override
    public Map<String, Object> run(Path workspace, Progress progress) {
        Path bundle = workspace.resolve(require(model, Parameter.MODEL));
        DeploySpec.Strategy how = strategy == null ? DeploySpec.Strategy.ROLLING : DeploySpec.Strategy.parse(strategy);
        String deployment = name != null ? name : bundle.getFileName().toString();
        if (local) {
            LocalDeploy.Request request = new LocalDeploy.Request(bundle, deployment, 0, LocalDeploy.defaultStateDir(),
                    how == DeploySpec.Strategy.CANARY ? LocalDeploy.Strategy.CANARY : LocalDeploy.Strategy.ROLLING,
                    timeout == null ? DeploySpec.DEFAULT_TIMEOUT : DeploySpec.parseTimeout(timeout));
            return new LinkedHashMap<>(LocalDeploy.run(request, progress).summary());
        }
        Config config = kubeconfig != null ? Config.fromKubeconfig(kubeconfig)
                : dryRun && namespace != null ? null : KubeConnection.config(Optional.empty());
        String ns = config == null ? namespace : KubeConnection.namespace(Optional.ofNullable(namespace), config);
        DeploySpec spec = spec(require(image, Parameter.IMAGE), deployment, ns, how);
        if (dryRun) {
            progress.info(KubeDeploy.render(spec));
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", deployment);
            summary.put("namespace", ns);
            summary.put("image", image);
            summary.put("status", "DRY_RUN");
            return summary;
        }
        BuildImage.Request build = BuildImage.Request.of(bundle, image, Target.registry()).withName(deployment)
                .withProvenance(buildUrl, null, null);
        if (baseImage != null) {
            build = build.withBase(BaseImage.parse(baseImage));
        }
        if (registryUsername != null) {
            build = build.withCredentials(new RegistryCredentials(registryUsername, registryPassword));
        }
        try (KubernetesClient client = KubeConnection.connect(config)) {
            return new LinkedHashMap<>(DeployModel.run(new DeployModel.Request(build, spec), client, progress)
                    .summary());
        }
    }

    DeploySpec spec(String reference, String deployment, String ns, DeploySpec.Strategy how) {
        DeploySpec spec = DeploySpec.of(reference, deployment, ns)
                .withReplicas(replicas == null ? DeploySpec.DEFAULT_REPLICAS : replicas)
                .withStrategy(how)
                .withTimeout(timeout == null ? DeploySpec.DEFAULT_TIMEOUT : DeploySpec.parseTimeout(timeout))
                .withEnv(env)
                .withTlsSecret(tlsSecret)
                .withBundlePvc(bundlePvc)
                .withHpa(hpa == null ? null : DeploySpec.Autoscaling.parse(hpa));
        if (how == DeploySpec.Strategy.CANARY) {
            return spec.withCanary(canaryReplicas == null ? DeploySpec.DEFAULT_CANARY_REPLICAS : canaryReplicas);
        }
        if (canaryReplicas != null) {
            throw new InvalidInputException(Parameter.CANARY_REPLICAS, Parameter.CANARY_REPLICAS.ref()
                    + " only applies with " + Parameter.STRATEGY.ref() + " canary");
        }
        return spec;
    }

    private static String require(String value, Parameter parameter) {
        if (value == null) {
            throw new InvalidInputException(parameter, "deployModel needs " + parameter.ref());
        }
        return value;
    }

    /** {@code env: [K: 'v', T: 'secret:NAME/KEY']} as the engine's {@code K=V} entries. */
    static ArrayList<String> env(Map<String, ?> env) {
        ArrayList<String> entries = new ArrayList<>();
        if (env != null) {
            env.forEach((k, v) -> entries.add(k + "=" + v));
        }
        return entries;
    }

    @Override
    public String toString() {
        return "DeployArguments[model=" + model + ", image=" + image + ", name=" + name + ", namespace=" + namespace
                + ", registry login=" + (registryUsername == null ? "none" : registryUsername + ":****")
                + ", kubeconfig=" + (kubeconfig == null ? "none" : "****") + ", local=" + local + "]";
    }

    /** The same arguments with the credentials the controller looked up. */
    DeployArguments withSecrets(String username, String password, String kubeconfigText) {
        return new DeployArguments(model, image, baseImage, username, password, kubeconfigText, namespace, name,
                replicas, strategy, canaryReplicas, timeout, hpa, tlsSecret, bundlePvc, env, local, dryRun, buildUrl);
    }
}
