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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the tests' real servers (Prometheus, Alertmanager) share: a binary, a free port, readiness, a clean stop. */
final class LocalServers {

    private LocalServers() {
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

    /** Polls {@code ready} (a 200 there) until the deadline; a process that exits fails with its log. */
    static void awaitReady(String what, Process process, URI ready, Callable<String> log, Duration timeout)
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited: " + log.call());
            }
            try {
                if (client.send(HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(what + " not ready after " + timeout + ": " + log.call());
    }

    /** Stops the process (SIGTERM, then SIGKILL) and removes its folder; twice is fine. */
    static void stop(Process process, Path dir) throws IOException {
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
