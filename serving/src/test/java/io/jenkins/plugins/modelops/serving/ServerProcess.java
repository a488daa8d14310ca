package io.jenkins.plugins.modelops.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The server as its own JVM ({@code java -cp <test classpath> ModelServer ...}), as the container runs it. */
final class ServerProcess implements AutoCloseable {

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();

    ServerProcess(String... args) throws IOException {
        this(java.util.Map.of(), args);
    }

    /** With {@code environment} added to this JVM's (minus any MODELOPS_ variable of its own). */
    ServerProcess(java.util.Map<String, String> environment, String... args) throws IOException {
        this("-Xmx256m", environment, args);
    }

    /** With a heap of {@code maxHeap} ({@code -Xmx64m}). */
    ServerProcess(String maxHeap, java.util.Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                maxHeap, "-cp", System.getProperty("java.class.path"), ModelServer.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("MODELOPS_"));
        builder.environment().putAll(environment);
        process = builder.start();
        pumps.add(pump(process.getInputStream(), stdout));
        pumps.add(pump(process.getErrorStream(), stderr));
    }

    private final List<Thread> pumps = new ArrayList<>();

    private static Thread pump(java.io.InputStream in, List<String> into) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    into.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits (bounded) for a stdout line; fails with everything printed if the process exits or time runs out. */
    String awaitLine(Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : stdout) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                for (Thread pump : pumps) {
                    pump.join(5_000); // everything it printed, then decide
                }
                for (String line : stdout) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                throw new AssertionError("server exited " + process.exitValue() + ": " + stdout + stderr);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such line within 60 s: " + stdout + stderr);
    }

    /** The port from the {@code listening} log line. */
    int port() throws Exception {
        String line = awaitLine(l -> l.contains("\"event\":\"listening\""));
        String url = TestServer.JSON.readTree(line).get("url").asText();
        return java.net.URI.create(url).getPort();
    }

    /**
     * SIGTERM, as Kubernetes sends it. Through the ProcessHandle: Process.destroy() also closes our end of the
     * process's stdout, and the shutdown's log lines would be lost.
     */
    void sigterm() {
        process.toHandle().destroy();
    }

    int exitCode(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("server still running after " + seconds + " s: " + stdout + stderr);
        }
        for (Thread pump : pumps) {
            pump.join(5_000);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
