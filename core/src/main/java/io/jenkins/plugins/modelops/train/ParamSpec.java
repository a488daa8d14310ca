package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.List;
import java.util.Locale;

/**
 * One hyperparameter of an algorithm: its name, default and what values it accepts.
 *
 * @param choices the accepted values for a choice parameter, else empty
 */
public record ParamSpec(String name, Kind kind, String defaultValue, double min, double max, List<String> choices,
                        String description) {

    public enum Kind { INT, DOUBLE, BOOLEAN, CHOICE }

    public static ParamSpec integer(String name, int defaultValue, int min, int max, String description) {
        return new ParamSpec(name, Kind.INT, Integer.toString(defaultValue), min, max, List.of(), description);
    }

    public static ParamSpec decimal(String name, double defaultValue, double min, double max, String description) {
        return new ParamSpec(name, Kind.DOUBLE, Double.toString(defaultValue), min, max, List.of(), description);
    }

    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, Kind.BOOLEAN, Boolean.toString(defaultValue), 0, 0, List.of(), description);
    }

    public static ParamSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParamSpec(name, Kind.CHOICE, defaultValue, 0, 0, List.copyOf(choices), description);
    }

    /** Checks a value and returns its canonical spelling; the error names the algorithm, key, value and the range. */
    String validate(String algorithm, String value) {
        String v = value.strip();
        switch (kind) {
            case INT -> {
                long parsed;
                try {
                    parsed = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw invalid(algorithm, v, "a whole number " + range());
                }
                if (parsed < min || parsed > max) {
                    throw invalid(algorithm, v, "a whole number " + range());
                }
                return Long.toString(parsed);
            }
            case DOUBLE -> {
                double parsed;
                try {
                    parsed = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw invalid(algorithm, v, "a number " + range());
                }
                if (!(parsed >= min && parsed <= max)) {
                    throw invalid(algorithm, v, "a number " + range());
                }
                return Double.toString(parsed);
            }
            case BOOLEAN -> {
                String lower = v.toLowerCase(Locale.ROOT);
                if (!lower.equals("true") && !lower.equals("false")) {
                    throw invalid(algorithm, v, "true or false");
                }
                return lower;
            }
            case CHOICE -> {
                for (String choice : choices) {
                    if (choice.equalsIgnoreCase(v)) {
                        return choice;
                    }
                }
                throw invalid(algorithm, v, "one of " + String.join(", ", choices));
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private String range() {
        String low = kind == Kind.INT ? Long.toString((long) min) : io.jenkins.plugins.modelops.Numbers.format(min);
        if (max == Double.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "of at least " + low;
        }
        String high = kind == Kind.INT ? Long.toString((long) max) : io.jenkins.plugins.modelops.Numbers.format(max);
        return "from " + low + " to " + high;
    }

    private InvalidInputException invalid(String algorithm, String value, String accepted) {
        return new InvalidInputException(Parameter.PARAMS, String.format("hyperparameter %s=%s of algorithm '%s' is not valid; expected %s",
                name, value, algorithm, accepted));
    }
}
