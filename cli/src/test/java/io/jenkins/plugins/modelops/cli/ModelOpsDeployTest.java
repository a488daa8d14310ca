package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelops deploy} and its verbs: the dry run's YAML, the exit codes, what goes to stdout and stderr. */
class ModelOpsDeployTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static Path kubeconfig(Path dir, String server) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "%s"}}]
                users: [{name: u, user: {token: t0k3n}}]
                contexts: [{name: x, context: {cluster: c, user: u, namespace: ml}}]
                current-context: x
                """.formatted(server));
        return file;
    }

    @Test
    void dryRunPrintsEveryObjectAsYamlOnStdoutAndNothingElse() throws Exception {
        assertThat(run("deploy", "--image", "registry.example/ml/iris:3", "--name", "iris", "--namespace", "ml",
                "--strategy", "canary", "--canary-replicas", "2", "--replicas", "4", "--hpa", "4:8:60",
                "--tls-secret", "iris-tls", "--bundle-pvc", "models", "--env", "A=1", "--env", "DB=secret:db/pw",
                "--timeout", "90s", "--dry-run")).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        Map<String, JsonNode> docs = new HashMap<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(out.toString())) {
            it.forEachRemaining(d -> docs.put(d.at("/kind").asText() + "/" + d.at("/metadata/name").asText(), d));
        }
        assertThat(docs).containsOnlyKeys("Secret/iris", "Service/iris", "Deployment/iris", "Deployment/iris-canary",
                "HorizontalPodAutoscaler/iris", "ServiceMonitor/iris");
        JsonNode stable = docs.get("Deployment/iris");
        assertThat(stable.at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(stable.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(90);
        assertThat(docs.get("Deployment/iris-canary").at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode container = stable.at("/spec/template/spec/containers/0");
        List<String> env = new ArrayList<>();
        container.at("/env").forEach(e -> env.add(e.get("name").asText() + "=" + (e.has("value")
                ? e.get("value").asText() : "secret:" + e.at("/valueFrom/secretKeyRef/name").asText() + "/"
                + e.at("/valueFrom/secretKeyRef/key").asText())));
        assertThat(env).contains("MODELOPS_TRACK=stable", "MODELOPS_FEEDBACK_TOKEN=secret:iris/feedback-token",
                "MODELOPS_ID_KEY=secret:iris/id-key", "MODELOPS_TLS_CERT=/etc/modelops/tls/tls.crt", "A=1",
                "DB=secret:db/pw");
        assertThat(container.at("/readinessProbe/httpGet/scheme").asText()).isEqualTo("HTTPS");
        assertThat(docs.get("HorizontalPodAutoscaler/iris").at("/spec/maxReplicas").asInt()).isEqualTo(8);
        assertThat(docs.get("Secret/iris").at("/stringData/id-key").asText()).startsWith("<generated");
    }

    @Test
    void badInputExitsTwoNamingTheFlag() {
        assertThat(run("deploy", "--image", "Registry/ML", "--name", "iris", "--namespace", "ml", "--dry-run"))
                .isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --image 'Registry/ML' is not a valid image reference: it does not"
                + " follow [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST] with a lowercase repository\n");
        assertThat(run("deploy", "--image", "iris:1", "--name", "iris", "--namespace", "ml", "--hpa", "9", "--dry-run"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("error: --hpa '9' is not MIN:MAX:CPU% (e.g. 2:10:70)");
        assertThat(run("deploy", "--image", "iris:1", "--name", "iris", "--namespace", "ml", "--canary-replicas", "2",
                "--dry-run")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --canary-replicas only applies with --strategy canary\n");
        assertThat(run("deploy", "--name", "iris")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--image=REF'");
    }

    @Test
    void helpSaysTheEnvSyntaxAndTheExitCodes() {
        assertThat(run("deploy", "--help")).isZero();
        assertThat(out.toString()).contains("K=secret:NAME/KEY", "--canary-replicas", "--bundle-pvc", "--dry-run",
                "1 the rollout failed and\n");
        for (String verb : List.of("promote", "abort", "rollback", "undeploy")) {
            assertThat(run(verb, "--help")).isZero();
            assertThat(out.toString()).contains("--name", "--namespace", "--kubeconfig");
        }
    }

    @Test
    void anUnreachableClusterExitsThreeNamingTheUrl(@TempDir Path dir) throws Exception {
        assertThat(run("deploy", "--image", "iris:1", "--name", "iris", "--kubeconfig",
                kubeconfig(dir, "http://127.0.0.1:1").toString())).isEqualTo(3);
        assertThat(err.toString()).startsWith("error: cannot reach the Kubernetes API at http://127.0.0.1:1/: ")
                .doesNotContain("\tat ");
    }

    @Test
    void onTheMockServerARolloutExitsZeroAndOneThatNeverGetsReadyExitsOne(@TempDir Path dir) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        try (KubernetesClient client = server.createClient()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
                    .create();
            String config = kubeconfig(dir, client.getMasterUrl().toString()).toString();

            assertThat(run("deploy", "--image", "iris:1", "--name", "iris", "--kubeconfig", config, "--timeout", "1s"))
                    .as(err.toString()).isEqualTo(1);
            assertThat(out.toString()).startsWith("failed-first-deploy ml/iris (deployment ml/iris did not become"
                    + " ready within 1s: waiting for the controller to see generation 1)");

            Thread controller = new Thread(() -> healthy(client), "controller");
            controller.setDaemon(true);
            controller.start();
            assertThat(run("deploy", "--image", "iris:1", "--name", "iris", "--kubeconfig", config, "--timeout", "5s"))
                    .as(err.toString()).isZero();
            assertThat(out.toString()).isEqualTo("rolled-out ml/iris iris:1 http://iris.ml.svc:8080\n");
            assertThat(err.toString()).contains("deployment ml/iris: 2/2 replicas updated, 2 available: rolled out");

            assertThat(run("promote", "--name", "iris", "--kubeconfig", config)).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("error: no canary ml/iris-canary to promote: start one with deploy"
                    + " --strategy canary\n");
            assertThat(run("undeploy", "--name", "iris", "--kubeconfig", config)).isZero();
            assertThat(out.toString()).isEqualTo("undeployed ml/iris\n");
            assertThat(client.secrets().inNamespace("ml").list().getItems()).isEmpty();
            controller.interrupt();
        } finally {
            server.destroy();
        }
    }

    /** The Deployment controller in brief: every Deployment is healthy at its latest generation. */
    private static void healthy(KubernetesClient client) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
                    if (d.getStatus() == null || d.getStatus().getObservedGeneration() == null
                            || d.getStatus().getObservedGeneration() != generation) {
                        int n = d.getSpec().getReplicas();
                        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(n)
                                .withUpdatedReplicas(n).withReadyReplicas(n).withAvailableReplicas(n).build());
                        client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d)
                                .updateStatus();
                    }
                }
                Thread.sleep(50);
            } catch (KubernetesClientException e) {
                // raced a write: next tick
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
