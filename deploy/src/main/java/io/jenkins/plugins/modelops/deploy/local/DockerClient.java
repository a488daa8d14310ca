package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} client on the PATH against one engine: the caller's {@code DOCKER_*} environment, with the
 * deployment's {@code DOCKER_HOST} when it has one (so the later verbs reach the engine the first deploy used).
 */
final class DockerClient {

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private final Map<String, String> environment;

    DockerClient(String host) {
        Map<String, String> env = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("DOCKER_") || k.equals("PATH") || k.equals("HOME")) {
                env.put(k, v);
            }
        });
        if (host != null) {
            env.put("DOCKER_HOST", host);
        }
        this.environment = Map.copyOf(env);
    }

    Map<String, String> environment() {
        return environment;
    }

    /** The engine's address as configured ({@code DOCKER_HOST}), or empty for the client's default. */
    String host() {
        return environment.getOrDefault("DOCKER_HOST", "");
    }

    Result run(String... args) {
        return run(null, args);
    }

    /** Runs {@code docker ARGS}, writing {@code stdin} to it (a tar stream for {@code docker cp -}). */
    Result run(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("docker " + args[0] + " did not finish in 5 minutes");
            }
            return new Result(process.exitValue(), new String(output.join(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new InvalidInputException(Parameter.DOCKER, Parameter.DOCKER.ref() + ": cannot run the docker "
                    + "client (" + e.getMessage() + "); install it, or deploy --local without --docker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running docker " + args[0], e);
        }
    }

    /** {@code docker ARGS}, failing with the engine's words when it exits non-zero. */
    String check(String... args) {
        Result result = run(args);
        if (!result.ok()) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " failed" + at() + ": "
                    + result.output());
        }
        return result.output();
    }

    String at() {
        return host().isEmpty() ? "" : " at " + host();
    }

    /**
     * A tar stream of regular files (ustar), each owned by {@code uid:gid} with {@code mode}: what {@code docker cp -}
     * extracts with that ownership.
     */
    static byte[] tar(Map<String, byte[]> files, int uid, int gid, int mode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((name, content) -> {
            byte[] header = new byte[512];
            put(header, 0, name, 100);
            put(header, 100, octal(mode, 7), 8);
            put(header, 108, octal(uid, 7), 8);
            put(header, 116, octal(gid, 7), 8);
            put(header, 124, octal(content.length, 11), 12);
            put(header, 136, octal(0, 11), 12);
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            header[156] = '0';
            put(header, 257, "ustar", 6);
            put(header, 263, "00", 2);
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, octal(sum, 6), 7);
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
