package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.core.io.NumberInput;

import java.util.Set;

/** How a raw cell reads: missing, a number, or text. One definition for training data and for requests. */
public final class Cells {

    /** The spellings of a missing value that exports from pandas, R, Excel and UCI files use. */
    public static final Set<String> MISSING = Set.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?");

    private Cells() {
    }

    /**
     * Whether a text cell is a number written with a decimal comma ({@code 0,25}, {@code -3,5}): such a column is
     * refused rather than silently one-hot encoded.
     */
    public static boolean isDecimalComma(String cell) {
        String s = cell.strip();
        int comma = s.indexOf(',');
        return comma > 0 && s.indexOf(',', comma + 1) < 0 && comma < s.length() - 1
                && !Double.isNaN(parseNumber(s, ','));
    }

    public static boolean isMissing(String cell) {
        if (cell == null || cell.isEmpty()) {
            return true;
        }
        char first = cell.charAt(0);
        if ((first >= '0' && first <= '9') || first == '-' || first == '.' || first == '+') {
            return false; // the common case, a number: no strip, no set lookup
        }
        return MISSING.contains(cell.strip());
    }

    /**
     * Parses a plain decimal number ({@code 3}, {@code -0.5}, {@code 1e-3}). Anything else, including Java's extras
     * ({@code Infinity}, hex floats, {@code 1d}), is not a number: returns NaN.
     */
    public static double parseNumber(String cell) {
        return parseNumber(cell, '.');
    }

    /**
     * As {@link #parseNumber(String)}, with {@code decimal} as the decimal mark: with {@code ','}, {@code 0,25} is a
     * quarter and a cell holding {@code .} is not a number (it may be a thousands separator).
     */
    public static double parseNumber(String cell, char decimal) {
        String s = cell;
        if (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1)))) {
            s = s.strip();
        }
        if (s.isEmpty()) {
            return Double.NaN;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == decimal || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        if (decimal != '.') {
            s = s.replace(decimal, '.');
        }
        try {
            // Jackson's bundled FastDoubleParser: the same results as Double.parseDouble, several times faster.
            double value = NumberInput.parseDouble(s, true);
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
