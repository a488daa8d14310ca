package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS from PEM files, as Kubernetes secrets and cert-manager hold them: a certificate chain and an unencrypted
 * private key (PKCS#8 or PKCS#1/SEC1), parsed with BouncyCastle's PEMParser into an in-memory key store.
 */
final class PemTls {

    private PemTls() {
    }

    static SslContextFactory.Server sslContextFactory(Path certFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        checkPair(chain.get(0), key, certFile, keyFile);
        try {
            char[] password = Long.toHexString(System.nanoTime()).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setKeyStore(store);
            factory.setKeyStorePassword(new String(password));
            factory.setKeyManagerPassword(new String(password));
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidInputException("cannot use " + certFile + " and " + keyFile + " for TLS: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = parser(file, "--tls-cert")) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidInputException("--tls-cert " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new InvalidInputException("--tls-cert " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) {
        try (PEMParser parser = parser(file, "--tls-key")) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new InvalidInputException("--tls-key " + file + " is encrypted; give an unencrypted key "
                            + "(openssl pkey -in KEY -out PLAIN), kept in a secret");
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("--tls-key " + file + " is not a PEM private key: " + e.getMessage(), e);
        }
        throw new InvalidInputException("--tls-key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PEMParser parser(Path file, String flag) throws IOException {
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(flag + " " + file + ": no such readable file");
        }
        Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    /** Fails at start-up, not at the first handshake, when the key does not belong to the certificate. */
    private static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "modelops".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new InvalidInputException("--tls-key " + keyFile + " does not belong to the certificate in "
                        + certFile);
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("--tls-key " + keyFile + " does not belong to the certificate in "
                    + certFile + ": " + e.getMessage(), e);
        }
    }
}
