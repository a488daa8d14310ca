package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.Writer;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS from PEM files: a self-signed certificate made here, trusted by the client and by no one else. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithAPemCertificateAndKey() throws Exception {
        KeyPair pair = keyPair();
        X509Certificate certificate = selfSigned(pair);
        Path cert = pem(dir.resolve("tls.crt"), certificate);
        Path key = pem(dir.resolve("tls.key"), pair.getPrivate());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
        try (TestServer server = new TestServer(ServerConfig.of(TestBundles.iris()).withTls(cert, key), client)) {
            assertThat(server.server.baseUri().getScheme()).isEqualTo("https");
            TestServer.Reply reply = server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("predictions").get(0).get("label").asText()).isEqualTo("setosa");
            // A client that does not trust the certificate gets no answer.
            TestServer untrusting = new TestServer.Untrusting(server);
            assertThatThrownBy(() -> untrusting.get("/v2/health/live")).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStartUp() throws Exception {
        Path cert = pem(dir.resolve("tls.crt"), selfSigned(keyPair()));
        Path key = pem(dir.resolve("other.key"), keyPair().getPrivate());
        assertThatThrownBy(() -> PemTls.sslContextFactory(cert, key)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not belong to the certificate in " + cert);
    }

    @Test
    void aFileWithoutACertificateIsRefused() throws Exception {
        Path key = pem(dir.resolve("tls.key"), keyPair().getPrivate());
        assertThatThrownBy(() -> PemTls.sslContextFactory(key, key)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("holds no PEM certificate");
        Path cert = pem(dir.resolve("tls.crt"), selfSigned(keyPair()));
        assertThatThrownBy(() -> PemTls.sslContextFactory(cert, cert)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("holds no PEM private key");
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
    }

    private static Path pem(Path file, Object object) throws Exception {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(object);
        }
        return file;
    }
}
