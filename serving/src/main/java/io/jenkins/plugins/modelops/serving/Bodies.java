package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** Request bodies (read by {@link AsyncBody}) parsed as the JSON object every endpoint takes. */
final class Bodies {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so a NaN is reported by feature, not as a parse error
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Bytes after the JSON object are an error, not ignored (the binary extension declares its JSON's length).
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Numbers dominate the bodies: Jackson's fast (exact) double parser and writer.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private Bodies() {
    }

    /** Whether a Content-Encoding is one this server decodes: none ({@code identity}) or gzip, as tritonclient sends. */
    static boolean knownEncoding(String encoding) {
        return encoding.equalsIgnoreCase("identity") || encoding.equalsIgnoreCase("gzip");
    }

    /** The body decoded as its Content-Encoding says (null: none), within {@code limit} bytes decoded. */
    static byte[] decode(byte[] body, String encoding, long limit) {
        if (encoding == null || !encoding.equalsIgnoreCase("gzip")) {
            return body;
        }
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            byte[] decoded = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (decoded.length > limit) {
                throw new HttpError(413, "the gzip request body decodes to over the limit of " + limit
                        + " bytes (--max-body-bytes); send fewer instances per request");
            }
            return decoded;
        } catch (IOException e) {
            throw Requests.bad("the request body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        }
    }

    /** {@code bytes}, refused with a 400 if empty. */
    static byte[] nonEmpty(byte[] bytes) {
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
            // Reading a byte array does no I/O: this is text Jackson could not decode (it detects UTF-16 and UTF-32
            // from the first bytes, and then meets a character beyond Unicode). Found by RequestFuzzTest.
            throw Requests.bad("request body is not valid JSON text (send UTF-8): " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw Requests.bad("request body must be a JSON object, got " + (root == null ? "nothing" : Requests.kind(root)));
        }
        return root;
    }
}
