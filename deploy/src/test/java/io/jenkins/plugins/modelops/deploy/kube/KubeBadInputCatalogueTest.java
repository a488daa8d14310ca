package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every message deployModel's Kubernetes part gives for bad input or a cluster it cannot use, word for word. */
class KubeBadInputCatalogueTest {

    private static void bad(Parameter parameter, String message, Executable action) {
        assertThatThrownBy(action::execute).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.render(p -> "--" + p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
                    .isEqualTo(message);
            assertThat(e.parameter()).contains(parameter);
        });
    }

    @Test
    void imagesNamesAndNamespaces() {
        bad(Parameter.IMAGE, "--image 'Registry.example/ML:1' is not a valid image reference: it does not follow"
                + " [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST] with a lowercase repository",
                () -> DeploySpec.of("Registry.example/ML:1", "iris", "ml"));
        bad(Parameter.IMAGE, "--image 'iris:1@sha256:abc' is not a valid image reference: it does not follow"
                + " [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST] with a lowercase repository",
                () -> DeploySpec.of("iris:1@sha256:abc", "iris", "ml"));
        bad(Parameter.IMAGE, "--image '' is not a valid image reference: it is empty", () -> DeploySpec.of("", "iris", "ml"));
        bad(Parameter.NAME, "--name 'Iris_2' is not a valid Kubernetes name: it must be an RFC 1035 label (a DNS-1123"
                + " label that Services accept): lowercase letters, digits and '-', starting with a letter, ending with a"
                + " letter or digit, at most 56 characters so that '<name>-canary' fits 63",
                () -> DeploySpec.of("iris:1", "Iris_2", "ml"));
        bad(Parameter.NAME, "--name '2iris' is not a valid Kubernetes name: it must be an RFC 1035 label (a DNS-1123"
                + " label that Services accept): lowercase letters, digits and '-', starting with a letter, ending with a"
                + " letter or digit, at most 56 characters so that '<name>-canary' fits 63",
                () -> DeploySpec.of("iris:1", "2iris", "ml"));
        DeploySpec.of("iris:1", "a".repeat(56), "ml");
        assertThatThrownBy(() -> DeploySpec.of("iris:1", "a".repeat(57), "ml")).isInstanceOf(InvalidInputException.class);
        bad(Parameter.NAMESPACE, "--namespace 'ML' is not a valid namespace: it must be a DNS-1123 label: lowercase"
                + " letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                () -> DeploySpec.of("iris:1", "iris", "ML"));
        bad(Parameter.TLS_SECRET, "--tls-secret 'Iris TLS' is not a valid Kubernetes object name: it must be a DNS-1123"
                + " subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at"
                + " most 253 characters", () -> DeploySpec.of("iris:1", "iris", "ml").withTlsSecret("Iris TLS"));
    }

    @Test
    void numbersDurationsAndOptions() {
        bad(Parameter.REPLICAS, "--replicas 0 is out of range: give 1 to 1000",
                () -> DeploySpec.of("iris:1", "iris", "ml").withReplicas(0));
        bad(Parameter.CANARY_REPLICAS, "--canary-replicas 0 is out of range: give 1 to 1000",
                () -> DeploySpec.of("iris:1", "iris", "ml").withCanary(0));
        bad(Parameter.STRATEGY, "--strategy 'blue-green' is not a strategy: use rolling or canary",
                () -> DeploySpec.Strategy.parse("blue-green"));
        bad(Parameter.TIMEOUT, "--timeout 'soon' is not a duration: give 90s, 5m, 1h or ISO-8601 (PT5M)",
                () -> DeploySpec.parseTimeout("soon"));
        assertThat(DeploySpec.parseTimeout("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DeploySpec.parseTimeout("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DeploySpec.parseTimeout("PT1H")).isEqualTo(Duration.ofHours(1));
        bad(Parameter.HPA, "--hpa '2-10' is not MIN:MAX:CPU% (e.g. 2:10:70)", () -> DeploySpec.Autoscaling.parse("2-10"));
        bad(Parameter.HPA, "--hpa 5:2:70% needs 1 <= MIN <= MAX and a CPU target of 1 to 100%",
                () -> DeploySpec.Autoscaling.parse("5:2:70"));
        assertThat(DeploySpec.Autoscaling.parse("2:10:70%")).isEqualTo(new DeploySpec.Autoscaling(2, 10, 70));
        bad(Parameter.ENV, "--env 'LOG_LEVEL' is not K=V or K=secret:NAME/KEY",
                () -> DeploySpec.EnvEntry.parse("LOG_LEVEL"));
        bad(Parameter.ENV, "--env '1X' is not an environment variable name (letters, digits and '_', not starting with"
                + " a digit)", () -> DeploySpec.EnvEntry.parse("1X=2"));
        bad(Parameter.ENV, "--env MODELOPS_ID_KEY is set by the deployment itself and cannot be overridden",
                () -> DeploySpec.EnvEntry.parse("MODELOPS_ID_KEY=abc"));
        bad(Parameter.ENV, "--env DB=secret:… must be K=secret:NAME/KEY (a Secret in the same namespace and one of its"
                + " keys)", () -> DeploySpec.EnvEntry.parse("DB=secret:db"));
        bad(Parameter.ENV, "--env A is given twice",
                () -> DeploySpec.of("iris:1", "iris", "ml").withEnv(List.of("A=1", "A=2")));
    }

    @Test
    void aMissingNamespaceSaysToCreateIt() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            bad(Parameter.NAMESPACE, "namespace 'staging' does not exist: create it (kubectl create namespace staging)"
                    + " or choose another with --namespace",
                    () -> KubeDeploy.run(DeploySpec.of("iris:1", "iris", "staging"), cluster.client, Progress.silent()));
        }
    }

    @Test
    void verbsWithNothingToWorkOn() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            bad(Parameter.NAME, "no canary ml/iris-canary to promote: start one with deploy --strategy canary",
                    () -> KubeVerbs.promote(KubeVerbs.Request.of("iris", "ml"), cluster.client, Progress.silent()));
            bad(Parameter.NAME, "no deployment ml/iris (check --name and --namespace)",
                    () -> KubeVerbs.rollback(KubeVerbs.Request.of("iris", "ml"), cluster.client, Progress.silent()));
            KubeDeploy.run(DeploySpec.of("iris:1", "iris", "ml").withTimeout(Duration.ofSeconds(2)), cluster.client,
                    Progress.silent());
            bad(Parameter.NAME, "deployment ml/iris has no previous revision to roll back to (it was deployed once)",
                    () -> KubeVerbs.rollback(KubeVerbs.Request.of("iris", "ml"), cluster.client, Progress.silent()));
        }
    }

    @Test
    void anUnreachableApiServerIsNamedByItsUrl() {
        Config config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient client = KubeConnection.connect(config)) {
            assertThatThrownBy(() -> KubeDeploy.run(DeploySpec.of("iris:1", "iris", "ml"), client, Progress.silent()))
                    .isInstanceOf(KubeException.class)
                    .hasMessageStartingWith("cannot reach the Kubernetes API at http://127.0.0.1:1/: ")
                    .hasMessageEndingWith(" (check the kubeconfig's server URL and the network)");
        }
    }

    @Test
    void aKubeconfigFileWithATokenReachesTheClusterAndNamesTheNamespace(@TempDir Path dir) throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            Path file = dir.resolve("config");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster: {server: "%s"}
                    users:
                    - name: ci
                      user: {token: not-a-real-token}
                    contexts:
                    - name: ci@mock
                      context: {cluster: mock, user: ci, namespace: ml}
                    current-context: ci@mock
                    """.formatted(cluster.client.getMasterUrl()));
            Config config = KubeConnection.config(Optional.of(file));
            assertThat(KubeConnection.namespace(Optional.empty(), config)).isEqualTo("ml");
            assertThat(KubeConnection.namespace(Optional.of("other"), config)).isEqualTo("other");
            try (KubernetesClient client = KubeConnection.connect(config)) {
                assertThat(KubeDeploy.run(DeploySpec.of("iris:1", "iris", "ml").withTimeout(Duration.ofSeconds(2)),
                        client, Progress.silent()).status()).isEqualTo(KubeOutcome.Status.ROLLED_OUT);
            }
            assertThat(cluster.faults.authorizations).contains("Bearer not-a-real-token");
        }
        bad(Parameter.KUBECONFIG, "--kubeconfig " + dir.resolve("absent") + ": cannot read it (NoSuchFileException)",
                () -> KubeConnection.config(Optional.of(dir.resolve("absent"))));
        Files.writeString(dir.resolve("empty"), "");
        bad(Parameter.KUBECONFIG, "--kubeconfig " + dir.resolve("empty") + " is not a usable kubeconfig (apiVersion:"
                + " v1, kind: Config, with clusters, users and a current context)",
                () -> KubeConnection.config(Optional.of(dir.resolve("empty"))));
    }
}
