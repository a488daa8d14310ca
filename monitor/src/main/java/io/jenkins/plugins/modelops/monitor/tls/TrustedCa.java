package io.jenkins.plugins.modelops.monitor.tls;

import io.jenkins.plugins.modelops.InvalidInputException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * HTTPS to servers signed by a private CA (Prometheus, the model servers): the CA's PEM certificates become the only
 * trusted roots of one client. Without a CA file the JDK's own roots are trusted, as for any other site.
 */
public final class TrustedCa {

    private TrustedCa() {
    }

    /** {@code builder} trusting {@code pem}'s certificates when given, else left with the JDK's roots. */
    public static HttpClient.Builder trust(HttpClient.Builder builder, Optional<Path> pem) {
        pem.ifPresent(file -> builder.sslContext(sslContext(file)));
        return builder;
    }

    /** An SSL context trusting exactly the certificates in {@code pem}. */
    public static SSLContext sslContext(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new InvalidInputException("the CA file " + pem + " holds no PEM certificate (a file starting "
                        + "with -----BEGIN CERTIFICATE-----)");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("the CA file " + pem + " does not exist: give the PEM file of the CA "
                    + "certificate(s) the server's HTTPS is signed with");
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidInputException("the CA file " + pem + " cannot be used: " + e.getMessage());
        }
    }
}
