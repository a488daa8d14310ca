package io.jenkins.plugins.modelops.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model server run by a small shell supervisor that outlives the command which started it: in its own session
 * (so a Ctrl-C in the starting terminal does not reach it), restarted with back-off when it dies, stopped (with
 * the server's graceful drain) by a TERM to the supervisor. Its output goes to a log file.
 */
final class ServerProcess {

    /** Marks, in the log, each time the server died under the supervisor. */
    static final String EXITED = "modelops supervisor: the server exited with status ";

    // $1 the log file, the rest the server's command line. `sleep & wait` keeps the TERM trap prompt.
    private static final String SUPERVISOR = """
            log=$1; shift
            child=
            trap 'trap - TERM INT; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
            delay=1
            while :; do
              "$@" >>"$log" 2>&1 </dev/null & child=$!
              started=$(date +%s)
              wait "$child"; code=$?
              [ $(( $(date +%s) - started )) -ge 60 ] && delay=1
              echo "modelops supervisor: the server exited with status $code; restarting in ${delay}s" >>"$log"
              sleep "$delay" & wait $!
              [ "$delay" -lt 30 ] && delay=$((delay * 2))
            done
            """;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerProcess() {
    }

    /** Starts the supervisor; returns its pid. */
    static long start(List<String> serverCommand, java.util.Map<String, String> environment, Path log) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of("/bin/sh", "-c", SUPERVISOR, "modelops-supervisor", log.toString()));
        command.addAll(serverCommand);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "", StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command);
            // The caller's own MODELOPS_* settings (a token, a port) are not this server's: it gets only ours.
            builder.environment().keySet().removeIf(variable -> variable.startsWith("MODELOPS_"));
            builder.environment().putAll(environment);
            Process process = builder.redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true).start();
            return process.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the model server: " + String.join(" ", command), e);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * TERM to the supervisor, which passes it on and waits for the server's drain; after {@code grace} the whole tree
     * is killed. A pid that is gone already is fine.
     */
    static void stop(long pid, Duration grace) {
        Optional<ProcessHandle> supervisor = ProcessHandle.of(pid);
        if (supervisor.isEmpty()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(supervisor.get().descendants().toList());
        supervisor.get().destroy();
        try {
            supervisor.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            supervisor.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The result of waiting for readiness: ready, or why not (the log's last lines included). */
    record Readiness(boolean ready, String reason) {
    }

    /**
     * Polls {@code /v2/health/ready} until it answers 200. Not ready when the server dies during start-up (the
     * supervisor would restart it: a crash loop is a failed rollout) or {@code timeout} passes.
     */
    static Readiness awaitReady(long pid, int port, Path log, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!alive(pid)) {
                return new Readiness(false, "the supervisor is gone" + tail(log));
            }
            if (read(log).contains(EXITED)) {
                return new Readiness(false, "the server exited during start-up" + tail(log));
            }
            if (probe(port)) {
                return new Readiness(true, "ready");
            }
            if (Thread.currentThread().isInterrupted()) {
                return new Readiness(false, "interrupted");
            }
            sleep(Duration.ofMillis(200));
        }
        return new Readiness(false, "not ready after " + timeout.toSeconds() + " s" + tail(log));
    }

    /** Whether {@code /v2/health/ready} on 127.0.0.1:{@code port} answers 200 now. */
    static boolean probe(int port) {
        URI ready = URI.create("http://127.0.0.1:" + port + "/v2/health/ready");
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet, or starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String tail(Path log) {
        List<String> lines = read(log).lines().toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - 8), lines.size());
        return last.isEmpty() ? " (its log " + log + " is empty)"
                : "; the last lines of " + log + ":\n  " + String.join("\n  ", last);
    }

    private static String read(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
