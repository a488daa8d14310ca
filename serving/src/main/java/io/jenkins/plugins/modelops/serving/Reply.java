package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A response; {@code jsonLength} >= 0 when binary tensor data follows a JSON header of that length. */
record Reply(int status, String contentType, ByteBuffer body, int jsonLength) {

    static final String JSON_TYPE = "application/json";

    Reply(int status, String contentType, byte[] body) {
        this(status, contentType, ByteBuffer.wrap(body), -1);
    }

    static Reply json(int status, JsonNode body) {
        return new Reply(status, JSON_TYPE, bytes(body));
    }

    /** A 200 whose JSON was streamed into {@code body}. */
    static Reply json(Body body) {
        return new Reply(200, JSON_TYPE, body.contents(), -1);
    }

    static Reply error(int status, String message) {
        return json(status, Bodies.JSON.createObjectNode().put("error", message));
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Bodies.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response body built in place: its bytes are sent as they are, not copied out first. */
    static final class Body extends ByteArrayOutputStream {
        Body(int capacity) {
            super(capacity);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
