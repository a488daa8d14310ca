package io.jenkins.plugins.modelops.monitor.signal;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.status.StatusContract;

import java.util.Set;

/**
 * The gauges the health page reads beside the signals: the model's facts, its lifecycle status (core's
 * {@link StatusContract}) and the server's memory. Listed here once for both ways of reading them: Prometheus and
 * the embedded scrape, which keeps only these of a server's gauges.
 */
public final class Gauges {

    /** The server process' resident memory (client_java's process metrics). */
    public static final String RESIDENT_MEMORY = "process_resident_memory_bytes";

    public static final Set<String> ALL = Set.of(ServingContract.MODEL_INFO, StatusContract.MODEL_STATUS,
            StatusContract.MODEL_STATUS_CAUSE, RESIDENT_MEMORY);

    private Gauges() {
    }
}
