package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A client for the cluster: from a kubeconfig file, else as {@code kubectl} finds one ({@code KUBECONFIG},
 * {@code ~/.kube/config}) or in-cluster (the pod's service account). Token, client-certificate and exec-plugin
 * authentication are fabric8's, as the kubeconfig says.
 */
public final class KubeConnection {

    /** Retries of a failed connection: an unreachable API server is reported in about a second, not minutes. */
    static final int CONNECT_RETRIES = 2;

    private KubeConnection() {
    }

    /** The cluster's configuration, and the namespace its current context names ("default" if none). */
    public static Config config(Optional<Path> kubeconfig) {
        Config config;
        if (kubeconfig.isPresent()) {
            Path file = kubeconfig.get();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InvalidInputException(Parameter.KUBECONFIG, Parameter.KUBECONFIG.ref() + " " + file
                        + ": cannot read it (" + e.getClass().getSimpleName() + ")");
            }
            try {
                config = Config.fromKubeconfig(text);
            } catch (RuntimeException e) { // fabric8 says little more than a NullPointerException for an empty file
                throw new InvalidInputException(Parameter.KUBECONFIG, Parameter.KUBECONFIG.ref() + " " + file
                        + " is not a usable kubeconfig (apiVersion: v1, kind: Config, with clusters, users and a"
                        + " current context)", e);
            }
        } else {
            config = Config.autoConfigure(null);
        }
        config.setRequestRetryBackoffLimit(CONNECT_RETRIES);
        return config;
    }

    public static KubernetesClient connect(Config config) {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The namespace to use: the one asked for, else the kubeconfig context's, else {@code default}. */
    public static String namespace(Optional<String> asked, Config config) {
        return asked.orElse(config.getNamespace() == null ? "default" : config.getNamespace());
    }
}
