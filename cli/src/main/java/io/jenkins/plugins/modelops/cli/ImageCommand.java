package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.image.BaseImage;
import io.jenkins.plugins.modelops.deploy.image.BuildImage;
import io.jenkins.plugins.modelops.deploy.image.RegistryCredentials;
import io.jenkins.plugins.modelops.deploy.image.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code modelops image}: a model bundle as a container image, pushed, loaded into Docker, or written as a tarball. */
@Command(name = "image", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a container image serving a model bundle (Jib: no Docker daemon needed) and push it to "
                + "a registry, load it into a Docker engine (--docker) or write a docker-archive tarball (--tar).",
                "The image is linux/amd64 (XGBoost's native library), runs as user 65532 and needs only /tmp writable.",
                "Prints the image by digest (REF@sha256:...) on stdout; progress goes to stderr.",
                "Exit codes: 0 built, 2 bad input, 3 any other failure."})
final class ImageCommand implements Callable<Integer> {

    static final String PASSWORD_VARIABLE = "MODELOPS_REGISTRY_PASSWORD";

    @Spec
    CommandSpec spec;

    /** The environment, replaceable in tests. */
    Map<String, String> environment = System.getenv();

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "model bundle (modelops train --out)")
    Path bundle;

    @Option(names = "--image", required = true, paramLabel = "REF",
            description = "image to build, [REGISTRY/]REPOSITORY[:TAG], e.g. registry.example.com/team/iris:1")
    String image;

    @Option(names = "--base-image", paramLabel = "REF",
            description = "JRE 17 base: a registry reference, docker://REF or tar://PATH (docker save) "
                    + "(default: " + BaseImage.DEFAULT + "; XGBoost models need libgomp1 in it)")
    String baseImage;

    @Option(names = "--tar", paramLabel = "FILE", description = "write a docker-archive tarball instead of pushing")
    Path tar;

    @Option(names = "--docker", description = "load into the local Docker engine (DOCKER_HOST respected) instead of pushing")
    boolean docker;

    @Option(names = "--insecure", description = "allow plain HTTP to a registry that is not on loopback")
    boolean insecure;

    @Option(names = "--name", paramLabel = "NAME",
            description = "deployment (and model) name in the server (default: the bundle directory's name)")
    String name;

    @Option(names = "--registry-username", paramLabel = "USER", description = "registry login")
    String username;

    @Option(names = "--registry-password-file", paramLabel = "FILE",
            description = "file holding the registry password (or set " + PASSWORD_VARIABLE + ")")
    Path passwordFile;

    @Option(names = "--build-url", paramLabel = "URL", description = "CI build for the labels (default: $BUILD_URL)")
    String buildUrl;

    @Option(names = "--revision", paramLabel = "SHA", description = "source revision for the labels (default: $GIT_COMMIT)")
    String revision;

    @Option(names = "--source", paramLabel = "URL", description = "source repository for the labels (default: $GIT_URL)")
    String source;

    @Override
    public Integer call() {
        if (tar != null && docker) {
            throw new InvalidInputException(Parameter.TAR, Parameter.TAR.ref() + " and " + Parameter.DOCKER.ref()
                    + " exclude each other: choose one target (neither pushes to the registry " + Parameter.IMAGE.ref()
                    + " names)");
        }
        Target target = tar != null ? Target.tar(tar) : docker ? Target.docker() : Target.registry();
        BuildImage.Request request = BuildImage.Request.of(bundle, image, target)
                .withBase(BaseImage.parse(baseImage))
                .withName(name)
                .withInsecure(insecure)
                .withCredentials(credentials())
                .withProvenance(orEnv(buildUrl, "BUILD_URL"), orEnv(revision, "GIT_COMMIT"), orEnv(source, "GIT_URL"));
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        BuildImage.Outcome outcome = BuildImage.run(request, progress);
        spec.commandLine().getOut().println(outcome.reference());
        return ModelOps.OK;
    }

    private RegistryCredentials credentials() {
        String password = null;
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InvalidInputException("--registry-password-file " + passwordFile + " cannot be read: "
                        + (Files.exists(passwordFile) ? e.getMessage() : "no such file"), e);
            }
        } else if (environment.get(PASSWORD_VARIABLE) != null) {
            password = environment.get(PASSWORD_VARIABLE);
        }
        if (username == null && password == null) {
            return null;
        }
        if (username == null) {
            throw new InvalidInputException("a registry password was given (" + (passwordFile != null
                    ? "--registry-password-file" : PASSWORD_VARIABLE) + ") but no --registry-username");
        }
        if (password == null || password.isEmpty()) {
            throw new InvalidInputException("--registry-username " + username + " needs a password: "
                    + "--registry-password-file FILE or the environment variable " + PASSWORD_VARIABLE);
        }
        return new RegistryCredentials(username, password);
    }

    private String orEnv(String value, String variable) {
        if (value != null) {
            return value.isBlank() ? null : value;
        }
        String fromEnvironment = environment.get(variable);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
    }
}
