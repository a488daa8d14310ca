package io.jenkins.plugins.modelops.monitor.usecase;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.DeploymentTarget;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.Gate;
import io.jenkins.plugins.modelops.monitor.gate.GatePolicy;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.SignalSource;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code modelops gate} and the gate of the {@code monitorModel} step: run the gate on a deployment, then act on
 * the verdict through the deploy engine. FAIL rolls back (a canary is aborted, a rolled-out stable track goes back
 * to its previous revision); PASS promotes a canary; INCONCLUSIVE does what the policy says (fail by default);
 * ERROR aborts a canary, whose stable track is untouched, but leaves a rolled-out version alone, because what failed
 * is the measuring, not the model.
 */
public final class GateModel {

    public enum OnFail {
        ROLLBACK, NONE;

        public static OnFail parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "rollback" -> ROLLBACK;
                case "none" -> NONE;
                default -> throw new InvalidInputException(Parameter.ON_FAIL, Parameter.ON_FAIL.ref() + " '" + text
                        + "' is not rollback or none");
            };
        }
    }

    /** What an INCONCLUSIVE verdict counts as: FAIL (the default), UNSTABLE (no action) or PASS. */
    public enum OnInconclusive {
        FAIL, UNSTABLE, PASS;

        public static OnInconclusive parse(String text) {
            for (OnInconclusive value : values()) {
                if (value.name().equalsIgnoreCase(text)) {
                    return value;
                }
            }
            throw new InvalidInputException(Parameter.ON_INCONCLUSIVE, Parameter.ON_INCONCLUSIVE.ref() + " '" + text
                    + "' is not fail, unstable or pass");
        }
    }

    /**
     * @param deployment where the gated deployment runs, to act on; empty to only judge
     * @param resumeFrom the state of an interrupted run of the same gate; empty to start now
     */
    public record Request(Gate.Target target, GatePolicy policy, OnFail onFail, OnInconclusive onInconclusive,
                          Optional<DeploymentTarget> deployment, Duration actionTimeout,
                          Optional<GateState> resumeFrom) {
    }

    /**
     * @param verdict the gate's own verdict
     * @param action what was done about it, if anything
     */
    public record Outcome(Decision verdict, String reason, GateState state, Optional<DeploymentTarget.Action> action) {
    }

    private GateModel() {
    }

    public static Outcome run(Request request, SignalSource source, Gate.Sleeper time, Progress progress,
                              Consumer<GateState> checkpoint) {
        progress.info("Gating " + request.target().model() + request.target().version().map(v -> " version " + v)
                .orElse("") + " on " + source.describe() + ": " + request.policy().rounds() + " measurements, "
                + request.policy().interval().toSeconds() + " s apart");
        GateState start = request.resumeFrom().orElseGet(() -> Gate.start(time.now()));
        Gate.Outcome gate = Gate.run(request.policy(), request.target(), start, source, time, progress, checkpoint);
        if (gate.verdict() == null) {
            return new Outcome(null, gate.reason(), gate.state(), Optional.empty());
        }
        Optional<DeploymentTarget.Action> action;
        try {
            action = request.deployment().flatMap(d -> act(request, d, gate.verdict(), progress));
        } catch (RuntimeException e) {
            // The verdict stands whatever the action did; the outcome says the action could not be taken.
            action = Optional.of(new DeploymentTarget.Action("act on " + gate.verdict(), request.target().model(),
                    false, e.getMessage()));
        }
        action.ifPresent(a -> progress.info((a.done() ? "" : "FAILED: ") + a.verb() + " " + a.name() + ": "
                + a.detail()));
        return new Outcome(gate.verdict(), gate.reason(), gate.state(), action);
    }

    private static Optional<DeploymentTarget.Action> act(Request request, DeploymentTarget deployment,
                                                         Decision verdict, Progress progress) {
        String name = request.target().model();
        boolean canary = deployment.hasCanary(name);
        Decision effective = verdict != Decision.INCONCLUSIVE ? verdict : switch (request.onInconclusive()) {
            case FAIL -> Decision.FAIL;
            case PASS -> Decision.PASS;
            case UNSTABLE -> Decision.INCONCLUSIVE;
        };
        return switch (effective) {
            case PASS -> canary ? Optional.of(deployment.promote(name, request.actionTimeout(), progress))
                    : Optional.empty();
            case FAIL -> request.onFail() == OnFail.NONE ? Optional.empty() : Optional.of(canary
                    ? deployment.abort(name, progress) : deployment.rollback(name, request.actionTimeout(), progress));
            case ERROR -> canary && request.onFail() == OnFail.ROLLBACK ? Optional.of(deployment.abort(name, progress))
                    : Optional.empty();
            case INCONCLUSIVE -> Optional.empty();
        };
    }
}
