package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.monitor.health.HealthAssets;
import io.jenkins.plugins.modelops.monitor.health.HealthReader;
import io.jenkins.plugins.modelops.monitor.health.HealthRequest;
import io.jenkins.plugins.modelops.monitor.health.HealthSnapshot;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The CLI's host of the health page: the web bundle ({@link HealthAssets}) and its JSON endpoint
 * ({@code /api/health?range=15m}, docs/health-json.md) on Jetty, which the model server already brings, with a
 * Content-Security-Policy as strict as Jenkins'. A snapshot is read per poll; a few threads are plenty for a page.
 */
final class DashboardServer implements AutoCloseable {

    static final String ENDPOINT = "/api/health";

    private static final ObjectWriter JSON = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Server jetty;
    private final ServerConnector connector;

    private DashboardServer(Server jetty, ServerConnector connector) {
        this.jetty = jetty;
        this.connector = connector;
    }

    /** Listening on {@code host:port} (0: a free port) once this returns. */
    static DashboardServer start(HealthReader reader, HealthRequest request,
                                 Supplier<List<HealthSnapshot.Mail>> mailbox, String host, int port) throws Exception {
        Server jetty = new Server(new QueuedThreadPool(8, 2));
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(new Pages(reader, request, mailbox));
        jetty.setStopTimeout(2000);
        jetty.start();
        return new DashboardServer(jetty, connector);
    }

    /** The page's URL: {@code http://127.0.0.1:8090/}; an IPv6 host in brackets. */
    URI url() {
        String host = connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort()
                + "/");
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** GET (and HEAD) of the bundle's files and the snapshot; anything else is a 404 or 405. */
    private static final class Pages extends Handler.Abstract {

        private final HealthReader reader;
        private final HealthRequest base;
        private final Supplier<List<HealthSnapshot.Mail>> mailbox;

        Pages(HealthReader reader, HealthRequest base, Supplier<List<HealthSnapshot.Mail>> mailbox) {
            this.reader = reader;
            this.base = base;
            this.mailbox = mailbox;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
            String path = Request.getPathInContext(request);
            response.getHeaders().put("Content-Security-Policy", HealthAssets.CONTENT_SECURITY_POLICY);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("Referrer-Policy", "no-referrer");
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return send(response, callback, 405, "application/json", error("only GET and HEAD are served"));
            }
            if (path.equals(ENDPOINT)) {
                Fields query = Request.extractQueryParameters(request);
                HealthRequest asked;
                try {
                    String range = query.getValue("range");
                    asked = (range == null ? base : base.withRange(range)).withMailbox(mailbox.get());
                } catch (InvalidInputException e) {
                    return send(response, callback, 400, "application/json", error(e.getMessage()));
                }
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                return send(response, callback, 200, "application/json",
                        JSON.writeValueAsBytes(reader.read(asked, Instant.now())));
            }
            String name = path.equals("/") ? "index.html" : path.substring(1);
            return HealthAssets.named(name)
                    .map(asset -> send(response, callback, 200, asset.contentType(), asset.bytes()))
                    .orElseGet(() -> send(response, callback, 404, "application/json",
                            error("no such page: " + path + "; the health page is at /")));
        }

        private static byte[] error(String message) {
            try {
                return JSON.writeValueAsBytes(Map.of("error", message));
            } catch (JsonProcessingException e) {
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
        }

        private static boolean send(Response response, Callback callback, int status, String type, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
