package io.jenkins.plugins.modelops.monitor.signal;

import io.jenkins.plugins.modelops.metrics.ServingContract;

import java.util.Set;

/**
 * The gauges the health page reads beside the signals: the model's facts, its lifecycle status (reported by the
 * server and by train and deploy through a Pushgateway) and the server's memory. Named here once for both ways of
 * reading them: Prometheus and the embedded scrape.
 */
public final class Gauges {

    /** 1 for the current lifecycle state, by model, version and {@code status}. */
    public static final String STATUS = "modelops_model_status";
    /** 1 with the state's reason as a {@code cause} label, by model, version and status. */
    public static final String STATUS_CAUSE = "modelops_model_status_cause";
    public static final String STATUS_LABEL = "status";
    public static final String CAUSE_LABEL = "cause";
    /** The server process' resident memory (client_java's process metrics). */
    public static final String RESIDENT_MEMORY = "process_resident_memory_bytes";

    public static final Set<String> ALL = Set.of(ServingContract.MODEL_INFO, STATUS, STATUS_CAUSE, RESIDENT_MEMORY);

    private Gauges() {
    }
}
