package io.jenkins.plugins.modelops.serving.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server shootout behind docs/benchmarks.md: the same two endpoints on the JDK's HttpServer,
 * Jetty 12 (core Handler API) or Undertow, driven by {@code bench/http-shootout.sh} with wrk.
 *
 * <p>Usage: {@code HttpServerShootout jdk|jetty|undertow PORT [THREADS]}. THREADS is the JDK server's
 * fixed pool (0 = run handlers on its single dispatcher thread; default 2 x cores), Jetty's
 * QueuedThreadPool maximum (default 200, Jetty's own) or Undertow's worker count (default 8 x cores,
 * Undertow's own). Binds 127.0.0.1 only; prints {@code READY} once it accepts requests.
 */
public final class HttpServerShootout {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] NOOP = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    private static final String HOST = "127.0.0.1";

    private HttpServerShootout() {}

    /** The endpoints, shared by every server: the response body, or null for 404. */
    static byte[] handle(String method, String path, InputStream body) throws IOException {
        if (!"POST".equals(method)) {
            return null;
        }
        switch (path) {
            case "/noop":
                body.readAllBytes();
                return NOOP;
            case "/json":
                // Like a v1 :predict call: one "prediction" per instance, the sum of its numeric fields.
                ArrayNode predictions = MAPPER.createArrayNode();
                for (JsonNode instance : MAPPER.readTree(body).path("instances")) {
                    double sum = 0;
                    for (JsonNode field : instance) {
                        sum += field.isNumber() ? field.doubleValue() : 0;
                    }
                    predictions.add(sum);
                }
                return MAPPER.writeValueAsBytes(MAPPER.createObjectNode().set("predictions", predictions));
            default:
                return null;
        }
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = args.length > 2 ? Integer.parseInt(args[2])
                : kind.equals("jetty") ? 200 : kind.equals("undertow") ? 8 * cores : 2 * cores;
        Runnable stop;
        switch (kind) {
            case "jdk": stop = jdk(port, threads); break;
            case "jetty": stop = jetty(port, threads); break;
            case "undertow": stop = undertow(port, threads); break;
            default: throw new IllegalArgumentException("kind must be jdk, jetty or undertow: " + kind);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop));
        System.out.println("READY " + kind + " on " + HOST + ":" + port + " threads=" + threads);
    }

    private static Runnable jdk(int port, int threads) throws IOException {
        // Without it the JDK server leaves Nagle on, and a 1-connection client waits on delayed ACKs.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(HOST, port), 1024);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] out = handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestBody());
                if (out == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, out.length);
                exchange.getResponseBody().write(out);
            }
        });
        ExecutorService pool = threads > 0 ? Executors.newFixedThreadPool(threads) : null;
        server.setExecutor(pool);
        server.start();
        return () -> {
            server.stop(1);
            if (pool != null) {
                pool.shutdown();
            }
        };
    }

    private static Runnable jetty(int port, int threads) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads));
        pool.setName("jetty");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] out = HttpServerShootout.handle(request.getMethod(), request.getHttpURI().getPath(),
                        Content.Source.asInputStream(request));
                if (out == null) {
                    return false; // Jetty answers 404
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
                response.write(true, ByteBuffer.wrap(out), callback);
                return true;
            }
        });
        server.start();
        return () -> {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static Runnable undertow(int port, int threads) {
        Undertow server = Undertow.builder()
                .addHttpListener(port, HOST)
                .setIoThreads(Runtime.getRuntime().availableProcessors())
                .setWorkerThreads(threads)
                .setHandler(new BlockingHandler(exchange -> {
                    byte[] out = handle(exchange.getRequestMethod().toString(), exchange.getRequestPath(),
                            exchange.getInputStream());
                    if (out == null) {
                        exchange.setStatusCode(404);
                        return;
                    }
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(ByteBuffer.wrap(out));
                }))
                .build();
        server.start();
        return server::stop;
    }
}
