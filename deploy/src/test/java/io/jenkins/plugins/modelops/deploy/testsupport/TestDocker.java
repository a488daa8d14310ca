package io.jenkins.plugins.modelops.deploy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private Docker engine (Debian's {@code dockerd}): its socket, exec root and pid file in a short /tmp directory
 * (unix socket paths are limited to about 100 characters), its data under target/. No bridge and no iptables rules:
 * containers use {@code --network host} and servers in them listen where the test says. Stopped, with everything it
 * started, by {@link #close()}.
 */
public final class TestDocker implements AutoCloseable {

    private final Path client;
    private final Path run;
    private final Path data;
    private final Process process;

    private TestDocker(Path client, Path run, Path data, Process process) {
        this.client = client;
        this.run = run;
        this.data = data;
        this.process = process;
    }

    public static TestDocker start() {
        Path dockerd = RealTools.binary("dockerd", "/usr/sbin/dockerd", "/usr/bin/dockerd");
        Path client = RealTools.binary("docker", "/usr/bin/docker");
        try {
            Path run = Files.createTempDirectory(Path.of("/tmp"), "mo-dk-");
            Path data = RealTools.targetDir("dockerd-");
            Path log = data.resolve("dockerd.log");
            Process process = new ProcessBuilder(dockerd.toString(),
                    "--host", "unix://" + run.resolve("docker.sock"),
                    "--data-root", data.resolve("data").toString(),
                    "--exec-root", run.resolve("exec").toString(),
                    "--pidfile", run.resolve("docker.pid").toString(),
                    "--bridge=none", "--iptables=false", "--ip6tables=false")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            TestDocker docker = new TestDocker(client, run, data, process);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    docker.docker("version", "--format", "{{.Server.Version}}");
                    return docker;
                } catch (RuntimeException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        docker.close();
                        throw new IllegalStateException("dockerd did not start; log:\n" + RealTools.tail(log), e);
                    }
                    RealTools.sleep(200);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code unix://...}: the engine's address, for a {@code DOCKER_HOST}. */
    public String host() {
        return "unix://" + run.resolve("docker.sock");
    }

    /** The environment a docker client needs to reach this engine. */
    public Map<String, String> environment() {
        return Map.of("DOCKER_HOST", host(), "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** Runs the Debian client against this engine; returns its output, failing on a non-zero exit. */
    public String docker(String... args) {
        List<String> command = new ArrayList<>();
        command.add(client.toString());
        command.addAll(List.of(args));
        return RealTools.run(command, Map.of("DOCKER_HOST", host()), Duration.ofMinutes(5)).strip();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                String ids = docker("ps", "-aq");
                if (!ids.isBlank()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(List.of(ids.split("\\s+")));
                    docker(rm.toArray(String[]::new));
                }
            }
        } catch (RuntimeException e) {
            // stopping the engine below stops its containers too
        }
        RealTools.stopTree(process, Duration.ofSeconds(20));
        unmountUnder(run);
        unmountUnder(data);
        delete(run);
        delete(data.resolve("data"));
    }

    /** What the engine leaves mounted (its network namespace, a container's overlay if it died), deepest first. */
    private static void unmountUnder(Path dir) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String point = line.split(" ")[1].replace("\\040", " ");
                if (point.startsWith(dir.toString() + "/")) {
                    mounts.add(point);
                }
            }
            mounts.sort(Comparator.reverseOrder());
            for (String point : mounts) {
                new ProcessBuilder("umount", "-l", point).redirectErrorStream(true).start().waitFor();
            }
        } catch (IOException e) {
            // leftovers under /tmp; not worth failing a test for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover under target/ or /tmp; not worth failing a test for
        }
    }
}
