package io.jenkins.plugins.modelops.deploy.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --dry-run}'s YAML read back and checked field by field: what a reviewer of the manifests would check. */
class ManifestsTest {

    private static final DeploySpec SPEC = DeploySpec.of("registry.example/ml/iris:3@sha256:" + "ab".repeat(32),
                    "iris", "ml")
            .withReplicas(3).withCanary(1).withHpa(DeploySpec.Autoscaling.parse("3:9:75")).withTlsSecret("iris-tls")
            .withBundlePvc("models").withEnv(List.of("LOG_LEVEL=debug", "DB_PASSWORD=secret:db/password"))
            .withProvenance("0123456789abcdef0123", null, "https://ci.example/job/iris/7/");

    private static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            it.forEachRemaining(docs::add);
        }
        return docs;
    }

    private static Map<String, JsonNode> byKindAndName(List<JsonNode> docs) {
        Map<String, JsonNode> map = new HashMap<>();
        docs.forEach(d -> map.put(d.at("/kind").asText() + "/" + d.at("/metadata/name").asText(), d));
        return map;
    }

    @Test
    void theDryRunRendersEveryObjectAsMultiDocumentYaml() throws Exception {
        String yaml = KubeDeploy.render(SPEC);
        assertThat(yaml).startsWith("---\n");
        Map<String, JsonNode> docs = byKindAndName(documents(yaml));
        assertThat(docs).containsOnlyKeys("Secret/iris", "Service/iris", "Deployment/iris", "Deployment/iris-canary",
                "HorizontalPodAutoscaler/iris", "ServiceMonitor/iris");
        docs.values().forEach(d -> assertThat(d.at("/metadata/namespace").asText()).isEqualTo("ml"));
        assertThat(yaml).contains("# created only when the CRD servicemonitors.monitoring.coreos.com exists");
    }

    @Test
    void theDeploymentCarriesLabelsAnnotationsProbesSecurityAndVolumes() throws Exception {
        JsonNode d = byKindAndName(documents(KubeDeploy.render(SPEC))).get("Deployment/iris");
        assertThat(d.at("/apiVersion").asText()).isEqualTo("apps/v1");
        JsonNode labels = d.at("/metadata/labels");
        assertThat(labels.get("app.kubernetes.io/name").asText()).isEqualTo("modelops-server");
        assertThat(labels.get("app.kubernetes.io/instance").asText()).isEqualTo("iris");
        assertThat(labels.get("app.kubernetes.io/version").asText()).isEqualTo("0123456789ab");
        assertThat(labels.get("app.kubernetes.io/managed-by").asText()).isEqualTo("modelops");
        assertThat(labels.get("modelops.io/track").asText()).isEqualTo("stable");
        JsonNode annotations = d.at("/metadata/annotations");
        assertThat(annotations.get("modelops.io/model-id").asText()).isEqualTo("0123456789abcdef0123");
        assertThat(annotations.get("modelops.io/image-digest").asText()).isEqualTo("sha256:" + "ab".repeat(32));
        assertThat(annotations.get("modelops.io/build-url").asText()).isEqualTo("https://ci.example/job/iris/7/");
        assertThat(annotations.get("kubernetes.io/change-cause").asText())
                .isEqualTo("modelops deploy " + SPEC.image() + " (model 0123456789abcdef0123)");

        JsonNode spec = d.at("/spec");
        assertThat(spec.at("/replicas").asInt()).isEqualTo(3);
        assertThat(spec.at("/progressDeadlineSeconds").asInt()).isEqualTo(300);
        assertThat(spec.at("/selector/matchLabels").size()).isEqualTo(3);
        assertThat(spec.at("/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        JsonNode pod = spec.at("/template");
        assertThat(pod.at("/metadata/labels/modelops.io~1track").asText()).isEqualTo("stable");
        JsonNode podAnnotations = pod.at("/metadata/annotations");
        assertThat(podAnnotations.get("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(podAnnotations.get("prometheus.io/port").asText()).isEqualTo("8080");
        assertThat(podAnnotations.get("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(podAnnotations.get("prometheus.io/scheme").asText()).isEqualTo("https");
        assertThat(pod.at("/spec/terminationGracePeriodSeconds").asInt()).isEqualTo(45).isGreaterThan(30);
        assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/spec/securityContext/runAsUser").asLong()).isEqualTo(65532);

        JsonNode c = pod.at("/spec/containers/0");
        assertThat(c.at("/image").asText()).isEqualTo(SPEC.image());
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(c.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
        assertThat(c.at("/lifecycle/preStop/exec/command").toString()).isEqualTo("[\"sleep\",\"5\"]");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(c.at("/" + probe + "/httpGet/scheme").asText()).as(probe).isEqualTo("HTTPS");
            assertThat(c.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("https");
        }
        assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/v2/health/ready");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/v2/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/v2/health/live");
        assertThat(c.at("/resources/requests/cpu").asText()).isEqualTo("500m");
        assertThat(c.at("/resources/limits/memory").asText()).isEqualTo("1Gi");

        Map<String, JsonNode> env = new HashMap<>();
        c.at("/env").forEach(e -> env.put(e.get("name").asText(), e));
        assertThat(env.get("MODELOPS_TRACK").get("value").asText()).isEqualTo("stable");
        assertThat(env.get("MODELOPS_SHUTDOWN_GRACE").get("value").asText()).isEqualTo("30");
        assertThat(env.get("MODELOPS_TLS_CERT").get("value").asText()).isEqualTo("/etc/modelops/tls/tls.crt");
        assertThat(env.get("MODELOPS_TLS_KEY").get("value").asText()).isEqualTo("/etc/modelops/tls/tls.key");
        assertThat(env.get("LOG_LEVEL").get("value").asText()).isEqualTo("debug");
        assertSecretRef(env.get("MODELOPS_FEEDBACK_TOKEN"), "iris", "feedback-token");
        assertSecretRef(env.get("MODELOPS_ID_KEY"), "iris", "id-key");
        assertSecretRef(env.get("DB_PASSWORD"), "db", "password");

        Map<String, String> mounts = new HashMap<>();
        c.at("/volumeMounts").forEach(m -> mounts.put(m.get("name").asText(), m.get("mountPath").asText()
                + (m.path("readOnly").asBoolean() ? " ro" : "")));
        assertThat(mounts).containsExactlyInAnyOrderEntriesOf(
                Map.of("tmp", "/tmp", "tls", "/etc/modelops/tls ro", "model", "/model ro"));
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.at("/spec/volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
        assertThat(volumes.get("tmp").has("emptyDir")).isTrue();
        assertThat(volumes.get("tls").at("/secret/secretName").asText()).isEqualTo("iris-tls");
        assertThat(volumes.get("model").at("/persistentVolumeClaim/claimName").asText()).isEqualTo("models");
        assertThat(volumes.get("model").at("/persistentVolumeClaim/readOnly").asBoolean()).isTrue();
    }

    private static void assertSecretRef(JsonNode env, String secret, String key) {
        assertThat(env.has("value")).as(env.toString()).isFalse();
        assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo(secret);
        assertThat(env.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo(key);
    }

    @Test
    void theCanaryServiceHpaMonitorAndSecretPlaceholders() throws Exception {
        Map<String, JsonNode> docs = byKindAndName(documents(KubeDeploy.render(SPEC)));
        JsonNode canary = docs.get("Deployment/iris-canary");
        assertThat(canary.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(canary.at("/spec/selector/matchLabels/modelops.io~1track").asText()).isEqualTo("canary");
        JsonNode service = docs.get("Service/iris");
        assertThat(service.at("/spec/selector").size()).as("both tracks").isEqualTo(2);
        assertThat(service.at("/spec/selector/app.kubernetes.io~1instance").asText()).isEqualTo("iris");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("https");
        JsonNode hpa = docs.get("HorizontalPodAutoscaler/iris");
        assertThat(hpa.at("/apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("iris");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(9);
        assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(75);
        JsonNode monitor = docs.get("ServiceMonitor/iris");
        assertThat(monitor.at("/apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("https");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
        JsonNode secret = docs.get("Secret/iris");
        assertThat(secret.has("data")).isFalse();
        assertThat(secret.at("/stringData/feedback-token").asText()).isEqualTo(Manifests.PLACEHOLDER);
        assertThat(secret.at("/stringData/id-key").asText()).isEqualTo(Manifests.PLACEHOLDER);
    }

    @Test
    void noRenderedObjectButTheSecretHoldsASecretValue() {
        ServerSecrets secrets = ServerSecrets.generate(new SecureRandom());
        String rendered = KubeDeploy.render(SPEC);
        String secret = io.fabric8.kubernetes.client.utils.Serialization.asJson(Manifests.secret(SPEC, secrets));
        for (String v : List.of(secrets.feedbackToken(), secrets.idKey())) {
            assertThat(rendered).doesNotContain(v);
            String b64 = java.util.Base64.getEncoder().encodeToString(v.getBytes());
            assertThat(rendered).doesNotContain(b64);
            assertThat(secret).contains(b64);
        }
    }

    @Test
    void withoutTlsTheProbesAndServiceUseHttp() throws Exception {
        Map<String, JsonNode> docs = byKindAndName(documents(KubeDeploy.render(DeploySpec.of("iris:1", "iris", "ml"))));
        assertThat(docs).containsOnlyKeys("Secret/iris", "Service/iris", "Deployment/iris", "ServiceMonitor/iris");
        JsonNode c = docs.get("Deployment/iris").at("/spec/template/spec/containers/0");
        assertThat(c.at("/readinessProbe/httpGet/scheme").asText()).isEqualTo("HTTP");
        assertThat(c.at("/volumeMounts").size()).isEqualTo(1);
        assertThat(docs.get("Deployment/iris").at("/metadata/labels/app.kubernetes.io~1version").asText())
                .isEqualTo("1");
        assertThat(docs.get("Deployment/iris").at("/spec/replicas").asInt()).isEqualTo(2);
    }
}
