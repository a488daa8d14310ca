package io.jenkins.plugins.modelops.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.deploy.kube.KubeConnection;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a deployment lives on Kubernetes: the options every verb shares. A picocli argument group that may be
 * absent ({@code multiplicity = "0..1"}), so that {@code --local} can stand in its place.
 */
final class KubeOptions {

    @Option(names = "--namespace", paramLabel = "NS",
            description = "namespace (default: the kubeconfig context's, else 'default'); it must exist")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the pod's service account"
                    + " in a cluster)")
    Path kubeconfig;

    /** The cluster's configuration; read once per command. */
    Config config() {
        return KubeConnection.config(Optional.ofNullable(kubeconfig));
    }

    String namespace(Config config) {
        return KubeConnection.namespace(Optional.ofNullable(namespace), config);
    }

    /** picocli leaves a group that matched no option null. */
    static KubeOptions orDefaults(KubeOptions options) {
        return options == null ? new KubeOptions() : options;
    }

    static KubernetesClient connect(Config config) {
        return KubeConnection.connect(config);
    }
}
