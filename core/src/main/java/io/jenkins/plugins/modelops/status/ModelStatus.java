package io.jenkins.plugins.modelops.status;

import java.util.Locale;

/**
 * A model's lifecycle states, the {@code status} label of {@code modelops_model_status{model,version,status}}: 1 for
 * the current state, 0 for the others. A contract like {@link io.jenkins.plugins.modelops.metrics.ServingContract}:
 * alert rules, dashboards and Alertmanager templates match these names. Who reports each: {@code trainModel}
 * ({@link #TRAINING}, {@link #TRAINED}, {@link #TRAINING_FAILED}) and {@code deployModel} ({@link #DEPLOYING},
 * {@link #RUNNING}, {@link #ROLLED_BACK}; a gate's rollback too) through a Pushgateway, the model server ({@link
 * #RUNNING} or {@link #DEGRADED}) on its own {@code /metrics}.
 */
public enum ModelStatus {
    TRAINING, TRAINED, TRAINING_FAILED, DEPLOYING, RUNNING, DEGRADED, ROLLED_BACK;

    /** The version of a training run that has no model yet (it failed, or is still training). */
    public static final String NO_VERSION = "none";

    /** The label value: {@code training_failed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
