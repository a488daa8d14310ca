package io.jenkins.plugins.modelops.serving;

/** A request the server answers with an error status and a message saying what was wrong and what is accepted. */
final class HttpError extends RuntimeException {

    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
