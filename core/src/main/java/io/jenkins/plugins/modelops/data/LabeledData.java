package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
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

    private LabeledData(String source, String label, Task task, String taskReason, List<Column> features,
                        String[] classes, double[] targets, long[] lines, int droppedRows) {
        this.source = source;
        this.label = label;
        this.task = task;
        this.taskReason = taskReason;
        this.features = List.copyOf(features);
        this.classes = classes;
        this.targets = targets;
        this.lines = lines;
        this.droppedRows = droppedRows;
    }

    public static LabeledData from(CsvTable table, DataSpec spec, Progress progress) {
        int labelColumn = table.columnIndex(spec.label());
        if (labelColumn < 0) {
            throw new InvalidInputException(String.format("%s: no label column '%s'; the columns are: %s",
                    table.source(), spec.label(), String.join(", ", table.header())));
        }
        List<Integer> featureColumns = featureColumns(table, spec, labelColumn);

        // Rows to keep: the drop policy removes every row with a missing label or feature, before typing, so
        // a dropped row never decides a column's type.
        boolean[] keep = new boolean[table.rows().size()];
        int kept = 0;
        for (int r = 0; r < keep.length; r++) {
            String[] row = table.rows().get(r);
            boolean labelMissing = Cells.isMissing(row[labelColumn]);
            boolean featureMissing = false;
            for (int c : featureColumns) {
                featureMissing |= Cells.isMissing(row[c]);
            }
            if (spec.missing() == MissingPolicy.DROP) {
                keep[r] = !labelMissing && !featureMissing;
            } else if (labelMissing) {
                throw missing(table, spec, r, labelColumn, labelColumn);
            } else if (featureMissing && spec.missing() == MissingPolicy.ERROR) {
                throw missing(table, spec, r, firstMissing(row, featureColumns), labelColumn);
            } else {
                keep[r] = true; // mean: numeric gaps are imputed after the split, text gaps are refused when typing
            }
            kept += keep[r] ? 1 : 0;
        }
        int dropped = keep.length - kept;
        if (dropped > 0) {
            progress.info(String.format("Dropped %d of %d rows with missing values (--missing drop)", dropped, keep.length));
        }
        if (kept == 0) {
            throw new InvalidInputException(table.source() + ": every row has a missing value, so --missing drop left "
                    + "no rows; use --missing mean, or fill the values");
        }
        int[] rows = new int[kept];
        for (int r = 0, i = 0; r < keep.length; r++) {
            if (keep[r]) {
                rows[i++] = r;
            }
        }
        long[] lines = new long[kept];
        for (int i = 0; i < kept; i++) {
            lines[i] = table.lines()[rows[i]];
        }

        // Parse every feature cell once, row by row (the table is stored by row; walking it by column misses the
        // cache on every cell), then type each column from what was seen.
        int width = featureColumns.size();
        double[][] numbers = new double[width][kept];
        int[] present = new int[width];
        int[] numeric = new int[width];
        int[] firstText = new int[width];
        java.util.Arrays.fill(firstText, -1);
        for (int i = 0; i < kept; i++) {
            String[] row = table.rows().get(rows[i]);
            for (int f = 0; f < width; f++) {
                String cell = row[featureColumns.get(f)];
                if (Cells.isMissing(cell)) {
                    numbers[f][i] = Double.NaN;
                    continue;
                }
                present[f]++;
                double v = Cells.parseNumber(cell);
                numbers[f][i] = v;
                if (Double.isNaN(v)) {
                    firstText[f] = firstText[f] < 0 ? i : firstText[f];
                } else {
                    numeric[f]++;
                }
            }
        }
        List<Column> columns = new ArrayList<>(width);
        for (int f = 0; f < width; f++) {
            columns.add(column(table, spec, rows, featureColumns.get(f), numbers[f], present[f], numeric[f], firstText[f]));
        }

        // The label: its type decides the task unless the user said.
        double[] labelNumbers = new double[kept];
        int numericLabels = 0;
        for (int i = 0; i < kept; i++) {
            labelNumbers[i] = Cells.parseNumber(table.rows().get(rows[i])[labelColumn]);
            numericLabels += Double.isNaN(labelNumbers[i]) ? 0 : 1;
        }
        Task task;
        String reason;
        if (spec.task().isPresent()) {
            task = spec.task().get();
            reason = "set with --task";
        } else if (numericLabels < kept) {
            task = Task.CLASSIFICATION;
            reason = "the label has text values";
        } else {
            Set<Double> distinct = new HashSet<>();
            boolean integers = true;
            for (double v : labelNumbers) {
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
            for (int i = 0; i < kept; i++) {
                if (Double.isNaN(labelNumbers[i])) {
                    throw new InvalidInputException(String.format(
                            "%s: value '%s' is not a number; a regression label must be numeric (or use --task classification)",
                            table.where(rows[i], labelColumn), table.rows().get(rows[i])[labelColumn]));
                }
            }
            targets = labelNumbers;
        } else {
            classes = new String[kept];
            Set<String> distinct = new LinkedHashSet<>();
            for (int i = 0; i < kept; i++) {
                classes[i] = table.rows().get(rows[i])[labelColumn].strip();
                distinct.add(classes[i]);
            }
            if (distinct.size() < 2) {
                throw new InvalidInputException(String.format(
                        "%s: label column '%s' has a single class ('%s') in all %d rows; classification needs at least "
                                + "two classes", table.source(), spec.label(), distinct.iterator().next(), kept));
            }
        }
        progress.info(String.format("Read %s: %d rows, %d features (%d numeric, %d categorical), label '%s', task %s (%s)",
                table.source(), kept, columns.size(),
                columns.stream().filter(c -> c.type() == ColumnType.NUMERIC).count(),
                columns.stream().filter(c -> c.type() == ColumnType.CATEGORICAL).count(),
                spec.label(), task.id(), reason));
        return new LabeledData(table.source(), spec.label(), task, reason, columns, classes, targets, lines, dropped);
    }

    private static List<Integer> featureColumns(CsvTable table, DataSpec spec, int labelColumn) {
        for (String name : concat(spec.exclude(), spec.categorical(), spec.features())) {
            if (table.columnIndex(name) < 0) {
                throw new InvalidInputException(String.format("%s: no column '%s' (named in %s); the columns are: %s",
                        table.source(), name, flagNaming(spec, name), String.join(", ", table.header())));
            }
        }
        if (spec.features().contains(spec.label())) {
            throw new InvalidInputException("column '" + spec.label() + "' is the label, so it cannot also be a feature; "
                    + "remove it from the features");
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
            throw new InvalidInputException(table.source() + ": no feature columns left after removing the label '"
                    + spec.label() + "' and the excluded columns " + spec.exclude() + "; the columns are: "
                    + String.join(", ", table.header()));
        }
        return columns;
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

    private static int firstMissing(String[] row, List<Integer> columns) {
        for (int c : columns) {
            if (Cells.isMissing(row[c])) {
                return c;
            }
        }
        throw new IllegalStateException("no missing cell");
    }

    private static InvalidInputException missing(CsvTable table, DataSpec spec, int row, int column, int labelColumn) {
        if (column == labelColumn) {
            return new InvalidInputException(String.format(
                    "%s: the label is missing (value '%s'); fill it, or use --missing drop to drop such rows",
                    table.where(row, column), table.rows().get(row)[column]));
        }
        return new InvalidInputException(String.format(
                "%s: missing value '%s'; with --missing %s every feature needs a value. Accepted: fill it, "
                        + "--missing drop (drop such rows) or --missing mean (impute numeric columns)",
                table.where(row, column), table.rows().get(row)[column], spec.missing().id()));
    }

    private static Column column(CsvTable table, DataSpec spec, int[] rows, int c, double[] numbers, int present,
                                 int numeric, int firstText) {
        String name = table.header().get(c);
        // Text when declared, or when at most half the values are numbers; an all-empty column stays numeric (imputable).
        boolean categorical = spec.categorical().contains(name) || (present > 0 && numeric * 2 <= present);
        if (!categorical && firstText >= 0) {
            throw new InvalidInputException(String.format(
                    "%s: value '%s' is not a number, but %d of the column's %d values are numbers. Accepted: a decimal "
                            + "number such as 3 or -0.25, a missing value (empty, NA), or --categorical %s to treat the "
                            + "whole column as text", table.where(rows[firstText], c),
                    table.rows().get(rows[firstText])[c], numeric, present, name));
        }
        if (categorical) {
            String[] texts = new String[rows.length];
            for (int i = 0; i < rows.length; i++) {
                String cell = table.rows().get(rows[i])[c];
                if (Cells.isMissing(cell)) {
                    if (spec.missing() == MissingPolicy.MEAN) {
                        throw new InvalidInputException(String.format(
                                "%s: missing value '%s' in a text column; --missing mean imputes numeric columns only. "
                                        + "Accepted: fill it, or --missing drop", table.where(rows[i], c), cell));
                    }
                } else {
                    texts[i] = cell.strip();
                }
            }
            return new Column(name, ColumnType.CATEGORICAL, null, texts);
        }
        return new Column(name, ColumnType.NUMERIC, numbers, null);
    }

    public String source() {
        return source;
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
