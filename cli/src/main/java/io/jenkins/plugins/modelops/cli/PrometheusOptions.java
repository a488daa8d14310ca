package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How to reach Prometheus: its CA and credentials, from files (a secret in a flag would show in ps). */
final class PrometheusOptions {

    @Option(names = "--prometheus-ca", paramLabel = "PEM", description = "CA certificate(s) Prometheus' HTTPS is signed with")
    Path ca;

    @Option(names = "--prometheus-token-file", paramLabel = "FILE", description = "bearer token for Prometheus")
    Path tokenFile;

    @Option(names = "--prometheus-user", paramLabel = "USER", description = "basic auth user for Prometheus")
    String user;

    @Option(names = "--prometheus-password-file", paramLabel = "FILE", description = "basic auth password for Prometheus")
    Path passwordFile;

    @Option(names = "--prometheus-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "how long one Prometheus request may take (default 30s)")
    String timeout;

    PrometheusConfig config(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("Prometheus URL '" + url + "' is not a URL: " + e.getMessage());
        }
        try {
            PrometheusConfig config = PrometheusConfig.of(uri).withTimeout(
                    io.jenkins.plugins.modelops.Durations.parse(timeout, io.jenkins.plugins.modelops.Parameter.TIMEOUT));
            if (ca != null) {
                config = config.withCaCertificate(ca);
            }
            if (tokenFile != null) {
                config = config.withBearerToken(read(tokenFile, "--prometheus-token-file"));
            }
            if (user != null || passwordFile != null) {
                if (user == null || passwordFile == null) {
                    throw new InvalidInputException("--prometheus-user and --prometheus-password-file go together");
                }
                config = config.withBasicAuth(user, read(passwordFile, "--prometheus-password-file"));
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private static String read(Path file, String flag) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InvalidInputException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
    }
}
