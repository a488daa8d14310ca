package io.jenkins.plugins.modelops.monitor.prometheus;

import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.TestCa;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real Prometheus behind TLS (its certificate signed by a CA of the test's own) and basic auth. */
class PrometheusTlsTest {

    private static final String PASSWORD = "gate-password-" + System.nanoTime();
    private static Path files;
    private static PrometheusServer server;

    @BeforeAll
    static void start() throws Exception {
        files = PrometheusServer.scratch();
        TestCa.write(files);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Files.writeString(files.resolve("web.yml"), String.join("\n", "tls_server_config:",
                "  cert_file: " + files.resolve("tls.crt"), "  key_file: " + files.resolve("tls.key"),
                "basic_auth_users:", "  gate: '" + OpenBSDBCrypt.generate("2a", PASSWORD.toCharArray(), salt, 10) + "'",
                ""));
        server = PrometheusServer.start(List.of(), "--web.config.file=" + files.resolve("web.yml"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (var walk = Files.walk(files)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void queriesOverTlsWithTheCaAndBasicAuth() throws Exception {
        PrometheusClient client = PrometheusClient.connect(PrometheusConfig.of(server.url())
                .withCaCertificate(files.resolve("ca.crt")).withBasicAuth("gate", PASSWORD));
        assertThat(awaitAnswer(client)).isEqualTo(7.0);
    }

    @Test
    void wrongCredentialsAndAnUnknownCaAreSaid() throws Exception {
        awaitAnswer(PrometheusClient.connect(PrometheusConfig.of(server.url()).withCaCertificate(files.resolve("ca.crt"))
                .withBasicAuth("gate", PASSWORD)));
        PrometheusClient wrongPassword = PrometheusClient.connect(PrometheusConfig.of(server.url())
                .withCaCertificate(files.resolve("ca.crt")).withBasicAuth("gate", "not-it"));
        assertThatThrownBy(() -> wrongPassword.query("1", Instant.now()))
                .isInstanceOfSatisfying(PrometheusException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageStartingWith(server.url() + "/api/v1/query answered 401 (check the Prometheus credentials)")
                .hasMessageNotContaining(PASSWORD);
        PrometheusClient unknownCa = PrometheusClient.connect(PrometheusConfig.of(server.url())
                .withBasicAuth("gate", PASSWORD).withTimeout(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> unknownCa.query("1", Instant.now()))
                .isInstanceOfSatisfying(PrometheusException.class, e -> assertThat(e.status()).isZero())
                .hasMessageStartingWith(server.url() + "/api/v1/query could not be reached: ")
                .hasMessageContaining("SSLHandshakeException");
    }

    private static double awaitAnswer(PrometheusClient client) throws Exception {
        PrometheusException last = null;
        for (int i = 0; i < 150; i++) {
            try {
                return client.query("3 + 4", Instant.now()).get(0).value();
            } catch (PrometheusException e) {
                last = e; // still starting
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no answer over TLS: " + server.log(), last);
    }
}
