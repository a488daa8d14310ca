package io.jenkins.plugins.modelops.data;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CSV file read per RFC 4180 (quoted fields, embedded separators and newlines, CRLF, UTF-8 BOM) with a header row,
 * strictly as UTF-8 and with a {@link CsvFormat}'s delimiter and decimal mark,
 * typed as it is read: each cell becomes a number, a text or a missing value (see {@link Cells}). Strings of numeric
 * cells are dropped at once, so a large numeric file never holds millions of strings; text columns keep every cell's
 * text. Every row keeps the line it started on, so later errors can name it.
 */
public final class CsvTable {

    /** What a cell holds. */
    public enum Kind { NUMBER, TEXT, MISSING }

    /**
     * One column, row by row: {@code numbers[i]} is the cell's value when it is a number (else NaN); {@code texts[i]}
     * the cell's text when it is text or a missing token, and for every non-missing cell of a text column.
     */
    public record Column(String name, double[] numbers, String[] texts, byte[] kinds, int present, int numeric) {

        public Kind kind(int row) {
            return Kind.values()[kinds[row]];
        }

        /**
         * Whether the column is text: declared so, or at most half its values are numbers (an all-missing column is
         * numeric, so it can be imputed). The one rule for typing a column.
         */
        public boolean isText(boolean declared) {
            return declared || (present > 0 && numeric * 2 <= present);
        }
    }

    private final String source;
    private final List<String> header;
    private final long[] lines;
    private final List<Column> columns;

    private CsvTable(String source, List<String> header, long[] lines, List<Column> columns) {
        this.source = source;
        this.header = header;
        this.lines = lines;
        this.columns = columns;
    }

    public static CsvTable read(Path file) {
        return read(file, Set.of(), CsvFormat.DEFAULT);
    }

    /**
     * Reads a file, keeping the text of every cell of {@code textColumns} (declared categorical columns, the label):
     * their numeric-looking values ({@code 01234}, {@code 5}) are names, not numbers. A column that turns out to be
     * mostly text is read a second time for the text of its numeric-looking cells, which only mixed files need.
     */
    public static CsvTable read(Path file, Set<String> textColumns, CsvFormat format) {
        CsvTable table = readOnce(file, textColumns, format);
        Set<String> mixed = new HashSet<>();
        for (Column column : table.columns) {
            if (!textColumns.contains(column.name()) && column.numeric() > 0 && column.isText(false)) {
                mixed.add(column.name());
            }
        }
        if (mixed.isEmpty()) {
            return table;
        }
        mixed.addAll(textColumns);
        return readOnce(file, mixed, format);
    }

