package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTableTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path file = dir.resolve("data.csv");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    @Test
    void readsRfc4180QuotingEmbeddedNewlinesCrlfAndBom() throws IOException {
        Path file = write("\uFEFFid,name,score\r\n1,\"Smith, Jane\",3.5\r\n2,\"multi\r\nline \"\"quoted\"\"\",4\r\n3,plain,5\r\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.header()).containsExactly("id", "name", "score");
        assertThat(table.rows()).isEqualTo(3);
        assertThat(List.of(table.cell(0, 0), table.cell(0, 1), table.cell(0, 2))).containsExactly("1", "Smith, Jane", "3.5");
        assertThat(table.column(2).numbers()).containsExactly(3.5, 4, 5);
        assertThat(table.cell(1, 1)).isEqualTo("multi\r\nline \"quoted\"");
        // The third row starts on line 5: the quoted newline in row 2 spans lines 3 and 4.
        assertThat(table.lines()).containsExactly(2, 3, 5);
    }

    @Test
    void skipsBlankLinesAndTrailingWhitespaceLines() throws IOException {
        CsvTable table = CsvTable.read(write("a,b\n1,2\n\n3,4\n   \n"));

        assertThat(table.rows()).isEqualTo(2);
        assertThat(table.lines()).containsExactly(2, 4);
    }

    @Test
    void typesCellsAsTheyAreReadAndKeepsTextWhereNumbersAreNames() throws IOException {
        Path file = write("zip,size,kind\n01234,1,a\n5,NA,b\n7,x,c\n8,y,d\n9,z,e\n");

        CsvTable plain = CsvTable.read(file);
        assertThat(plain.column(0).kind(0)).isEqualTo(CsvTable.Kind.NUMBER);
        assertThat(plain.column(0).texts()).containsOnlyNulls();
        assertThat(plain.column(1).kind(1)).isEqualTo(CsvTable.Kind.MISSING);
        assertThat(plain.cell(1, 1)).isEqualTo("NA");
        // 'size' is mostly text, so the file is read again for the text of its numeric-looking cell.
        assertThat(plain.column(1).isText(false)).isTrue();
        assertThat(plain.column(1).texts()).containsExactly("1", "NA", "x", "y", "z");

        CsvTable declared = CsvTable.read(file, Set.of("zip"), io.jenkins.plugins.modelops.data.CsvFormat.DEFAULT);
        assertThat(declared.column(0).texts()).containsExactly("01234", "5", "7", "8", "9");
    }

    @Test
    void raggedRowNamesLineAndCounts() throws IOException {
        Path file = write("a,b,c\n1,2,3\n4,5\n");

        assertThatThrownBy(() -> CsvTable.read(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data.csv line 3: 2 fields, but the header (line 1) has 3 columns");
    }

    @Test
    void emptyFileAndHeaderOnlyAreRefused() throws IOException {
        Path empty = write("");
        assertThatThrownBy(() -> CsvTable.read(empty)).hasMessageContaining("the file is empty");

        Path headerOnly = write("a,b\n");
        assertThatThrownBy(() -> CsvTable.read(headerOnly))
                .hasMessageContaining("only a header row (a,b); expected data rows below it");
    }

    @Test
    void duplicateAndBlankHeaderNamesAreRefused() throws IOException {
        Path duplicate = write("a,b,a\n1,2,3\n");
        assertThatThrownBy(() -> CsvTable.read(duplicate))
                .hasMessageContaining("header names column 'a' twice (columns 1 and 3)");

        Path blank = write("a,,c\n1,2,3\n");
        assertThatThrownBy(() -> CsvTable.read(blank)).hasMessageContaining("header column 2 has no name");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvTable.read(missing))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nope.csv: no such data file");
    }

    @Test
    void brokenQuotingIsReportedAsInvalidCsv() throws IOException {
        Path file = write("a,b\n\"x\"y,2\n");

        assertThatThrownBy(() -> CsvTable.read(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data.csv: not valid CSV (RFC 4180)");
    }
}
