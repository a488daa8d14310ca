package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerSecrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment's objects rendered from its {@link DeploySpec}: pure, no client, so {@code --dry-run} prints exactly
 * what {@link KubeDeploy} writes. No secret value is ever in these objects except in {@link #secret}'s.
 */
public final class Manifests {

    public static final String TLS_DIR = "/etc/modelops/tls";
    /** Seconds the preStop hook waits so that endpoints and load balancers drop the pod before SIGTERM. */
    public static final int PRE_STOP_SECONDS = 5;
    /** The pod's grace: the drain, the server's own shutdown grace, and slack for the JVM to exit. */
    public static final int TERMINATION_GRACE_SECONDS =
            PRE_STOP_SECONDS + ServerCommand.DEFAULT_SHUTDOWN_GRACE_SECONDS + 10;
    public static final long RUN_AS = 65532L;
    public static final String PLACEHOLDER = "<generated at deploy time, kept when the Secret exists>";

    public static final ResourceDefinitionContext SERVICE_MONITOR = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor")
            .withPlural("servicemonitors").withNamespaced(true).build();
    public static final String SERVICE_MONITOR_CRD = "servicemonitors.monitoring.coreos.com";

    private Manifests() {
    }

    /** Every object of a deploy, in apply order; the Secret with placeholders, the ServiceMonitor included. */
    public static List<HasMetadata> all(DeploySpec spec) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(placeholderSecret(spec));
        objects.add(service(spec));
        objects.add(deployment(spec, KubeNames.STABLE));
        if (spec.strategy() == DeploySpec.Strategy.CANARY) {
            objects.add(deployment(spec, KubeNames.CANARY));
        }
        spec.hpa().ifPresent(a -> objects.add(hpa(spec)));
        objects.add(serviceMonitor(spec));
        return objects;
    }

    /** Multi-document YAML ({@code ---} between objects), as {@code kubectl apply -f} reads it. */
    public static String yaml(List<HasMetadata> objects) {
        StringBuilder out = new StringBuilder();
        for (HasMetadata o : objects) {
            String doc = Serialization.asYaml(o);
            out.append(doc.startsWith("---") ? doc : "---\n" + doc);
            if (o instanceof GenericKubernetesResource) {
                out.append("# created only when the CRD ").append(SERVICE_MONITOR_CRD).append(" exists\n");
            }
        }
        return out.toString();
    }

    static String deploymentName(DeploySpec spec, String track) {
        return KubeNames.STABLE.equals(track) ? spec.name() : KubeNames.canary(spec.name());
    }

    static Map<String, String> labels(DeploySpec spec, String track) {
        Map<String, String> labels = KubeNames.trackSelector(spec.name(), track);
        labels.put(KubeNames.VERSION, version(spec));
        labels.put(KubeNames.MANAGED_BY, KubeNames.MANAGER);
        return labels;
    }

    /** Objects shared by both tracks carry no track or version label. */
    static Map<String, String> commonLabels(DeploySpec spec) {
        Map<String, String> labels = KubeNames.selector(spec.name());
        labels.put(KubeNames.MANAGED_BY, KubeNames.MANAGER);
        return labels;
    }

    static String version(DeploySpec spec) {
        String v = spec.modelId().map(id -> id.length() > 12 ? id.substring(0, 12) : id).orElse("");
        if (v.isEmpty()) {
            String image = spec.image();
            int at = image.indexOf('@');
            String noDigest = at < 0 ? image : image.substring(0, at);
            int colon = noDigest.lastIndexOf(':');
            v = colon > noDigest.lastIndexOf('/') ? noDigest.substring(colon + 1)
                    : spec.digest().map(d -> d.substring("sha256:".length(), "sha256:".length() + 12)).orElse("");
        }
        String label = KubeNames.labelValue(v);
        return label.isEmpty() ? "unknown" : label;
    }

    static Map<String, String> annotations(DeploySpec spec) {
        Map<String, String> a = new LinkedHashMap<>();
        spec.modelId().ifPresent(id -> a.put(KubeNames.MODEL_ID, id));
        spec.digest().ifPresent(d -> a.put(KubeNames.IMAGE_DIGEST, d));
        spec.buildUrl().ifPresent(u -> a.put(KubeNames.BUILD_URL, u));
        a.put(KubeNames.CHANGE_CAUSE, "modelops deploy " + spec.image()
                + spec.modelId().map(id -> " (model " + id + ")").orElse(""));
        return a;
    }

    private static String scheme(DeploySpec spec) {
        return spec.tlsSecret().isPresent() ? "HTTPS" : "HTTP";
    }

    private static String portName(DeploySpec spec) {
        return spec.tlsSecret().isPresent() ? "https" : "http";
    }

    public static Deployment deployment(DeploySpec spec, String track) {
        boolean stable = KubeNames.STABLE.equals(track);
        Map<String, String> podAnnotations = new LinkedHashMap<>(annotations(spec));
        podAnnotations.remove(KubeNames.CHANGE_CAUSE);
        podAnnotations.put("prometheus.io/scrape", "true");
        podAnnotations.put("prometheus.io/port", Integer.toString(ServerCommand.CONTAINER_PORT));
        podAnnotations.put("prometheus.io/path", "/metrics");
        podAnnotations.put("prometheus.io/scheme", scheme(spec).toLowerCase(java.util.Locale.ROOT));
        return new DeploymentBuilder()
                .withNewMetadata().withName(deploymentName(spec, track)).withNamespace(spec.namespace())
                .withLabels(labels(spec, track)).withAnnotations(annotations(spec)).endMetadata()
                .withNewSpec()
                .withReplicas(stable ? replicas(spec) : spec.canaryReplicas())
                .withRevisionHistoryLimit(5)
                .withProgressDeadlineSeconds((int) Math.min(Integer.MAX_VALUE, spec.timeout().toSeconds()))
                .withNewSelector().withMatchLabels(KubeNames.trackSelector(spec.name(), track)).endSelector()
                // Never below the wanted replicas while new pods start: a model server takes a while to load.
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxSurge("25%").withNewMaxUnavailable(0).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(spec, track)).withAnnotations(podAnnotations).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds((long) TERMINATION_GRACE_SECONDS)
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(RUN_AS).withRunAsGroup(RUN_AS)
                .withFsGroup(RUN_AS).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container(spec, track))
                .withVolumes(volumes(spec))
                .endSpec().endTemplate()
                .endSpec().build();
    }

    /** The stable replicas to start with: within the HPA's bounds when there is one (it takes over from there). */
    static int replicas(DeploySpec spec) {
        return spec.hpa().map(a -> Math.max(a.minReplicas(), Math.min(a.maxReplicas(), spec.replicas())))
                .orElse(spec.replicas());
    }

    private static Container container(DeploySpec spec, String track) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        spec.tlsSecret().ifPresent(s -> mounts.add(new VolumeMountBuilder().withName("tls").withMountPath(TLS_DIR)
                .withReadOnly(true).build()));
        spec.bundlePvc().ifPresent(c -> mounts.add(new VolumeMountBuilder().withName("model")
                .withMountPath(ServerCommand.MODEL_DIR).withReadOnly(true).build()));
        return new ContainerBuilder()
                .withName("server").withImage(spec.image()).withImagePullPolicy("IfNotPresent")
                .addNewPort().withName(portName(spec)).withContainerPort(ServerCommand.CONTAINER_PORT)
                .withProtocol("TCP").endPort()
                .withEnv(env(spec, track))
                // The server loads the model before it is ready: up to 2 minutes before liveness counts.
                .withStartupProbe(probe(spec, "/v2/health/ready", 2, 60))
                .withReadinessProbe(probe(spec, "/v2/health/ready", 5, 2))
                .withLivenessProbe(probe(spec, "/v2/health/live", 10, 3))
                .withNewResources()
                .addToRequests("cpu", new Quantity("500m")).addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("cpu", new Quantity("2")).addToLimits("memory", new Quantity("1Gi"))
                .endResources()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(RUN_AS)
                .withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                // exec sleep rather than the newer lifecycle sleep action, which older clusters drop silently.
                .withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sleep", Integer.toString(PRE_STOP_SECONDS)).endExec().endPreStop().endLifecycle()
                .withVolumeMounts(mounts)
                .build();
    }

    private static Probe probe(DeploySpec spec, String path, int period, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort(portName(spec))
                .withScheme(scheme(spec)).endHttpGet()
                .withPeriodSeconds(period).withFailureThreshold(failures).withTimeoutSeconds(2).build();
    }

    private static List<EnvVar> env(DeploySpec spec, String track) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(ServerCommand.TRACK, track, null));
        env.add(secretRef(ServerCommand.FEEDBACK_TOKEN, spec.name(), ServerSecrets.FEEDBACK_TOKEN_KEY));
        env.add(secretRef(ServerCommand.ID_KEY, spec.name(), ServerSecrets.ID_KEY_KEY));
        env.add(new EnvVar(ServerCommand.SHUTDOWN_GRACE,
                Integer.toString(ServerCommand.DEFAULT_SHUTDOWN_GRACE_SECONDS), null));
        if (spec.tlsSecret().isPresent()) {
            env.add(new EnvVar(ServerCommand.TLS_CERT, TLS_DIR + "/tls.crt", null));
            env.add(new EnvVar(ServerCommand.TLS_KEY, TLS_DIR + "/tls.key", null));
        }
        for (DeploySpec.EnvEntry e : spec.env()) {
            env.add(e.value().isPresent() ? new EnvVar(e.name(), e.value().get(), null)
                    : secretRef(e.name(), e.secretName().orElseThrow(), e.secretKey().orElseThrow()));
        }
        return env;
    }

    private static EnvVar secretRef(String variable, String secret, String key) {
        return new EnvVarBuilder().withName(variable).withNewValueFrom().withNewSecretKeyRef()
                .withName(secret).withKey(key).withOptional(false).endSecretKeyRef().endValueFrom().build();
    }

    private static List<Volume> volumes(DeploySpec spec) {
        List<Volume> volumes = new ArrayList<>();
        // XGBoost extracts its native library here; the only writable place with a read-only root.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("1Gi"))
                .endEmptyDir().build());
        spec.tlsSecret().ifPresent(s -> volumes.add(new VolumeBuilder().withName("tls").withNewSecret()
                .withSecretName(s).withDefaultMode(0440).endSecret().build()));
        spec.bundlePvc().ifPresent(c -> volumes.add(new VolumeBuilder().withName("model")
                .withNewPersistentVolumeClaim().withClaimName(c).withReadOnly(true).endPersistentVolumeClaim().build()));
        return volumes;
    }

    /** Selects both tracks, so the canary takes its share of requests in proportion to its replicas. */
    public static Service service(DeploySpec spec) {
        return new ServiceBuilder()
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(commonLabels(spec)).endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(KubeNames.selector(spec.name()))
                .addNewPort().withName(portName(spec)).withPort(ServerCommand.CONTAINER_PORT)
                .withNewTargetPort(portName(spec)).withProtocol("TCP").endPort()
                .endSpec().build();
    }

    /** The deployment's Secret holding real values: only ever sent to the API server, never rendered. */
    static Secret secret(DeploySpec spec, ServerSecrets secrets) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder()
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(commonLabels(spec)).endMetadata()
                .withType("Opaque")
                .addToData(ServerSecrets.FEEDBACK_TOKEN_KEY,
                        b64.encodeToString(secrets.feedbackToken().getBytes(StandardCharsets.UTF_8)))
                .addToData(ServerSecrets.ID_KEY_KEY, b64.encodeToString(secrets.idKey().getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** The Secret as {@code --dry-run} shows it: its keys with placeholders. */
    public static Secret placeholderSecret(DeploySpec spec) {
        return new SecretBuilder()
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(commonLabels(spec)).endMetadata()
                .withType("Opaque")
                .addToStringData(ServerSecrets.FEEDBACK_TOKEN_KEY, PLACEHOLDER)
                .addToStringData(ServerSecrets.ID_KEY_KEY, PLACEHOLDER)
                .build();
    }

    public static HorizontalPodAutoscaler hpa(DeploySpec spec) {
        DeploySpec.Autoscaling a = spec.hpa().orElseThrow();
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(commonLabels(spec)).endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(spec.name())
                .endScaleTargetRef()
                .withMinReplicas(a.minReplicas()).withMaxReplicas(a.maxReplicas())
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization").withAverageUtilization(a.cpuPercent()).endTarget().endResource().endMetric()
                .endSpec().build();
    }

    public static GenericKubernetesResource serviceMonitor(DeploySpec spec) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("port", portName(spec));
        endpoint.put("path", "/metrics");
        endpoint.put("scheme", scheme(spec).toLowerCase(java.util.Locale.ROOT));
        endpoint.put("interval", "30s");
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("selector", Map.of("matchLabels", KubeNames.selector(spec.name())));
        specMap.put("endpoints", List.of(endpoint));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("monitoring.coreos.com/v1").withKind("ServiceMonitor")
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(commonLabels(spec)).endMetadata()
                .withAdditionalProperties(Map.of("spec", specMap))
                .build();
    }
}
