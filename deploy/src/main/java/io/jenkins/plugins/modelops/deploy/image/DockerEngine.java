package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.ImageReference;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local Docker engine through the {@code docker} client on the PATH (as Jib's own Docker support does), with
 * the caller's {@code DOCKER_HOST}: {@code docker save} for a {@code docker://} base, {@code docker load} for the
 * {@code --docker} target.
 */
final class DockerEngine {

    private DockerEngine() {
    }

    static void save(String reference, Map<String, String> environment, Path out, BaseImage base) {
        Result result = docker(environment, Parameter.BASE_IMAGE, "save", "-o", out.toString(), reference);
        if (result.exit() != 0) {
            throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base + ": the "
                    + "Docker engine" + host(environment) + " could not save it: " + result.output());
        }
    }

    static void load(Path tar, Map<String, String> environment, ImageReference image) {
        Result result = docker(environment, Parameter.DOCKER, "load", "-i", tar.toString());
        if (result.exit() != 0) {
            throw new IllegalStateException("the Docker engine" + host(environment) + " could not load " + image + ": "
                    + result.output());
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result docker(Map<String, String> environment, Parameter parameter, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("docker " + args[0] + " did not finish in 10 minutes");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new InvalidInputException(parameter, parameter.ref() + ": cannot run the docker client ("
                    + e.getMessage() + "); install it, or build to a tarball with " + Parameter.TAR.ref(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running docker " + args[0], e);
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        return command;
    }

    private static String host(Map<String, String> environment) {
        String host = environment.get("DOCKER_HOST");
        return host == null ? "" : " at " + host;
    }
}
