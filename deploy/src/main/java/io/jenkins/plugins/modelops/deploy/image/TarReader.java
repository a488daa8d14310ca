package io.jenkins.plugins.modelops.deploy.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream's entries: ustar names with prefixes, GNU long names and PAX paths and sizes, which is what
 * {@code docker save}, Jib and GNU tar write. Only what the base image check needs (names, sizes, small contents);
 * skipped contents are skipped, not read, where the stream can seek.
 */
final class TarReader {

    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private static final int BLOCK = 512;

    private final InputStream in;
    private long remaining;   // of the current entry's content
    private long padding;     // after it

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end; whatever of the previous entry's content was not read is skipped. */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        Long paxSize = null;
        while (true) {
            byte[] header = new byte[BLOCK];
            if (!readBlock(header)) {
                return null;
            }
            if (allZero(header)) {
                return null;
            }
            if (!checksumMatches(header)) {
                throw new IOException("not a tar archive (bad header checksum)");
            }
            char type = (char) header[156];
            long size = number(header, 124, 12);
            if (size < 0) {
                throw new IOException("not a tar archive (bad size field)");
            }
            if (type == 'L' || type == 'x' || type == 'g') {
                byte[] data = readContent(size);
                if (type == 'L') {
                    longName = cString(data, 0, data.length);
                } else if (type == 'x') {
                    String[] pax = pax(data);
                    if (pax[0] != null) {
                        longName = pax[0];
                    }
                    if (pax[1] != null) {
                        paxSize = Long.parseLong(pax[1]);
                    }
                }
                continue;
            }
            String name = cString(header, 0, 100);
            if ("ustar".equals(cString(header, 257, 5))) {
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            if (longName != null) {
                name = longName;
            }
            if (paxSize != null) {
                size = paxSize;
            }
            boolean hasContent = type != '1' && type != '2' && type != '3' && type != '4' && type != '5' && type != '6';
            remaining = hasContent ? size : 0;
            padding = hasContent ? (BLOCK - size % BLOCK) % BLOCK : 0;
            return new Entry(name, size, type);
        }
    }

    /** The current entry's content (not closed by callers: it belongs to the archive). */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("tar entry cut short");
                }
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("tar entry cut short");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private byte[] readContent(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar extension header of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar header cut short");
        }
        skipFully((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private boolean readBlock(byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("tar archive cut short");
        }
        return true;
    }

    private void skipFully(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar archive cut short");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumMatches(byte[] header) {
        long recorded = number(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        return sum == recorded;
    }

    /** An octal field, or GNU's base-256 when the first byte's high bit is set (sizes of 8 GiB and more). */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = cString(header, offset, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            return -1; // not a tar header: its checksum cannot match
        }
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** {@code [path, size]} from PAX records ({@code "LEN key=value\n"}). */
    private static String[] pax(byte[] data) {
        String[] found = new String[2];
        int at = 0;
        while (at < data.length) {
            int space = indexOf(data, (byte) ' ', at);
            if (space < 0) {
                break;
            }
            int length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            if (length <= 0) {
                break;
            }
            String record = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                if (key.equals("path")) {
                    found[0] = record.substring(eq + 1);
                } else if (key.equals("size")) {
                    found[1] = record.substring(eq + 1);
                }
            }
            at += length;
        }
        return found;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
