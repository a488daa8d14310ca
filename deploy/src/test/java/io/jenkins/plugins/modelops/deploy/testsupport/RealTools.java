package io.jenkins.plugins.modelops.deploy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared by the real-component helpers: finding binaries (failing loudly), free ports, polling, stopping trees. */
public final class RealTools {

    private RealTools() {
    }

    /** The repository's root: the first directory above the working directory holding {@code scripts/}. */
    public static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/test-base-image.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("scripts/test-base-image.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** A binary the test cannot do without: missing is a failure naming the installer, never a skip. */
    public static Path binary(String name, String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path path = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        throw new IllegalStateException(name + " is not installed: run scripts/install-deps.sh --test");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code url} until it answers {@code status}, or fails after {@code timeout} with what was seen. */
    public static void awaitHttp(String url, int status, Duration timeout, Process process, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(url + ": the process exited with " + process.exitValue() + "; log:\n"
                        + tail(log));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(2000);
                int code = connection.getResponseCode();
                if (code == status) {
                    return;
                }
                last = "HTTP " + code;
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(100);
        }
        throw new IllegalStateException(url + " did not answer " + status + " in " + timeout + " (last: " + last
                + "); log:\n" + tail(log));
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port}. */
    public static void awaitPort(int port, Duration timeout, Process process, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("port " + port + ": the process exited with " + process.exitValue()
                        + "; log:\n" + tail(log));
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + timeout + "; log:\n"
                + tail(log));
    }

    /** Stops a process and every process it started: TERM first, KILL after {@code grace}. */
    public static void stopTree(Process process, Duration grace) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroy();
            }
        }
        for (ProcessHandle child : descendants) {
            try {
                child.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }

    /** Runs a command to completion; returns its combined output, failing on a non-zero exit. */
    public static String run(List<String> command, java.util.Map<String, String> environment, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeout);
            }
            String output = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String tail(Path log) {
        try {
            if (log == null || !Files.exists(log)) {
                return "(no log)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A scratch directory under the module's target/ (kept out of /tmp so a failed run can be looked at). */
    public static Path targetDir(String prefix) {
        try {
            Path target = Path.of("target").toAbsolutePath();
            Files.createDirectories(target);
            return Files.createTempDirectory(target, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
