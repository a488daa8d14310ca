package io.jenkins.plugins.modelops.serving;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request body without holding a thread while its bytes are on their way: Jetty calls back as content
 * arrives. A client that sends headers and one byte of body therefore costs a connection, not one of the server's
 * threads, and the whole body must arrive within the read timeout (408 otherwise) and stay within the size limit (413).
 */
final class AsyncBody implements Runnable {

    private final Request request;
    private final long limit;
    private final ByteArrayOutputStream bytes;
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();

    private AsyncBody(Request request, long limit, long declared) {
        this.request = request;
        this.limit = limit;
        this.bytes = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, 64 * 1024)));
    }

    /** The body, read within {@code limit} bytes and {@code timeoutMillis}; fails with the HttpError to answer. */
    static CompletableFuture<byte[]> read(Request request, long limit, long timeoutMillis) {
        long declared = request.getLength();
        if (declared > limit) {
            return CompletableFuture.failedFuture(tooLarge(declared + " bytes; the limit is " + limit));
        }
        AsyncBody body = new AsyncBody(request, limit, declared);
        body.run();
        if (!body.done.isDone()) {
            // Only for bodies still on their way: most arrive with their headers, and a timer per request would cost
            // the scheduler's lock twice on the hot path.
            Scheduler.Task timeout = request.getComponents().getScheduler().schedule(() -> body.done.completeExceptionally(
                    new HttpError(408, "the request body did not arrive within " + timeoutMillis + " ms (--read-timeout); "
                            + Request.getContentBytesRead(request) + " bytes came")), timeoutMillis, TimeUnit.MILLISECONDS);
            body.done.whenComplete((b, failure) -> timeout.cancel());
        }
        return body.done;
    }

    /** Reads what has arrived; asks Jetty to call again when more does. */
    @Override
    public void run() {
        while (!done.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // A malformed body (a bad chunk) is the client's 400; one that stopped coming (idle timeout, the
                // client went away) a 408: either way the client's fault, not the server's.
                Throwable failure = chunk.getFailure();
                int status = failure instanceof org.eclipse.jetty.http.HttpException http ? http.getCode() : 408;
                done.completeExceptionally(new HttpError(status, "could not read the whole request body: " + failure));
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            if (bytes.size() + (long) buffer.remaining() > limit) {
                chunk.release();
                done.completeExceptionally(tooLarge("over the limit of " + limit + " bytes"));
                return;
            }
            if (buffer.hasArray()) {
                bytes.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            } else {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                bytes.writeBytes(copy);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                done.complete(bytes.toByteArray());
            }
        }
    }

    private static HttpError tooLarge(String size) {
        return new HttpError(413, "request body is " + size + " (--max-body-bytes); send fewer instances per request");
    }
}
