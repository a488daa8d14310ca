package io.jenkins.plugins.modelops.serving;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Errors Jetty answers itself, before a request reaches {@link InferenceApi} (a bad path encoding, headers over the
 * limit, a malformed chunk), as JSON {@code {"error": "..."}} like every other error, not Jetty's HTML page.
 */
final class JsonErrors extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON_TYPE);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    /** The body of a response to a request Jetty could not parse. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Reply.JSON_TYPE));
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        return Reply.bytes(Bodies.JSON.createObjectNode().put("error", "HTTP " + code + ": " + text));
    }
}
