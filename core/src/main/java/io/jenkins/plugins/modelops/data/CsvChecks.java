package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How {@link CsvTable} reads bytes as text, strictly, and the slow, exact second looks it takes only once something
 * is wrong or suspicious, so that the common, well-formed file is read in one pass: where the first byte that is not
 * UTF-8 is, and whether a quoted field runs to the end of the file.
 */
final class CsvChecks {

    private CsvChecks() {
    }

    /** A decoder that stops at the first byte sequence that is not UTF-8, instead of writing U+FFFD. */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The first bytes that are not UTF-8: the line they are on and the byte itself. */
    record BadByte(long line, int value) {

        /** The byte read as Latin-1 (ISO-8859-1), the usual source of such files. */
        String asLatin1() {
            return new String(new byte[] {(byte) value}, StandardCharsets.ISO_8859_1);
        }
    }

    static BadByte firstBadByte(Path file) {
        CharsetDecoder decoder = strictUtf8();
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long line = 1;
        try (InputStream stream = Files.newInputStream(file)) {
            boolean eof = false;
            while (true) {
                if (!eof) {
                    int n = stream.read(in.array(), in.position(), in.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        in.position(in.position() + n);
                    }
                }
                in.flip();
                CoderResult result = decoder.decode(in, out, eof);
                out.flip();
                while (out.hasRemaining()) {
                    if (out.get() == '\n') {
                        line++;
                    }
                }
                out.clear();
                if (result.isError()) {
                    return new BadByte(line, in.get(in.position()) & 0xff);
                }
                in.compact();
                if (eof && in.position() == 0) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    /** Where a quote opened that never closes. */
    record OpenQuote(long line, int column) {
    }

    /**
     * Reads a UTF-8 file from its line {@code fromLine} on (the start of a record) with RFC 4180's quoting rules and
     * says where a quoted field opened if the file ends inside it; null if every quote closes.
     */
    static OpenQuote openQuoteAtEnd(Path file, long fromLine, char delimiter) {
        try (Reader reader = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            long line = 1;
            int c = reader.read();
            if (c == '\uFEFF') {
                c = reader.read();
            }
            while (line < fromLine && c >= 0) {
                if (c == '\n' || (c == '\r' && peekNot(reader, '\n'))) {
                    line++;
                }
                c = reader.read();
            }
            boolean fieldStart = true;
            boolean quoted = false;
            int column = 0;
            OpenQuote open = null;
            for (; c >= 0; c = reader.read()) {
                if (quoted) {
                    if (c == '"') {
                        reader.mark(1);
                        if (reader.read() != '"') {
                            reader.reset();
                            quoted = false;
                        }
                    } else if (c == '\n') {
                        line++;
                    }
                    continue;
                }
                if (c == delimiter) {
                    fieldStart = true;
                    column++;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\n' || peekNot(reader, '\n')) {
                        line++;
                    }
                    fieldStart = true;
                    column = 0;
                } else if (c == '"' && fieldStart) {
                    quoted = true;
                    open = new OpenQuote(line, column);
                    fieldStart = false;
                } else {
                    fieldStart = false;
                }
            }
            return quoted ? open : null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    private static boolean peekNot(Reader reader, char expected) throws IOException {
        reader.mark(1);
        int next = reader.read();
        reader.reset();
        return next != expected;
    }

    /**
     * The file as strictly decoded UTF-8 (a byte that is not UTF-8 stops the read instead of becoming U+FFFD, which
     * would train on {@code K\uFFFDln}), its UTF-8 byte order mark skipped. A UTF-16 file is refused by name.
     */
    static Reader utf8(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(3);
        byte[] head = in.readNBytes(3);
        boolean utf8Bom = head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB
                && (head[2] & 0xff) == 0xBF;
        boolean utf16Bom = head.length >= 2 && (((head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF)
                || ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE));
        if (utf16Bom) {
            in.close();
            throw new InvalidInputException(Parameter.DATA, file + ": the file is UTF-16 text (it starts with a UTF-16 "
                    + "byte order mark); save it as UTF-8, e.g. iconv -f utf-16 -t utf-8 " + file.getFileName()
                    + " > " + utf8Name(file));
        }
        if (!utf8Bom) {
            in.reset();
        }
        return new InputStreamReader(in, strictUtf8());
    }

    static InvalidInputException notUtf8(Path file, Exception cause) {
        BadByte bad = firstBadByte(file);
        String where = bad == null ? "" : String.format(" line %d: byte 0x%02X is not UTF-8 (in Latin-1 it would be "
                + "'%s')", bad.line(), bad.value(), bad.asLatin1());
        return new InvalidInputException(Parameter.DATA, file + where + "; the file is not UTF-8 text. Re-encode it, "
                + "e.g. from Latin-1: iconv -f latin1 -t utf-8 " + file.getFileName() + " > " + utf8Name(file), cause);
    }

    private static String utf8Name(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "-utf8" + name.substring(dot) : name + "-utf8";
    }

    static boolean endsWithNewline(Path file) {
        try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(file)) {
            if (channel.size() == 0) {
                return true;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.position(channel.size() - 1).read(last);
            return last.get(0) == '\n' || last.get(0) == '\r';
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

}
