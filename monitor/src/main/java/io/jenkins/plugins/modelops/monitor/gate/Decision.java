package io.jenkins.plugins.modelops.monitor.gate;

/** What one measurement says, and what the gate ends with. */
public enum Decision {
    /** The condition held, on enough samples. */
    PASS,
    /** The condition was broken, on enough samples. */
    FAIL,
    /** Not enough evidence either way: no data, NaN, too few samples, a missing baseline. */
    INCONCLUSIVE,
    /** The value could not be read (the provider failed or was unreachable). */
    ERROR
}
