package io.jenkins.plugins.modelops.deploy.kube;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code deployModel} rolls out to Kubernetes: the request of {@link KubeDeploy}. Every value is checked when
 * the record is made, so {@link Manifests} renders from values that are known to be valid; messages name the
 * parameter ({@link Parameter#ref()}) as {@code TrainModel}'s do.
 *
 * @param image       the server image (tag and/or {@code @sha256:} digest)
 * @param name        the deployment's name: Deployment, Service, Secret and HPA are called this
 * @param namespace   where every object goes (it must exist: creating namespaces is the cluster admin's job)
 * @param replicas    the stable Deployment's replicas (kept as the HPA left them when an HPA is on)
 * @param canaryReplicas replicas of {@code <name>-canary} with {@link Strategy#CANARY}
 * @param timeout     how long a rollout may take; also the Deployment's {@code progressDeadlineSeconds}
 * @param modelId     the bundle's model id, for the annotations and the version label
 * @param imageDigest {@code sha256:…} of the image when the caller built it (else taken from {@code image})
 * @param buildUrl    the Jenkins build that deployed it
 */
public record DeploySpec(String image, String name, String namespace, int replicas, Strategy strategy,
                         int canaryReplicas, Duration timeout, Optional<Autoscaling> hpa, Optional<String> tlsSecret,
                         Optional<String> bundlePvc, List<EnvEntry> env, Optional<String> modelId,
                         Optional<String> imageDigest, Optional<String> buildUrl) {

    public static final int DEFAULT_REPLICAS = 2;
    public static final int DEFAULT_CANARY_REPLICAS = 1;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** Variables the manifests set themselves; {@code --env} may not replace them. */
    static final Set<String> RESERVED_ENV = Set.of("MODELOPS_FEEDBACK_TOKEN", "MODELOPS_ID_KEY", "MODELOPS_TRACK",
            "MODELOPS_SHUTDOWN_GRACE", "MODELOPS_TLS_CERT", "MODELOPS_TLS_KEY");

    public enum Strategy {
        /** Replace the stable Deployment's pods in place (maxUnavailable 0). */
        ROLLING,
        /** Start {@code <name>-canary} next to the stable pods; {@code promote} or {@code abort} later. */
        CANARY;

        public static Strategy parse(String text) {
            return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
                case "rolling" -> ROLLING;
                case "canary" -> CANARY;
                default -> throw new InvalidInputException(Parameter.STRATEGY,
                        Parameter.STRATEGY.ref() + " '" + text + "' is not a strategy: use rolling or canary");
            };
        }
    }

    /** A HorizontalPodAutoscaler (autoscaling/v2) on CPU: {@code MIN:MAX:CPU%}, e.g. {@code 2:10:70}. */
    public record Autoscaling(int minReplicas, int maxReplicas, int cpuPercent) {

        private static final Pattern FORM = Pattern.compile("(\\d{1,4}):(\\d{1,4}):(\\d{1,3})%?");

        public Autoscaling {
            if (minReplicas < 1 || maxReplicas < minReplicas || cpuPercent < 1 || cpuPercent > 100) {
                throw new InvalidInputException(Parameter.HPA, Parameter.HPA.ref() + " " + minReplicas + ":"
                        + maxReplicas + ":" + cpuPercent + "% needs 1 <= MIN <= MAX and a CPU target of 1 to 100%");
            }
        }

        public static Autoscaling parse(String text) {
            Matcher m = FORM.matcher(text == null ? "" : text.trim());
            if (!m.matches()) {
                throw new InvalidInputException(Parameter.HPA, Parameter.HPA.ref() + " '" + text
                        + "' is not MIN:MAX:CPU% (e.g. 2:10:70)");
            }
            return new Autoscaling(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        }
    }

    /**
     * An extra environment variable: a plain value ({@code K=V}) or a key of a Secret ({@code K=secret:NAME/KEY}),
     * which the pod reads through {@code secretKeyRef} so the value never appears in a manifest.
     */
    public record EnvEntry(String name, Optional<String> value, Optional<String> secretName,
                           Optional<String> secretKey) {

        private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final Pattern SECRET_REF = Pattern.compile("secret:([^/]+)/([-._a-zA-Z0-9]+)");

        public static EnvEntry parse(String text) {
            int eq = text == null ? -1 : text.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException(Parameter.ENV, Parameter.ENV.ref() + " '" + text
                        + "' is not K=V or K=secret:NAME/KEY");
            }
            String key = text.substring(0, eq);
            String value = text.substring(eq + 1);
            if (!ENV_NAME.matcher(key).matches()) {
                throw new InvalidInputException(Parameter.ENV, Parameter.ENV.ref() + " '" + key
                        + "' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            }
            if (RESERVED_ENV.contains(key)) {
                throw new InvalidInputException(Parameter.ENV, Parameter.ENV.ref() + " " + key
                        + " is set by the deployment itself and cannot be overridden");
            }
            Matcher ref = SECRET_REF.matcher(value);
            if (ref.matches()) {
                KubeNames.checkDns1123Subdomain(Parameter.ENV, "Secret " + ref.group(1), ref.group(1));
                return new EnvEntry(key, Optional.empty(), Optional.of(ref.group(1)), Optional.of(ref.group(2)));
            }
            if (value.startsWith("secret:")) {
                throw new InvalidInputException(Parameter.ENV, Parameter.ENV.ref() + " " + key + "=" + "secret:… must"
                        + " be K=secret:NAME/KEY (a Secret in the same namespace and one of its keys)");
            }
            return new EnvEntry(key, Optional.of(value), Optional.empty(), Optional.empty());
        }
    }

    public DeploySpec {
        image = KubeNames.checkImage(image);
        KubeNames.checkName(name);
        KubeNames.checkNamespace(namespace);
        if (replicas < 1 || replicas > 1000) {
            throw new InvalidInputException(Parameter.REPLICAS, Parameter.REPLICAS.ref() + " " + replicas
                    + " is out of range: give 1 to 1000");
        }
        if (canaryReplicas < 1 || canaryReplicas > 1000) {
            throw new InvalidInputException(Parameter.CANARY_REPLICAS, Parameter.CANARY_REPLICAS.ref() + " "
                    + canaryReplicas + " is out of range: give 1 to 1000");
        }
        if (timeout.isNegative() || timeout.toSeconds() < 1) {
            throw new InvalidInputException(Parameter.TIMEOUT, Parameter.TIMEOUT.ref() + " " + timeout
                    + " is too short: give at least 1s");
        }
        tlsSecret.ifPresent(s -> KubeNames.checkDns1123Subdomain(Parameter.TLS_SECRET, Parameter.TLS_SECRET.ref(), s));
        bundlePvc.ifPresent(s -> KubeNames.checkDns1123Subdomain(Parameter.BUNDLE_PVC, Parameter.BUNDLE_PVC.ref(), s));
        env = List.copyOf(env);
        Set<String> seen = new java.util.HashSet<>();
        for (EnvEntry e : env) {
            if (!seen.add(e.name())) {
                throw new InvalidInputException(Parameter.ENV, Parameter.ENV.ref() + " " + e.name()
                        + " is given twice");
            }
        }
    }

    /** A rolling deployment with the defaults: 2 replicas, a 5 minute timeout, no HPA, TLS or extra variables. */
    public static DeploySpec of(String image, String name, String namespace) {
        return new DeploySpec(image, name, namespace, DEFAULT_REPLICAS, Strategy.ROLLING, DEFAULT_CANARY_REPLICAS,
                DEFAULT_TIMEOUT, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The same rollout of another image: {@code deployModel} rolls out the reference it has just pushed. */
    public DeploySpec withImage(String reference) {
        return new DeploySpec(reference, name, namespace, replicas, strategy, canaryReplicas, timeout, hpa, tlsSecret,
                bundlePvc, env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withReplicas(int n) {
        return new DeploySpec(image, name, namespace, n, strategy, canaryReplicas, timeout, hpa, tlsSecret, bundlePvc,
                env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withCanary(int n) {
        return new DeploySpec(image, name, namespace, replicas, Strategy.CANARY, n, timeout, hpa, tlsSecret, bundlePvc,
                env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withStrategy(Strategy s) {
        return new DeploySpec(image, name, namespace, replicas, s, canaryReplicas, timeout, hpa, tlsSecret, bundlePvc,
                env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withTimeout(Duration t) {
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, t, hpa, tlsSecret, bundlePvc,
                env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withHpa(Autoscaling a) {
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, timeout, Optional.ofNullable(a),
                tlsSecret, bundlePvc, env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withTlsSecret(String secret) {
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, timeout, hpa,
                Optional.ofNullable(secret), bundlePvc, env, modelId, imageDigest, buildUrl);
    }

    public DeploySpec withBundlePvc(String claim) {
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, timeout, hpa, tlsSecret,
                Optional.ofNullable(claim), env, modelId, imageDigest, buildUrl);
    }

    /** Parses each {@code K=V} / {@code K=secret:NAME/KEY}. */
    public DeploySpec withEnv(List<String> entries) {
        List<EnvEntry> parsed = new ArrayList<>();
        entries.forEach(e -> parsed.add(EnvEntry.parse(e)));
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, timeout, hpa, tlsSecret,
                bundlePvc, parsed, modelId, imageDigest, buildUrl);
    }

    /** Where the image came from: the model id, the image digest, the Jenkins build. */
    public DeploySpec withProvenance(String model, String digest, String build) {
        return new DeploySpec(image, name, namespace, replicas, strategy, canaryReplicas, timeout, hpa, tlsSecret,
                bundlePvc, env, Optional.ofNullable(model), Optional.ofNullable(digest), Optional.ofNullable(build));
    }

    /** The digest to record: the caller's, else the one pinned in the reference, else empty. */
    public Optional<String> digest() {
        if (imageDigest.isPresent()) {
            return imageDigest;
        }
        int at = image.indexOf("@sha256:");
        return at < 0 ? Optional.empty() : Optional.of(image.substring(at + 1));
    }

    /** Parses {@code 5m}, {@code 90s}, {@code 1h}, {@code 300} (seconds) or ISO-8601 ({@code PT5M}). */
    public static Duration parseTimeout(String text) {
        return io.jenkins.plugins.modelops.Durations.parse(text, Parameter.TIMEOUT);
    }
}
