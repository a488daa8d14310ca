package io.jenkins.plugins.modelops.serving;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The compiled kernels agree with their reference on the start-up probes; this checks them on live traffic too. A
 * sample of served rows ({@code --kernel-check-rate}, 1 in 1000 by default; at most one row per request) is predicted
 * again with the reference on one background thread, whose queue is short: when it is full, samples are dropped
 * rather than work piling up. Checks and disagreements are counted; at the first disagreement the reference takes
 * over (logged), since a kernel that is wrong once cannot be trusted on the rest.
 */
final class KernelCheck implements AutoCloseable {

    private final double rate;
    private final ServingMetrics metrics;
    private final JsonLog log;
    private final Runnable onFallBack;
    private final ThreadPoolExecutor executor;

    /** @param onFallBack run after the reference took over (to update the model's metadata and info metric) */
    KernelCheck(double rate, ServingMetrics metrics, JsonLog log, Runnable onFallBack) {
        this.rate = rate;
        this.metrics = metrics;
        this.log = log;
        this.onFallBack = onFallBack;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), runnable -> {
            Thread thread = new Thread(runnable, "kernel-check");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Maybe queues one of a request's rows for a check against the reference. */
    void sample(Predictor predictor, List<double[]> rows, Predictions results) {
        if (rate <= 0 || !predictor.compiledKernel() || ThreadLocalRandom.current().nextDouble() >= rate * rows.size()) {
            return;
        }
        int i = ThreadLocalRandom.current().nextInt(rows.size());
        double[] row = rows.get(i);
        Predictor.Result served = results.get(i);
        executor.execute(() -> check(predictor, row, served));
    }

    /** Checks one served row's prediction against the reference's. */
    void check(Predictor predictor, double[] row, Predictor.Result served) {
        if (!predictor.compiledKernel()) {
            return;
        }
        String difference;
        try {
            difference = predictor.liveDisagreement(row, served);
        } catch (RuntimeException e) {
            log.warn("kernel_check_failed", "the reference failed on a sampled row: " + e, "error", e.toString());
            return;
        }
        metrics.kernelCheck(difference != null);
        if (difference != null) {
            String kernel = predictor.kernelId();
            predictor.fallBack(difference);
            log.warn("kernel_mismatch", "the " + kernel + " kernel disagreed with the reference on " + difference
                    + "; the reference predicts from now on", "kernel", kernel, "now", predictor.kernelId());
            onFallBack.run();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
