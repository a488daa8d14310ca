package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

/**
 * How a CSV file writes its fields and numbers: the field delimiter ({@code ,} by default, {@code ;} or a tab, as
 * spreadsheet exports in many locales use) and the decimal mark of numbers ({@code .}, or {@code ,}).
 */
public record CsvFormat(char delimiter, char decimal) {

    public static final CsvFormat DEFAULT = new CsvFormat(',', '.');

    public CsvFormat {
        if (delimiter != ',' && delimiter != ';' && delimiter != '\t') {
            throw new InvalidInputException(Parameter.DELIMITER, "delimiter " + show(delimiter) + " is not supported; "
                    + "expected ',' (the default), ';' or a tab ('\\t' or 'tab')");
        }
        if (decimal != '.' && decimal != ',') {
            throw new InvalidInputException(Parameter.DECIMAL, "decimal mark " + show(decimal) + " is not supported; "
                    + "expected '.' (the default) or ','");
        }
    }

    /** Parses a delimiter as a user writes it: {@code ,}, {@code ;}, a tab character, {@code \t} or {@code tab}. */
    public static char parseDelimiter(String value) {
        return switch (value) {
            case "\\t", "tab", "TAB" -> '\t';
            default -> single(Parameter.DELIMITER, "delimiter", value, "',', ';' or a tab ('\\t' or 'tab')");
        };
    }

    public static char parseDecimal(String value) {
        return single(Parameter.DECIMAL, "decimal mark", value, "'.' or ','");
    }

    private static char single(Parameter parameter, String what, String value, String accepted) {
        if (value.length() != 1) {
            throw new InvalidInputException(parameter, what + " '" + value + "' is not one character; expected "
                    + accepted);
        }
        return value.charAt(0);
    }

    /** A character as messages show it: {@code ';'}, or {@code a tab}. */
    public static String show(char c) {
        return c == '\t' ? "a tab ('\\t')" : "'" + c + "'";
    }
}
