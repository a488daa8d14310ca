package io.jenkins.plugins.modelops.monitor.prometheus;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where Prometheus is and how to reach it: http or https (with a CA certificate of its own, PEM), bearer or basic
 * auth, a timeout per request. {@link #toString} never shows the credentials.
 */
public record PrometheusConfig(URI url, Optional<Path> caCertificate, Optional<String> bearerToken,
                               Optional<String> username, Optional<String> password, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public PrometheusConfig {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("Prometheus URL " + url + " is not http:// or https://");
        }
        if (bearerToken.isPresent() && username.isPresent()) {
            throw new IllegalArgumentException("give Prometheus a bearer token or a user name and password, not both");
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("basic auth needs both a user name and a password");
        }
    }

    public static PrometheusConfig of(URI url) {
        return new PrometheusConfig(url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                DEFAULT_TIMEOUT);
    }

    public PrometheusConfig withCaCertificate(Path pem) {
        return new PrometheusConfig(url, Optional.of(pem), bearerToken, username, password, timeout);
    }

    public PrometheusConfig withBearerToken(String token) {
        return new PrometheusConfig(url, caCertificate, Optional.of(token), username, password, timeout);
    }

    public PrometheusConfig withBasicAuth(String user, String secret) {
        return new PrometheusConfig(url, caCertificate, bearerToken, Optional.of(user), Optional.of(secret), timeout);
    }

    public PrometheusConfig withTimeout(Duration value) {
        return new PrometheusConfig(url, caCertificate, bearerToken, username, password, value);
    }

    @Override
    public String toString() {
        return "PrometheusConfig[url=" + url + ", caCertificate=" + caCertificate.map(Path::toString).orElse("none")
                + ", auth=" + (bearerToken.isPresent() ? "bearer <redacted>" : username.map(u -> "basic " + u
                + ":<redacted>").orElse("none")) + ", timeout=" + timeout + "]";
    }
}
