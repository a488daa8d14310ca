package io.jenkins.plugins.modelops.deploy.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusReporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code modelops deploy --local}: the model server as a supervised process on this machine, for a pipeline or a
 * demo without a cluster. The same verbs as on Kubernetes: a rolling update (one process per track, so the port
 * is briefly closed while the new revision starts; a new revision that does not get ready is stopped and the
 * previous one started again), a canary beside the stable server on its own port, then promote or abort, rollback
 * to the previous revision, undeploy. Everything lives under {@code <state-dir>/<name>/}; with {@link Docker} the
 * servers are containers on a local Docker engine instead of processes, each revision an image.
 */
public final class LocalDeploy {

    /** A DNS-1123 label, as on Kubernetes, so a name works on both targets. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public enum Strategy { ROLLING, CANARY }

    /** What happened, as on Kubernetes: a failed rollout is undone, never left half-done. */
    public enum Result {
        /** The new revision serves. */
        ROLLED_OUT,
        /** The new revision did not get ready and was stopped; the previous one serves again. */
        ROLLED_BACK,
        /** A first deployment that did not get ready: nothing is left behind. */
        FAILED
    }

    /**
     * @param port the stable server's port; 0 keeps the deployment's port, or picks a free one the first time
     * @param stateDir where deployments live ({@link #defaultStateDir()})
     */
    public record Request(Path bundle, String name, int port, Path stateDir, Strategy strategy, Duration timeout,
                          Docker docker, StatusReporter status) {

        /** A request for the process runtime (or whichever runtime an existing deployment has). */
        public Request(Path bundle, String name, int port, Path stateDir, Strategy strategy, Duration timeout) {
            this(bundle, name, port, stateDir, strategy, timeout, null, StatusReporter.NONE);
        }

        public Request withDocker(Docker docker) {
            return new Request(bundle, name, port, stateDir, strategy, timeout, docker, status);
        }

        /** Where the lifecycle status goes: {@code deploying}, then {@code running} or {@code rolled_back}. */
        public Request withStatus(StatusReporter reporter) {
            return new Request(bundle, name, port, stateDir, strategy, timeout, docker, reporter);
        }

        public Request {
            status = status == null ? StatusReporter.NONE : status;
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a "
                        + "DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or "
                        + "digit, at most 63 characters (e.g. iris-classifier)");
            }
            if (port < 0 || port > 65535) {
                throw new InvalidInputException(Parameter.PORT, Parameter.PORT.ref() + " " + port
                        + " is not a TCP port (1-65535, or 0 for a free one)");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidInputException(Parameter.TIMEOUT, Parameter.TIMEOUT.ref() + " must be positive: "
                        + timeout);
            }
        }
    }

    /**
     * {@code --docker}: the servers run as containers on a local Docker engine, each revision an image built from its
     * bundle. Remembered in the deployment's state, so later verbs need not say it again.
     *
     * @param baseImage {@code --base-image} ({@code tar://PATH}, {@code docker://REF} or a registry reference); null
     *                  for the deployment's, or the image builder's default
     * @param host      the engine's {@code DOCKER_HOST}; null for the caller's {@code DOCKER_HOST} or the default
     */
    public record Docker(String baseImage, String host) {
    }

    /**
     * @param url where the stable track serves (the canary's when {@code track} is canary)
     * @param reason why it was rolled back or failed; "ready" otherwise
     */
    public record Outcome(Result result, String name, String track, int revision, String url, String modelId,
                          Path tokenFile, Path log, String reason) {

        /**
         * The deployment in plain values, the keys of {@code DeployModel.Outcome.summary()} where they apply
         * ({@code namespace} is {@code local}, no image) plus {@code revision}, {@code track} and {@code modelId}.
         */
        public java.util.Map<String, Object> summary() {
            java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("name", name);
            summary.put("namespace", "local");
            summary.put("revision", revision);
            summary.put("track", track);
            summary.put("modelId", modelId);
            summary.put("status", result.name());
            summary.put("url", url == null ? "" : url);
            summary.put("failed", result != Result.ROLLED_OUT);
            summary.put("reason", reason);
            return summary;
        }
    }

    private LocalDeploy() {
    }

    /** {@code ~/.modelops/local}, or {@code $MODELOPS_STATE_DIR}. */
    public static Path defaultStateDir() {
        String configured = System.getenv("MODELOPS_STATE_DIR");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".modelops", "local");
    }

    /**
     * Deploys, reporting {@code deploying} under the bundle's version, then {@code running}, or {@code rolled_back}
     * with the reason when the new revision was undone (a failed first deployment and a failure on the way
     * included: the new version does not serve); after a rollback the revision serving again is {@code running}.
     */
    public static Outcome run(Request request, Progress progress) {
        ModelBundle bundle = openBundle(request.bundle());
        String version = bundle.manifest().shortId();
        StatusReporter status = request.status();
        status.report(request.name(), version, ModelStatus.DEPLOYING, null, progress);
        Outcome outcome;
        try {
            outcome = deploy(request, bundle, progress);
        } catch (RuntimeException e) {
            status.report(request.name(), version, ModelStatus.ROLLED_BACK, "the deployment failed: "
                    + e.getMessage(), progress);
            throw e;
        }
        if (outcome.result() == Result.ROLLED_OUT) {
            status.report(request.name(), version, ModelStatus.RUNNING, null, progress);
        } else {
            status.report(request.name(), version, ModelStatus.ROLLED_BACK, outcome.reason(), progress);
            String serving = outcome.modelId() == null ? null : outcome.modelId().substring(0,
                    Math.min(12, outcome.modelId().length()));
            if (outcome.result() == Result.ROLLED_BACK && serving != null && !serving.equals(version)) {
                status.report(request.name(), serving, ModelStatus.RUNNING, null, progress);
            }
        }
        return outcome;
    }

    private static Outcome deploy(Request request, ModelBundle bundle, Progress progress) {
        try (LocalDeployments.Locked deployment = LocalDeployments.lock(request.stateDir(), request.name())) {
            Optional<LocalState> current = deployment.state();
            if (request.strategy() == Strategy.CANARY) {
                LocalState state = current.filter(s -> s.stable() != null).orElseThrow(() -> new InvalidInputException(
                        Parameter.STRATEGY, "a canary runs beside a stable server, and '" + request.name() + "' has none"
                        + " in " + request.stateDir() + ": deploy it first without " + Parameter.STRATEGY.ref()
                        + " canary"));
                return deployment.startCanary(state, bundle, request.docker(), request.timeout(), progress);
            }
            return deployment.rollOut(current, bundle, request.port(), request.docker(), request.timeout(),
                    progress);
        }
    }

    /** The canary's revision becomes the stable one; the canary stops. */
    public static Outcome promote(Path stateDir, String name, Duration timeout, Progress progress) {
        try (LocalDeployments.Locked deployment = LocalDeployments.lock(stateDir, name)) {
            return deployment.promote(deployment.existing(), timeout, progress);
        }
    }

    /** The canary stops; the stable server was never touched. */
    public static void abort(Path stateDir, String name, Progress progress) {
        try (LocalDeployments.Locked deployment = LocalDeployments.lock(stateDir, name)) {
            deployment.abort(deployment.existing(), progress);
        }
    }

    /** The stable track goes back to the revision it served before. */
    public static Outcome rollback(Path stateDir, String name, Duration timeout, Progress progress) {
        try (LocalDeployments.Locked deployment = LocalDeployments.lock(stateDir, name)) {
            return deployment.rollback(deployment.existing(), timeout, progress);
        }
    }

    /** Every process stopped and every file removed, the secrets included. */
    public static void undeploy(Path stateDir, String name, Progress progress) {
        try (LocalDeployments.Locked deployment = LocalDeployments.lock(stateDir, name)) {
            deployment.undeploy(deployment.existing(), progress);
        }
    }

    /** The file holding the deployment's feedback token (owner-only): what probe traffic authenticates with. */
    public static Path feedbackTokenFile(Path stateDir, String name) {
        return stateDir.resolve(name).resolve("secrets").resolve(
                io.jenkins.plugins.modelops.deploy.server.ServerSecrets.FEEDBACK_TOKEN_KEY);
    }

    /** The deployment as it stands, or empty when there is none by that name. */
    public static Optional<Status> status(Path stateDir, String name) {
        return LocalState.read(stateDir.resolve(name)).map(s -> new Status(s.name(), s.port(), s.stable(),
                s.canary(), s.stable() != null && LocalDeployments.runner(stateDir, s).alive(s.stable()),
                s.runtimeName()));
    }

    /**
     * One running server: which revision, where, and what keeps it up: the supervisor process ({@code pid}) or the
     * container ({@code container}, its id; null and absent from the JSON for a process).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Slot(int revision, String modelId, int port, long pid, String startedAt, String container) {
    }

    /**
     * The state of a local deployment: its tracks, whether the stable server runs, and its runtime
     * ({@code process} or {@code docker}).
     */
    public record Status(String name, int port, Slot stable, Slot canary, boolean running, String runtime) {
    }

    private static ModelBundle openBundle(Path dir) {
        try {
            return ModelBundle.open(dir);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(Parameter.MODEL, Parameter.MODEL.ref() + " " + e.getMessage(), e);
        }
    }
}
