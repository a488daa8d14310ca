package io.jenkins.plugins.modelops.data;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.jenkins.plugins.modelops.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file read per RFC 4180 (quoted fields, embedded separators and newlines, CRLF, UTF-8 BOM) with a header row.
 * Cells stay strings here; {@link TableSchema} decides what they mean. Every row keeps the line it started on, so later
 * errors can name it.
 *
 * @param source the file name used in messages
 * @param header the column names, in file order
 * @param rows the data rows, each with exactly {@code header.size()} cells
 * @param lines the line each row starts on (1-based, the header is line 1 unless blank lines precede it)
 */
public record CsvTable(String source, List<String> header, List<String[]> rows, long[] lines) {

    public static CsvTable read(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(source + ": no such data file"
                    + (Files.isDirectory(file) ? " (it is a directory; name a .csv file)" : ""));
        }
        CsvReader<CsvRecord> reader;
        try {
            reader = CsvReader.builder()
                    .detectBomHeader(true)
                    .skipEmptyLines(true)
                    // Ragged rows are reported by us, with the line and both counts.
                    .allowExtraFields(true)
                    .allowMissingFields(true)
                    .ofCsvRecord(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(source + ": no such data file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot open", e);
        }
        try (reader) {
            return read(source, reader);
        } catch (CsvParseException e) {
            throw new InvalidInputException(source + ": not valid CSV (RFC 4180): " + describe(e), e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new InvalidInputException(source + ": not UTF-8 text; save the file as UTF-8 (a BOM is fine)", e);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(source, e);
        }
    }

    private static CsvTable read(String source, CsvReader<CsvRecord> reader) {
        List<String> header = null;
        List<String[]> rows = new ArrayList<>();
        long[] lines = new long[1024];
        for (CsvRecord record : reader) {
            if (header == null) {
                header = header(source, record);
                continue;
            }
            if (record.getFieldCount() != header.size()) {
                if (record.getFieldCount() == 1 && record.getField(0).isBlank()) {
                    continue; // whitespace-only line, e.g. trailing spaces at the end of the file
                }
                throw new InvalidInputException(String.format(
                        "%s line %d: %d fields, but the header (line 1) has %d columns; every row needs one value per "
                                + "column (quote values that contain commas)",
                        source, record.getStartingLineNumber(), record.getFieldCount(), header.size()));
            }
            if (rows.size() == lines.length) {
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            }
            lines[rows.size()] = record.getStartingLineNumber();
            rows.add(record.getFields().toArray(String[]::new));
        }
        if (header == null) {
            throw new InvalidInputException(source + ": the file is empty; expected a header row and data rows");
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException(source + ": only a header row (" + String.join(",", header)
                    + "); expected data rows below it");
        }
        return new CsvTable(source, List.copyOf(header), rows, java.util.Arrays.copyOf(lines, rows.size()));
    }

    private static List<String> header(String source, CsvRecord record) {
        List<String> names = new ArrayList<>(record.getFieldCount());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < record.getFieldCount(); i++) {
            String name = record.getField(i).strip();
            if (name.isEmpty()) {
                throw new InvalidInputException(String.format(
                        "%s line %d: header column %d has no name; every column needs a unique name",
                        source, record.getStartingLineNumber(), i + 1));
            }
            Integer previous = seen.put(name, i + 1);
            if (previous != null) {
                throw new InvalidInputException(String.format(
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

    public int columnIndex(String name) {
        return header.indexOf(name);
    }

    /** Where a cell is, for messages: {@code iris.csv line 17, column 'petal_width'}. */
    public String where(int row, int column) {
        return source + " line " + lines[row] + ", column '" + header.get(column) + "'";
    }
}
