package io.jenkins.plugins.modelops;

import java.util.Optional;
import java.util.function.Function;

/**
 * Input the user can fix: a data file, a parameter, a hyperparameter, a request. The message says where the problem
 * is (file, line, column, field or value) and what would be accepted, so it can be shown as it is.
 *
 * <p>Messages name parameters through {@link Parameter#ref()}; {@link #getMessage()} spells them as the
 * {@code trainModel} step does ({@code missing: drop}) and {@link #render} as any other caller does (the CLI:
 * {@code --missing drop}). {@link #parameter()} is the parameter whose value was wrong, where there is one.
 */
public class InvalidInputException extends RuntimeException {

    private final Parameter parameter;

    public InvalidInputException(String message) {
        this(null, message, null);
    }

    public InvalidInputException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public InvalidInputException(Parameter parameter, String message) {
        this(parameter, message, null);
    }

    public InvalidInputException(Parameter parameter, String message, Throwable cause) {
        super(message, cause);
        this.parameter = parameter;
    }

    public Optional<Parameter> parameter() {
        return Optional.ofNullable(parameter);
    }

    @Override
    public String getMessage() {
        return Parameter.plain(super.getMessage());
    }

    /** The message with every parameter reference spelled by {@code spelling} (the CLI: {@code --missing}). */
    public String render(Function<Parameter, String> spelling) {
        return Parameter.render(super.getMessage(), spelling);
    }
}
