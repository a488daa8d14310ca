package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;

/** Request bodies: read within the size limit, and parsed as the JSON object every endpoint takes. */
final class Bodies {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so a NaN is reported by feature, not as a parse error
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Numbers dominate the bodies: Jackson's fast (exact) double parser and writer.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();
    private static final int SMALL_BODY = 64 * 1024;

    private Bodies() {
    }

    /** The whole body: 413 over {@code limit} bytes, 408 if the client stops sending, 400 if empty. */
    static byte[] read(Request request, long limit) {
        long declared = request.getLength();
        if (declared > limit) {
            throw new HttpError(413, "request body is " + declared + " bytes; the limit is " + limit
                    + " (--max-body-bytes); send fewer instances per request");
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0 && declared <= SMALL_BODY) {
                // The usual case: one exact buffer, no growing and copying. Larger declared lengths are read as the
                // bytes arrive, so a client that declares 8 MiB and stalls does not hold 8 MiB of heap.
                bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                if (read < bytes.length) {
                    throw new IOException("the body ended after " + read + " of " + declared + " bytes");
                }
            } else {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            }
        } catch (IOException | RuntimeException e) {
            // The client stopped sending (idle timeout) or went away: its fault, not the server's.
            throw new HttpError(408, "could not read the whole request body: " + e.getMessage());
        }
        if (bytes.length > limit) {
            throw new HttpError(413, "request body is over the limit of " + limit + " bytes (--max-body-bytes); send "
                    + "fewer instances per request");
        }
        if (bytes.length == 0) {
            throw Requests.bad("request body is empty; expected a JSON object");
        }
        return bytes;
    }

    /** The JSON object that is the whole of {@code bytes}. */
    static JsonNode json(byte[] bytes) {
        return json(bytes, 0, bytes.length);
    }

    /** The JSON object in {@code bytes[offset, offset + length)}. */
    static JsonNode json(byte[] bytes, int offset, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes, offset, length);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw Requests.bad("request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (root == null || !root.isObject()) {
            throw Requests.bad("request body must be a JSON object, got " + (root == null ? "nothing" : Requests.kind(root)));
        }
        return root;
    }
}
