package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link LabeledData} checks in a column beyond its type: numbers written in another locale's style (refused,
 * naming the option that reads them), and what looks wrong without being wrong (warned about): id-like text columns,
 * classes that are one number written two ways.
 */
final class ColumnChecks {

    /** A text column with a distinct value on at least this share of its rows is likely an id, not a feature. */
    static final double ID_LIKE_SHARE = 0.95;
    /** Below this many rows, distinct values say little about a column. */
    static final int ID_LIKE_MIN_ROWS = 20;
    private static final Pattern THOUSANDS = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+");

    private ColumnChecks() {
    }

    /**
     * Refuses a text column whose values are numbers written with a decimal comma ({@code 0,25}): one-hot encoding
     * them would silently turn a measurement into hundreds of categories.
     */
    static void refuseDecimalCommas(CsvTable table, int[] rows, int c) {
        CsvTable.Column column = table.column(c);
        int decimalCommas = 0;
        int thousands = 0;
        int numeric = 0;
        int first = -1;
        int present = 0;
        for (int i = 0; i < rows.length; i++) {
            CsvTable.Kind kind = column.kind(rows[i]);
            if (kind == CsvTable.Kind.MISSING) {
                continue;
            }
            present++;
            numeric += kind == CsvTable.Kind.NUMBER ? 1 : 0;
            if (kind == CsvTable.Kind.TEXT && Cells.isDecimalComma(column.texts()[rows[i]])) {
                decimalCommas++;
                thousands += THOUSANDS.matcher(column.texts()[rows[i]].strip()).matches() ? 1 : 0;
                first = first < 0 ? i : first;
            }
        }
        // Numeric once read with a decimal comma: most of its values are numbers either way (whole ones included).
        if (decimalCommas == 0 || (decimalCommas + numeric) * 2 <= present) {
            return;
        }
        String name = column.name();
        String example = table.cell(rows[first], c);
        if (thousands == decimalCommas) { // 1,000: a thousands separator, or a decimal comma with three decimals
            throw new InvalidInputException(Parameter.DATA, String.format("%s: column '%s' holds numbers written "
                    + "with a comma before three digits ('%s' on line %d): if it separates thousands, export the "
                    + "numbers without grouping; if it is the decimal mark, pass %s ','; or pass %s %s to keep them "
                    + "as text", table.source(), name, example, table.lines()[rows[first]], Parameter.DECIMAL.ref(),
                    Parameter.CATEGORICAL.ref(), name));
        }
        throw new InvalidInputException(Parameter.DECIMAL, String.format("%s: column '%s' holds numbers with "
                + "decimal commas ('%s' on line %d): pass %s ',' to read them as numbers, or %s %s to keep them "
                + "as text", table.source(), name, example, table.lines()[rows[first]],
                Parameter.DECIMAL.ref(), Parameter.CATEGORICAL.ref(), name));
    }

    /** An id or free-text column teaches a model nothing that carries to new rows: say so, and how to leave it out. */
    static void warnIfIdLike(String name, String[] texts, List<String> warnings) {
        Set<String> distinct = new HashSet<>();
        int present = 0;
        for (String t : texts) {
            if (t != null) {
                present++;
                distinct.add(t);
            }
        }
        if (present >= ID_LIKE_MIN_ROWS && distinct.size() >= ID_LIKE_SHARE * present) {
            warnings.add(String.format(java.util.Locale.ROOT, "column '%s' looks like an id: %d distinct values in %d "
                    + "rows (%.0f%%), so its categories will not recur in new data; exclude it with %s %s",
                    name, distinct.size(), present, 100.0 * distinct.size() / present, Parameter.EXCLUDE.ref(), name));
        }
    }

    /** Classes are kept as written; two that denote one number ("1" and "1.0") are probably one class. */
    static void warnSameNumber(Set<String> classes, String label, List<String> warnings) {
        Map<Double, String> byValue = new HashMap<>();
        for (String c : classes) {
            double v = Cells.parseNumber(c);
            if (Double.isNaN(v)) {
                continue;
            }
            String other = byValue.putIfAbsent(v, c);
            if (other != null) {
                warnings.add(String.format("label '%s' has the classes '%s' and '%s', which are the same number "
                        + "written two ways; they are kept as two classes (classes are named as written): write them "
                        + "alike if they are one", label, other, c));
            }
        }
    }

}
