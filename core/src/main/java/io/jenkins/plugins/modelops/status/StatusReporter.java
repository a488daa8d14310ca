package io.jenkins.plugins.modelops.status;

import io.jenkins.plugins.modelops.Progress;

/**
 * Where {@code trainModel} and {@code deployModel} publish lifecycle changes: short jobs push them (a Pushgateway,
 * in the monitor module, so this engine needs no Prometheus client). One value the steps and the CLI pass in;
 * {@link #NONE} when nothing is configured. A reporter never fails the job it reports on: a publisher that cannot
 * be reached says so through {@link Progress#warn} and returns.
 */
public interface StatusReporter {

    /** Nothing is configured: nothing is published, nothing can fail. */
    StatusReporter NONE = new StatusReporter() {
        @Override
        public void report(StatusEvent event, Progress progress) {
        }

        @Override
        public void remove(String model, String version, Progress progress) {
        }
    };

    void report(StatusEvent event, Progress progress);

    /** Forgets a model version's status (a training run's {@link ModelStatus#NO_VERSION} once it has a model). */
    void remove(String model, String version, Progress progress);

    /** {@code report} for a status without training facts: a gate's rollback, say. */
    default void report(String model, String version, ModelStatus status, String cause, Progress progress) {
        report(StatusEvent.of(model, version, status, cause), progress);
    }
}
