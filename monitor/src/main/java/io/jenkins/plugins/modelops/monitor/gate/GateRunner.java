package io.jenkins.plugins.modelops.monitor.gate;

import io.jenkins.plugins.modelops.Progress;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Many gates in one process on a fixed number of threads (a Jenkins controller gating many builds at once): no gate
 * holds a thread while it waits for its next round; each round is scheduled at its due time and runs on the pool.
 * The verdicts are {@link Gate#run}'s: the same rounds, the same decisions.
 */
public final class GateRunner implements AutoCloseable {

    private final ScheduledExecutorService pool;

    public GateRunner(int threads) {
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newScheduledThreadPool(threads, r -> {
            Thread thread = new Thread(r, "modelops-gate-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts (or resumes) a gate; the future completes with its verdict. */
    public CompletableFuture<Gate.Outcome> submit(GatePolicy policy, Gate.Target target, GateState state,
                                                  SignalSource source, Progress progress,
                                                  Consumer<GateState> checkpoint) {
        CompletableFuture<Gate.Outcome> outcome = new CompletableFuture<>();
        schedule(policy, target, state, source, progress, checkpoint, outcome);
        return outcome;
    }

    private void schedule(GatePolicy policy, Gate.Target target, GateState state, SignalSource source,
                          Progress progress, Consumer<GateState> checkpoint, CompletableFuture<Gate.Outcome> outcome) {
        Instant due = Gate.due(policy, state, state.rounds().size() + 1);
        long delay = Math.max(0, Duration.between(Instant.now(), due).toMillis());
        pool.schedule(() -> {
            try {
                GateState next = Gate.round(policy, target, state, source, Gate.REAL_TIME);
                checkpoint.accept(next);
                if (next.finished()) {
                    progress.info("Gate " + next.verdict() + ": " + next.reason());
                    outcome.complete(new Gate.Outcome(next.verdict(), next.reason(), next));
                } else {
                    schedule(policy, target, next, source, progress, checkpoint, outcome);
                }
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
