package io.jenkins.plugins.modelops;

/**
 * Input the user can fix: a data file, a flag, a hyperparameter, a request. The message says where the problem is
 * (file, line, column, field or value) and what would be accepted, so it can be shown as it is.
 */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
