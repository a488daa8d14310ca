package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.jenkins.plugins.modelops.Progress;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Waits for a Deployment's rollout as {@code kubectl rollout status} does: the controller has seen the latest
 * generation, every replica runs the new template, no old replica is left, every new one is available. Fails on
 * the Progressing condition's {@code ProgressDeadlineExceeded} or on our own timeout, whichever comes first.
 */
final class Rollout {

    /**
     * How often the Deployment is read: from {@code FIRST_POLL}, half as often again after each read that saw no
     * change, up to {@code MAX_POLL}; back to the start when the state moves. A quick rollout is seen quickly and a
     * five-minute one costs the API server a few hundred GETs, not thousands. (A watch would save little more.)
     */
    static final Duration FIRST_POLL = Duration.ofMillis(50);
    static final Duration MAX_POLL = Duration.ofSeconds(2);

    /** How a rollout ended; {@code state} is the last thing seen ("1/2 replicas updated, 0 available"). */
    record Result(boolean healthy, String reason, String state) {
    }

    private Rollout() {
    }

    static Result await(KubeCalls calls, String name, Duration timeout, Progress progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        long poll = FIRST_POLL.toMillis();
        String where = "deployment " + calls.namespace() + "/" + name;
        while (true) {
            Optional<Deployment> d = calls.get(KubeCalls.DEPLOYMENT, name);
            if (d.isEmpty()) {
                return new Result(false, where + " was deleted during its rollout", "deleted");
            }
            State state = state(d.get());
            if (!state.text().equals(last)) {
                progress.info(where + ": " + state.text());
                last = state.text();
                poll = FIRST_POLL.toMillis();
            } else {
                poll = Math.min(MAX_POLL.toMillis(), poll * 3 / 2);
            }
            if (state.done()) {
                return new Result(true, "", state.text());
            }
            if (state.failure() != null) {
                return new Result(false, state.failure(), state.text());
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Result(false, where + " did not become ready within " + human(timeout) + ": "
                        + state.text(), state.text());
            }
            try {
                Thread.sleep(Math.max(1, Math.min(poll, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted while waiting for " + where, state.text());
            }
        }
    }

    /** What a Deployment's status says about its rollout. */
    record State(String text, boolean done, String failure) {
    }

    static State state(Deployment d) {
        long generation = Objects.requireNonNullElse(d.getMetadata().getGeneration(), 0L);
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        long observed = Objects.requireNonNullElse(s.getObservedGeneration(), 0L);
        int wanted = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        int updated = Objects.requireNonNullElse(s.getUpdatedReplicas(), 0);
        int total = Objects.requireNonNullElse(s.getReplicas(), 0);
        int available = Objects.requireNonNullElse(s.getAvailableReplicas(), 0);
        if (observed < generation) {
            return new State("waiting for the controller to see generation " + generation, false, null);
        }
        String counts = updated + "/" + wanted + " replicas updated, " + available + " available";
        for (DeploymentCondition c : s.getConditions() == null ? java.util.List.<DeploymentCondition>of()
                : s.getConditions()) {
            if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                return new State(counts, false, "deployment " + d.getMetadata().getNamespace() + "/"
                        + d.getMetadata().getName() + " exceeded its progress deadline ("
                        + d.getSpec().getProgressDeadlineSeconds() + "s): " + counts
                        + (c.getMessage() == null ? "" : "; " + c.getMessage()));
            }
        }
        if (updated < wanted) {
            return new State(counts, false, null);
        }
        if (total > updated) {
            return new State(counts + ", " + (total - updated) + " old pending termination", false, null);
        }
        if (available < updated) {
            return new State(counts, false, null);
        }
        return new State(counts + ": rolled out", true, null);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s > 0 ? s + "s" : d.toMillis() + "ms";
    }
}
