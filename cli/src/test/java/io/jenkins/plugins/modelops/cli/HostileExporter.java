package io.jenkins.plugins.modelops.cli;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.status.StatusContract;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A metrics endpoint whose labels are hostile HTML: any exporter can publish a {@code modelops_model_info} series,
 * and the model server refuses such names, so this one is written with client_java's own registry and exposition
 * (the server's library) on the JDK's HTTP server. The page must show every label as text.
 */
final class HostileExporter implements AutoCloseable {

    static final String NAME = "<img src=x onerror=alert(1)>";
    static final String CAUSE = "<script>alert(2)</script> accuracy 0.5 breaks 0.9";
    static final String ALGORITHM = "<b onmouseover=alert(3)>logistic</b>";

    private final HttpServer server;

    private HostileExporter(HttpServer server) {
        this.server = server;
    }

    static HostileExporter start() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge.builder().name(ServingContract.MODEL_INFO).labelNames(ServingContract.MODEL, ServingContract.VERSION,
                        ServingContract.MODEL_ID, ServingContract.ALGORITHM, ServingContract.TASK, ServingContract.KERNEL,
                        ServingContract.TRACK).register(registry)
                .labelValues(NAME, "\"><svg onload=alert(4)>", "'-alert(5)-'", ALGORITHM, "classification", "linear",
                        "stable").set(1);
        Gauge status = Gauge.builder().name(StatusContract.MODEL_STATUS).labelNames(ServingContract.MODEL,
                ServingContract.VERSION, StatusContract.STATUS).register(registry);
        status.labelValues(NAME, "\"><svg onload=alert(4)>", "degraded").set(1);
        status.labelValues(NAME, "\"><svg onload=alert(4)>", "running").set(0);
        Gauge.builder().name(StatusContract.MODEL_STATUS_CAUSE).labelNames(ServingContract.MODEL,
                ServingContract.VERSION, StatusContract.STATUS, StatusContract.CAUSE).register(registry)
                .labelValues(NAME, "\"><svg onload=alert(4)>", "degraded", CAUSE).set(1);
        ExpositionFormats formats = ExpositionFormats.init();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writer.write(body, registry.scrape());
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        });
        server.start();
        return new HostileExporter(server);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
