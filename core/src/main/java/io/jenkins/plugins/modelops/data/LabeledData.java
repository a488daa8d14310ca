package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A table after validation: typed feature columns and a label, every row still carrying its source line. Built once
 * from a {@link CsvTable} and a {@link DataSpec}; every error names file, line, column and value.
 */
public final class LabeledData {

    /** A feature column: numbers (NaN where missing) or text (null where missing). */
    public record Column(String name, ColumnType type, double[] numbers, String[] texts) {
    }

    private final String source;
    private final String label;
    private final Task task;
    private final String taskReason;
    private final List<Column> features;
    private final String[] classes;
    private final double[] targets;
    private final long[] lines;
    private final int droppedRows;
    private final List<String> warnings;

    private LabeledData(String source, String label, Task task, String taskReason, List<Column> features,
                        String[] classes, double[] targets, long[] lines, int droppedRows, List<String> warnings) {
        this.source = source;
        this.label = label;
        this.task = task;
        this.taskReason = taskReason;
        this.features = List.copyOf(features);
        this.classes = classes;
        this.targets = targets;
        this.lines = lines;
        this.droppedRows = droppedRows;
        this.warnings = List.copyOf(warnings);
    }

    /** Reads and checks a CSV file for a data spec: the one entry point from a file. */
    public static LabeledData read(java.nio.file.Path file, DataSpec spec, Progress progress) {
        // The label's and declared categorical columns' numeric-looking values are names ("5", "01234"): keep texts.
        Set<String> textColumns = new HashSet<>(spec.categorical());
        textColumns.add(spec.label());
        return from(CsvTable.read(file, textColumns, spec.format()), spec, progress);
    }

    private static LabeledData from(CsvTable table, DataSpec spec, Progress progress) {
        int labelColumn = table.columnIndex(spec.label());
        if (labelColumn < 0) {
            throw new InvalidInputException(Parameter.LABEL, String.format("%s: no label column '%s'; the columns "
                    + "are: %s", table.source(), spec.label(), String.join(", ", table.header())));
        }
        if (table.column(labelColumn).present() == 0) {
            throw new InvalidInputException(Parameter.LABEL, String.format("%s: the label column '%s' has no value in "
                    + "any of the %d rows, so there is nothing to learn; choose another label column",
                    table.source(), spec.label(), table.rows()));
        }
        List<String> warnings = new ArrayList<>();
        List<Integer> featureColumns = featureColumns(table, spec, labelColumn);
        CsvTable.Column label = table.column(labelColumn);
        List<CsvTable.Column> features = featureColumns.stream().map(table::column).toList();

        // Rows to keep: the drop policy removes every row with a missing label or feature.
        int n = table.rows();
        boolean[] keep = new boolean[n];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            boolean labelMissing = label.kind(r) == CsvTable.Kind.MISSING;
            int missingFeature = -1;
            for (int f = 0; f < features.size() && missingFeature < 0; f++) {
                missingFeature = features.get(f).kind(r) == CsvTable.Kind.MISSING ? featureColumns.get(f) : -1;
            }
            if (spec.missing() == MissingPolicy.DROP) {
                keep[r] = !labelMissing && missingFeature < 0;
            } else if (labelMissing) {
                throw missing(table, spec, r, labelColumn, labelColumn);
            } else if (missingFeature >= 0 && spec.missing() == MissingPolicy.ERROR) {
                throw missing(table, spec, r, missingFeature, labelColumn);
            } else {
                keep[r] = true; // mean: numeric gaps are imputed after the split, text gaps are refused when typing
            }
            kept += keep[r] ? 1 : 0;
        }
        int dropped = n - kept;
        if (dropped > 0) {
            progress.info(String.format("Dropped %d of %d rows with missing values (%s drop)", dropped, n,
                    Parameter.MISSING.ref()));
        }
        if (kept == 0) {
            throw new InvalidInputException(Parameter.MISSING, table.source() + ": every row has a missing value, so "
                    + Parameter.MISSING.ref() + " drop left no rows; fill the values, or use " + Parameter.MISSING.ref()
                    + " mean to impute missing numeric features (a missing label is never imputed)");
        }
        int[] rows = new int[kept];
        for (int r = 0, i = 0; r < n; r++) {
            if (keep[r]) {
                rows[i++] = r;
            }
        }
        long[] lines = new long[kept];
        for (int i = 0; i < kept; i++) {
            lines[i] = table.lines()[rows[i]];
        }

        List<Column> columns = new ArrayList<>(features.size());
        for (int f = 0; f < features.size(); f++) {
            columns.add(column(table, spec, rows, featureColumns.get(f), dropped > 0, warnings));
        }

        // One-hot features are named column=category: a column already named so would collide with one in Tribuo.
        Set<String> textColumns = new HashSet<>();
        columns.stream().filter(c -> c.type() == ColumnType.CATEGORICAL).forEach(c -> textColumns.add(c.name()));
        for (Column c : columns) {
            int eq = c.name().indexOf('=');
            if (eq > 0 && textColumns.contains(c.name().substring(0, eq))) {
                throw new InvalidInputException(Parameter.DATA, String.format("%s: column '%s' has the name of a "
                        + "one-hot feature of the text column '%s'; rename it (or exclude it with %s %s)",
                        table.source(), c.name(), c.name().substring(0, eq), Parameter.EXCLUDE.ref(), c.name()));
            }
        }

