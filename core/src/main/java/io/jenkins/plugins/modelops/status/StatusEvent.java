package io.jenkins.plugins.modelops.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of a model's lifecycle status, as a reporter publishes it.
 *
 * @param version the model's version label (the bundle's short model id, as the server labels it), or {@link
 *                ModelStatus#NO_VERSION}
 * @param cause   why, in words, for the states that have one ({@code training_failed}, {@code rolled_back},
 *                {@code degraded}); null otherwise
 * @param training what a finished training run produced; null before and outside training
 */
public record StatusEvent(String model, String version, ModelStatus status, Instant time, String cause,
                          Training training) {

    public StatusEvent {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(time, "time");
    }

    public static StatusEvent of(String model, String version, ModelStatus status, String cause) {
        return new StatusEvent(model, version, status, Instant.now(), cause, null);
    }

    public StatusEvent withTraining(Training facts) {
        return new StatusEvent(model, version, status, time, cause, facts);
    }

    /**
     * @param metric the headline test metric ({@code accuracy}, or {@code rmse} for a regressor); null when the
     *               test rows defined none
     */
    public record Training(Duration duration, int rows, String metric, double value) {
    }
}
