package io.jenkins.plugins.modelops.monitor.prometheus;

import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a real Prometheus: values, NaN, errors that say which URL answered what. */
class PrometheusClientTest {

    private static PrometheusServer server;
    private static PrometheusClient client;

    @BeforeAll
    static void start() throws Exception {
        server = PrometheusServer.start(List.of()).awaitReady(Duration.ofSeconds(30));
        client = PrometheusClient.connect(PrometheusConfig.of(server.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void readsScalarsVectorsNaNAndInfinity() {
        Instant now = Instant.now();
        assertThat(client.query("1 + 1", now)).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(2.0);
            assertThat(s.labels()).isEmpty();
        });
        assertThat(client.query("label_replace(vector(0.5), \"model\", \"iris\", \"\", \"\")", now))
                .singleElement().satisfies(s -> {
                    assertThat(s.value()).isEqualTo(0.5);
                    assertThat(s.labels()).containsEntry("model", "iris");
                });
        assertThat(client.query("0 / 0", now).get(0).value()).isNaN();
        assertThat(client.query("1 / 0", now).get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(client.query("-1 / 0", now).get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(client.query("absent_nothing_here_metric", now)).isEmpty();
        assertThat(client.queryRange("vector(3)", now.minusSeconds(10), now, Duration.ofSeconds(5)))
                .singleElement().satisfies(points -> assertThat(points).hasSize(3).allMatch(p -> p.value() == 3));
    }

    @Test
    void aBadQueryNamesTheUrlAndPrometheusReasonAndIsNotRetried() {
        assertThatThrownBy(() -> client.query("sum(", Instant.now()))
                .isInstanceOfSatisfying(PrometheusException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith(server.url() + "/api/v1/query answered 400: bad_data: ");
                });
    }

    @Test
    void anUnreachablePrometheusIsNamedAndRetryable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        PrometheusClient nowhere = PrometheusClient.connect(PrometheusConfig.of(URI.create("http://127.0.0.1:" + port))
                .withTimeout(Duration.ofSeconds(2)));
        assertThatThrownBy(() -> nowhere.query("1", Instant.now()))
                .isInstanceOfSatisfying(PrometheusException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).startsWith("http://127.0.0.1:" + port + "/api/v1/query could not be "
                            + "reached: ");
                });
    }

    @Test
    void credentialsNeverShowInTheConfiguration() {
        PrometheusConfig config = PrometheusConfig.of(server.url()).withBasicAuth("gate", "s3cret-password");
        assertThat(config.toString()).contains("basic gate:<redacted>").doesNotContain("s3cret-password");
        assertThat(PrometheusConfig.of(server.url()).withBearerToken("tok-123456").toString())
                .doesNotContain("tok-123456");
    }
}