    private static CsvTable readOnce(Path file, Set<String> textColumns, CsvFormat format) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(Parameter.DATA, source + ": no such data file"
                    + (Files.isDirectory(file) ? " (it is a directory; name a .csv file)" : ""));
        }
        CsvReader<CsvRecord> reader;
        try {
            reader = CsvReader.builder()
                    .fieldSeparator(format.delimiter())
                    .skipEmptyLines(true)
                    // Ragged rows are reported by us, with the line and both counts.
                    .allowExtraFields(true)
                    .allowMissingFields(true)
                    .ofCsvRecord(CsvChecks.utf8(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(Parameter.DATA, source + ": no such data file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot open", e);
        }
        try (reader) {
            return read(file, reader, textColumns, format);
        } catch (CsvParseException e) {
            throw new InvalidInputException(Parameter.DATA, source + ": not valid CSV (RFC 4180): " + describe(e), e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw CsvChecks.notUtf8(file, e);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(source, e);
        }
    }

    private static CsvTable read(Path file, CsvReader<CsvRecord> reader, Set<String> textColumns, CsvFormat format) {
        String source = file.toString();
        List<String> header = null;
        Builder[] builders = null;
        long[] lines = new long[1024];
        int rows = 0;
        String lastField = null;
        long lastLine = 0;
        for (CsvRecord record : reader) {
            if (header == null) {
                header = header(source, record, format);
                builders = new Builder[header.size()];
                for (int c = 0; c < builders.length; c++) {
                    builders[c] = new Builder(textColumns.contains(header.get(c)), format.decimal());
                }
                continue;
            }
            if (record.getFieldCount() != header.size()) {
                if (record.getFieldCount() == 1 && record.getField(0).isBlank()) {
                    continue; // whitespace-only line, e.g. trailing spaces at the end of the file
                }
                checkQuotesClose(file, header, record.getStartingLineNumber(), format);
                boolean more = record.getFieldCount() > header.size();
                throw new InvalidInputException(Parameter.DATA, String.format(
                        "%s line %d: %d fields, but the header (line 1) has %d columns; every row needs one value per "
                                + "column (%s)", source, record.getStartingLineNumber(), record.getFieldCount(),
                        header.size(), more ? "quote values that contain the delimiter "
                                + CsvFormat.show(format.delimiter()) : "a value or a delimiter is missing"));
            }
            if (rows == lines.length) {
                lines = Arrays.copyOf(lines, lines.length * 2);
            }
            lines[rows] = record.getStartingLineNumber();
            for (int c = 0; c < builders.length; c++) {
                builders[c].add(rows, record.getField(c));
            }
            lastField = record.getField(builders.length - 1);
            lastLine = record.getStartingLineNumber();
            rows++;
        }
        if (header == null) {
            throw new InvalidInputException(Parameter.DATA, source + ": the file is empty; expected a header row and "
                    + "data rows");
        }
        if (rows == 0) {
            throw new InvalidInputException(Parameter.DATA, source + ": only a header row (" + String.join(",", header)
                    + "); expected data rows below it");
        }
        if (lastField.indexOf('\n') >= 0 || lastField.indexOf('\r') >= 0 || !CsvChecks.endsWithNewline(file)) {
            // A quote that never closes swallows the rest of the file into the last record's last field (or, on a
            // last line without a newline, reads as a value without its quote).
            checkQuotesClose(file, header, lastLine, format);
        }
        List<Column> columns = new ArrayList<>(builders.length);
        for (int c = 0; c < builders.length; c++) {
            columns.add(builders[c].build(header.get(c), rows));
        }
        return new CsvTable(source, List.copyOf(header), Arrays.copyOf(lines, rows), List.copyOf(columns));
    }

    private static void checkQuotesClose(Path file, List<String> header, long fromLine, CsvFormat format) {
        CsvChecks.OpenQuote open = CsvChecks.openQuoteAtEnd(file, fromLine, format.delimiter());
        if (open != null) {
            String column = open.column() < header.size() ? " in column '" + header.get(open.column()) + "'" : "";
            throw new InvalidInputException(Parameter.DATA, String.format("%s line %d: a quote opens%s and never "
                    + "closes, so the rest of the file would be read as one value; close the quote, and write a quote "
                    + "inside a quoted value as two (\"\")", file, open.line(), column));
        }
    }

    /**
     * Collects one column as rows arrive, in fixed-size chunks: growing one array by doubling would allocate several
     * arrays over a megabyte per column, which G1 allocates as humongous objects and collects poorly.
     */
    private static final class Builder {
        private static final int CHUNK = 4096;
        private final boolean keepText;
        private final char decimal;
        private final List<double[]> numbers = new ArrayList<>();
        private final List<byte[]> kinds = new ArrayList<>();
        private final List<String[]> texts = new ArrayList<>();
        private boolean anyText;
        private int present;
        private int numeric;

        Builder(boolean keepText, char decimal) {
            this.keepText = keepText;
            this.decimal = decimal;
        }

        void add(int row, String cell) {
            int chunk = row / CHUNK;
            int at = row % CHUNK;
            if (at == 0) {
                numbers.add(new double[CHUNK]);
                kinds.add(new byte[CHUNK]);
                texts.add(null);
            }
            if (Cells.isMissing(cell)) {
                numbers.get(chunk)[at] = Double.NaN;
                kinds.get(chunk)[at] = (byte) Kind.MISSING.ordinal();
                text(chunk, at, cell);
                return;
            }
            present++;
            double value = Cells.parseNumber(cell, decimal);
            numbers.get(chunk)[at] = value;
            if (Double.isNaN(value)) {
                kinds.get(chunk)[at] = (byte) Kind.TEXT.ordinal();
                text(chunk, at, cell.strip());
            } else {
                kinds.get(chunk)[at] = (byte) Kind.NUMBER.ordinal();
                numeric++;
                if (keepText) {
                    text(chunk, at, cell.strip());
                }
            }
        }

        private void text(int chunk, int at, String text) {
            if (texts.get(chunk) == null) {
                texts.set(chunk, new String[CHUNK]);
            }
            texts.get(chunk)[at] = text;
            anyText = true;
        }

        Column build(String name, int rows) {
            double[] allNumbers = new double[rows];
            byte[] allKinds = new byte[rows];
            String[] allTexts = new String[rows];
            for (int chunk = 0; chunk < numbers.size(); chunk++) {
                int from = chunk * CHUNK;
                int length = Math.min(CHUNK, rows - from);
                System.arraycopy(numbers.get(chunk), 0, allNumbers, from, length);
                System.arraycopy(kinds.get(chunk), 0, allKinds, from, length);
                if (anyText && texts.get(chunk) != null) {
                    System.arraycopy(texts.get(chunk), 0, allTexts, from, length);
                }
            }
            return new Column(name, allNumbers, allTexts, allKinds, present, numeric);
        }
    }

    private static List<String> header(String source, CsvRecord record, CsvFormat format) {
        for (int i = 0; i < record.getFieldCount(); i++) {
            String name = record.getField(i);
            // A one-column header holding another delimiter, or a ';' or tab inside a header name: the file was split
            // on the wrong character. (A comma in a name of a ';' file is fine: "price, EUR".)
            for (char other : record.getFieldCount() == 1 ? new char[] {';', '\t', ','} : new char[] {';', '\t'}) {
                if (other != format.delimiter() && name.indexOf(other) >= 0) {
                    throw new InvalidInputException(Parameter.DELIMITER, String.format("%s line %d: %s ('%s'); the "
                            + "file seems to use %s as its delimiter: pass %s %s", source,
                            record.getStartingLineNumber(), record.getFieldCount() == 1 ? "the header is one column"
                                    : "header column " + (i + 1) + " holds " + CsvFormat.show(other),
                            name.replace("\t", "\\t"), CsvFormat.show(other), Parameter.DELIMITER.ref(),
                            other == '\t' ? "tab" : "'" + other + "'"));
                }
            }
        }
        List<String> names = new ArrayList<>(record.getFieldCount());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < record.getFieldCount(); i++) {
            String name = record.getField(i).strip();
            if (name.isEmpty()) {
                throw new InvalidInputException(Parameter.DATA, String.format(
                        "%s line %d: header column %d has no name; every column needs a unique name",
                        source, record.getStartingLineNumber(), i + 1));
            }
            Integer previous = seen.put(name, i + 1);
            if (previous != null) {
                throw new InvalidInputException(Parameter.DATA, String.format(
                        "%s line %d: header names column '%s' twice (columns %d and %d); column names must be unique",
                        source, record.getStartingLineNumber(), name, previous, i + 1));
            }
            names.add(name);
        }
        return names;
    }

    private static String describe(CsvParseException e) {
        return e.getCause() != null && e.getCause().getMessage() != null
                ? e.getMessage() + ": " + e.getCause().getMessage()
                : e.getMessage();
    }

    public String source() {
        return source;
    }

    public List<String> header() {
        return header;
    }

    /** The line each row starts on (1-based, the header is line 1 unless blank lines precede it). */
    public long[] lines() {
        return lines;
    }

    public int rows() {
        return lines.length;
    }

    public Column column(int index) {
        return columns.get(index);
    }

    public int columnIndex(String name) {
        return header.indexOf(name);
    }

    /** A cell as written (a number cell of a numeric column in its shortest decimal form), for messages. */
    public String cell(int row, int column) {
        Column c = columns.get(column);
        if (c.texts()[row] != null) {
            return c.texts()[row];
        }
        return numberText(c.numbers()[row]);
    }

    /** A number in its shortest decimal form: 5, not 5.0. */
    public String numberText(double v) {
        return Numbers.format(v);
    }

    /** Where a cell is, for messages: {@code iris.csv line 17, column 'petal_width'}. */
    public String where(int row, int column) {
        return source + " line " + lines[row] + ", column '" + header.get(column) + "'";
    }
}