        // The label: its type decides the task unless the user said.
        boolean numericLabel = true;
        for (int row : rows) {
            numericLabel &= label.kind(row) == CsvTable.Kind.NUMBER;
        }
        Task task;
        String reason;
        if (!numericLabel && spec.task().orElse(Task.REGRESSION) == Task.REGRESSION && spec.format().decimal() == '.'
                && !spec.categorical().contains(spec.label())) {
            ColumnChecks.refuseDecimalCommas(table, rows, labelColumn);
        }
        if (spec.task().isPresent()) {
            task = spec.task().get();
            reason = "given by the task parameter";
        } else if (!numericLabel) {
            task = Task.CLASSIFICATION;
            reason = "the label has text values";
        } else {
            Set<Double> distinct = new HashSet<>();
            boolean integers = true;
            for (int row : rows) {
                double v = label.numbers()[row];
                distinct.add(v);
                integers &= v == Math.rint(v);
            }
            if (integers && distinct.size() <= 10) {
                task = Task.CLASSIFICATION;
                reason = "the label has " + distinct.size() + " distinct whole-number values";
            } else {
                task = Task.REGRESSION;
                reason = integers ? "the label has " + distinct.size() + " distinct numbers" : "the label has fractional numbers";
            }
        }
        String[] classes = null;
        double[] targets = null;
        if (task == Task.REGRESSION) {
            targets = new double[kept];
            for (int i = 0; i < kept; i++) {
                if (label.kind(rows[i]) != CsvTable.Kind.NUMBER) {
                    throw new InvalidInputException(Parameter.TASK, String.format(
                            "%s: value '%s' is not a number; a regression label must be numeric (or use %s "
                                    + "classification)", table.where(rows[i], labelColumn),
                            table.cell(rows[i], labelColumn), Parameter.TASK.ref()));
                }
                targets[i] = label.numbers()[rows[i]];
            }
        } else {
            classes = new String[kept];
            Set<String> distinct = new LinkedHashSet<>();
            for (int i = 0; i < kept; i++) {
                // A class is named as it is written: "01" and "1" are two classes (zip codes, product codes).
                classes[i] = label.texts()[rows[i]];
                distinct.add(classes[i]);
            }
            ColumnChecks.warnSameNumber(distinct, spec.label(), warnings);
            if (distinct.size() < 2) {
                throw new InvalidInputException(Parameter.LABEL, String.format(
                        "%s: label column '%s' has a single class ('%s') in all %d rows; classification needs at least "
                                + "two classes", table.source(), spec.label(), distinct.iterator().next(), kept));
            }
        }
        progress.info(String.format("Read %s: %d rows, %d features (%d numeric, %d categorical), label '%s', task %s (%s)",
                table.source(), kept, columns.size(),
                columns.stream().filter(c -> c.type() == ColumnType.NUMERIC).count(),
                columns.stream().filter(c -> c.type() == ColumnType.CATEGORICAL).count(),
                spec.label(), task.id(), reason));
        warnings.forEach(progress::warn);
        return new LabeledData(table.source(), spec.label(), task, reason, columns, classes, targets, lines, dropped,
                warnings);
    }

    private static List<Integer> featureColumns(CsvTable table, DataSpec spec, int labelColumn) {
        for (String name : concat(spec.exclude(), spec.categorical(), spec.features())) {
            if (table.columnIndex(name) < 0) {
                throw new InvalidInputException(parameterNaming(spec, name), String.format(
                        "%s: no column '%s' (named in %s); the columns are: %s", table.source(), name,
                        flagNaming(spec, name), String.join(", ", table.header())));
            }
        }
        if (spec.features().contains(spec.label())) {
            throw new InvalidInputException(Parameter.FEATURES, "column '" + spec.label() + "' is the label, so it cannot also be a feature; "
                    + "remove it from the features");
        }
        if (new java.util.HashSet<>(spec.features()).size() < spec.features().size()) {
            throw new InvalidInputException(Parameter.FEATURES, "the feature list " + spec.features() + " names a column twice; name each "
                    + "feature once");
        }
        List<Integer> columns = new ArrayList<>();
        List<String> names = spec.features().isEmpty() ? table.header() : spec.features();
        for (String name : names) {
            int c = table.columnIndex(name);
            if (c != labelColumn && !spec.exclude().contains(name)) {
                columns.add(c);
            }
        }
        if (columns.isEmpty()) {
            throw new InvalidInputException(Parameter.EXCLUDE, table.source() + ": no feature columns left after removing the label '"
                    + spec.label() + "' and the excluded columns " + spec.exclude() + "; the columns are: "
                    + String.join(", ", table.header()));
        }
        return columns;
    }

    private static Parameter parameterNaming(DataSpec spec, String name) {
        if (spec.exclude().contains(name)) {
            return Parameter.EXCLUDE;
        }
        return spec.categorical().contains(name) ? Parameter.CATEGORICAL : Parameter.FEATURES;
    }

    private static String flagNaming(DataSpec spec, String name) {
        if (spec.exclude().contains(name)) {
            return "the excluded columns";
        }
        return spec.categorical().contains(name) ? "the categorical columns" : "the feature list";
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    private static InvalidInputException missing(CsvTable table, DataSpec spec, int row, int column, int labelColumn) {
        if (column == labelColumn) {
            return new InvalidInputException(Parameter.MISSING, String.format(
                    "%s: the label is missing (value '%s'); fill it, or use %s drop to drop such rows "
                            + "(a missing label is never imputed)",
                    table.where(row, column), table.cell(row, column), Parameter.MISSING.ref()));
        }
        String missing = Parameter.MISSING.ref();
        return new InvalidInputException(Parameter.MISSING, String.format(
                "%s: missing value '%s'; with %s %s every feature needs a value. Accepted: fill it, "
                        + "%s drop (drop such rows) or %s mean (impute numeric columns)",
                table.where(row, column), table.cell(row, column), missing, spec.missing().id(), missing, missing));
    }

    /**
     * Types a column over the kept rows. When {@code subset} is false the rows are all the table's and its arrays are
     * used as they are.
     */
    private static Column column(CsvTable table, DataSpec spec, int[] rows, int c, boolean subset,
                                 List<String> warnings) {
        CsvTable.Column column = table.column(c);
        String name = column.name();
        int present = 0;
        int numeric = 0;
        int firstText = -1;
        for (int i = 0; i < rows.length; i++) {
            CsvTable.Kind kind = column.kind(rows[i]);
            present += kind != CsvTable.Kind.MISSING ? 1 : 0;
            numeric += kind == CsvTable.Kind.NUMBER ? 1 : 0;
            firstText = firstText < 0 && kind == CsvTable.Kind.TEXT ? i : firstText;
        }
        // Typed over all the file's rows, as CsvTable decided which texts to keep: with --missing drop the kept rows
        // alone could make a column text whose numeric-looking cells were read as numbers only.
        boolean categorical = column.isText(spec.categorical().contains(name));
        boolean declared = spec.categorical().contains(name);
        if (!declared && spec.format().decimal() == '.' && firstText >= 0) {
            ColumnChecks.refuseDecimalCommas(table, rows, c);
        }
        if (!categorical && firstText >= 0) {
            char decimal = spec.format().decimal();
            throw new InvalidInputException(Parameter.DATA, String.format(
                    "%s: value '%s' is not a number, but %d of the column's %d values are numbers. Accepted: a decimal "
                            + "number such as 3 or -0%s25, a missing value (empty, NA), or %s %s to treat the "
                            + "whole column as text", table.where(rows[firstText], c),
                    table.cell(rows[firstText], c), numeric, present, decimal, Parameter.CATEGORICAL.ref(), name));
        }
        if (categorical) {
            String[] texts = new String[rows.length];
            for (int i = 0; i < rows.length; i++) {
                if (column.kind(rows[i]) == CsvTable.Kind.MISSING) {
                    if (spec.missing() == MissingPolicy.MEAN) {
                        throw new InvalidInputException(Parameter.MISSING, String.format(
                                "%s: missing value '%s' in a text column; %s mean imputes numeric columns only. "
                                        + "Accepted: fill it, or %s drop", table.where(rows[i], c),
                                table.cell(rows[i], c), Parameter.MISSING.ref(), Parameter.MISSING.ref()));
                    }
                } else {
                    texts[i] = column.texts()[rows[i]];
                }
            }
            ColumnChecks.warnIfIdLike(name, texts, warnings);
            return new Column(name, ColumnType.CATEGORICAL, null, texts);
        }
        double[] numbers = column.numbers();
        if (subset) {
            numbers = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                numbers[i] = column.numbers()[rows[i]];
            }
        }
        return new Column(name, ColumnType.NUMERIC, numbers, null);
    }

    public String source() {
        return source;
    }

    /** What the data looks wrong in, without being refused (e.g. an id-like column): for the log and model card. */
    public List<String> warnings() {
        return warnings;
    }

    public String label() {
        return label;
    }

    public Task task() {
        return task;
    }

    /** Why the task is what it is, e.g. "the label has text values": shown so an inference is never silent. */
    public String taskReason() {
        return taskReason;
    }

    public List<Column> features() {
        return features;
    }

    public int rows() {
        return lines.length;
    }

    public long line(int row) {
        return lines[row];
    }

    public int droppedRows() {
        return droppedRows;
    }

    /** The class of a row (classification only). */
    public String labelClass(int row) {
        return classes[row];
    }

    /** The target of a row (regression only). */
    public double target(int row) {
        return targets[row];
    }

    /** The classes in sorted order, with their row counts (classification only). */
    public TreeMap<String, Integer> classCounts() {
        TreeMap<String, Integer> counts = new TreeMap<>();
        for (String c : classes) {
            counts.merge(c, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        return "LabeledData[" + source + ", " + rows() + " rows, label " + label + ", " + task.id() + ", features "
                + Arrays.toString(features.stream().map(Column::name).toArray()) + "]";
    }
}
