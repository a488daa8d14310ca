package io.jenkins.plugins.modelops.monitor.prometheus;

import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
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
        KeyPair ca = keyPair();
        KeyPair leaf = keyPair();
        X500Name caName = new X500Name("CN=modelops test CA");
        pem(files.resolve("ca.crt"), certificate(caName, caName, ca.getPublic(), ca, true));
        pem(files.resolve("tls.crt"), certificate(caName, new X500Name("CN=127.0.0.1"), leaf.getPublic(), ca, false));
        pem(files.resolve("tls.key"), leaf.getPrivate());
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

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static java.security.cert.X509Certificate certificate(X500Name issuer, X500Name subject,
                                                                  java.security.PublicKey key, KeyPair signer,
                                                                  boolean ca) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(now.toEpochMilli() + (ca ? 0 : 1)), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), subject, key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA")
                .build(signer.getPrivate()));
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
    }

    private static void pem(Path file, Object object) throws Exception {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(object);
        }
    }
}
