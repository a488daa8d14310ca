package io.jenkins.plugins.modelops.deploy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A real registry (Debian's {@code docker-registry}, distribution 2.8) on 127.0.0.1 with its storage under target/,
 * optionally behind htpasswd basic auth. Blobs are listed from its storage directory, which is exactly what it holds.
 */
public final class TestRegistry implements AutoCloseable {

    public static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestRegistry(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static TestRegistry start() {
        return start(null);
    }

    /**
     * @param htpasswd an htpasswd file's content for basic auth (bcrypt entries), or null for none. With a login the
     *                 registry speaks HTTPS (a self-signed certificate for 127.0.0.1), as clients send credentials over
     *                 HTTPS only.
     */
    public static TestRegistry start(String htpasswd) {
        Path binary = RealTools.binary("docker-registry", "/usr/bin/docker-registry");
        Path dir = RealTools.targetDir("registry-");
        int port = RealTools.freePort();
        try {
            String auth = "";
            if (htpasswd != null) {
                Files.writeString(dir.resolve("htpasswd"), htpasswd);
                RealTools.run(java.util.List.of(RealTools.binary("openssl", "/usr/bin/openssl").toString(), "req",
                        "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
                        "-out", dir.resolve("cert.pem").toString()), Map.of(), Duration.ofMinutes(1));
                auth = "  tls:\n    certificate: " + dir.resolve("cert.pem") + "\n    key: " + dir.resolve("key.pem")
                        + "\nauth:\n  htpasswd:\n    realm: modelops-test\n    path: " + dir.resolve("htpasswd") + "\n";
            }
            Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
                    + "log:\n  level: warn\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                    + "  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n"
                    + auth);
            Path log = dir.resolve("registry.log");
            Process process = new ProcessBuilder(binary.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            TestRegistry registry = new TestRegistry(dir, port, process);
            try {
                if (htpasswd == null) {
                    RealTools.awaitHttp("http://127.0.0.1:" + port + "/v2/", 200, Duration.ofSeconds(20), process, log);
                } else {
                    RealTools.awaitPort(port, Duration.ofSeconds(20), process, log);
                }
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public record Manifest(int status, String digest, String contentType, String body) {
    }

    /** The manifest of {@code repository:reference} as a Docker client pulls it (schema 2). */
    public Manifest manifest(String repository, String reference) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + host() + "/v2/" + repository + "/manifests/" + reference))
                    .header("Accept", MANIFEST_V2).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Manifest(response.statusCode(),
                    response.headers().firstValue("Docker-Content-Digest").orElse(null),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every blob the registry stores ({@code sha256:...} → bytes): layers, configs and manifests. */
    public Map<String, Long> blobs() {
        Path root = dir.resolve("data/docker/registry/v2/blobs/sha256");
        Map<String, Long> blobs = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return blobs;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().equals("data")).forEach(p -> {
                try {
                    blobs.put("sha256:" + p.getParent().getFileName(), Files.size(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blobs;
    }

    /** Stops the registry and deletes what it stored (a base image each run: 150 MB); its config and log stay. */
    @Override
    public void close() {
        RealTools.stopTree(process, Duration.ofSeconds(5));
        Path data = dir.resolve("data");
        if (Files.isDirectory(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // left under target/; mvn clean removes it
            }
        }
    }
}
