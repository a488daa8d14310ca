package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the tests' real servers (Prometheus, Alertmanager) share: a binary that must be installed, a fresh folder and
 * a free port on 127.0.0.1, a log, readiness polled with a deadline, a clean stop.
 */
abstract class LocalServer<S extends LocalServer<S>> implements AutoCloseable {

    protected final Path dir;
    protected final int port;
    private final String name;
    private Process process;

    protected LocalServer(String name) throws IOException {
        this.name = name;
        this.dir = Files.createTempDirectory("modelops-" + name);
        this.port = freePort();
    }

    /** The first executable of {@code candidates}, or a failure that says how to install it (tests skip nothing). */
    static String binary(String what, String debianPackage, String... candidates) {
        return Stream.of(candidates).filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException(what + " is not installed: run scripts/install-deps.sh "
                        + "--test (Debian package " + debianPackage + ")"));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    protected void launch(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    public abstract URI url();

    public String log() throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    /** Polls {@code /-/ready} over plain HTTP until the deadline; a process that exits fails with its log. */
    @SuppressWarnings("unchecked")
    public S awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + log());
            }
            try {
                if (client.send(HttpRequest.newBuilder(url().resolve("/-/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (S) this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ": " + log());
    }

    /** Stops the process (SIGTERM, then SIGKILL) and removes its folder; twice is fine. */
    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
