package io.jenkins.plugins.modelops.monitor.prometheus;

/**
 * Prometheus could not be asked, or answered with an error: the message says which URL answered what (status,
 * Prometheus' own {@code errorType} and {@code error}), so a failed gate measurement can be told from a bad query.
 */
public final class PrometheusException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status, or 0 when there was no answer at all (refused, timed out). */
    private final int status;

    public PrometheusException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** A bad query (400/422) is the caller's mistake and retrying cannot help; the rest may pass. */
    public boolean retryable() {
        return status != 400 && status != 422;
    }
}
