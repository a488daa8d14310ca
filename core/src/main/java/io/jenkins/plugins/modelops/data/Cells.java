package io.jenkins.plugins.modelops.data;

import com.fasterxml.jackson.core.io.NumberInput;

import java.util.Set;

/** How a raw cell reads: missing, a number, or text. One definition for training data and for requests. */
public final class Cells {

    /** The spellings of a missing value that exports from pandas, R, Excel and UCI files use. */
    public static final Set<String> MISSING = Set.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?");

    private Cells() {
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
        String s = cell;
        if (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1)))) {
            s = s.strip();
        }
        if (s.isEmpty()) {
            return Double.NaN;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
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
