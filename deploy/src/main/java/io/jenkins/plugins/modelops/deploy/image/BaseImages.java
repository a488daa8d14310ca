package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns {@code --base-image} into Jib's starting point, after checking what can be checked: a tarball (and a Docker
 * engine's image, saved to one) is read for its platform and, for an XGBoost model, for {@code libgomp.so.1}; a
 * registry base cannot be looked into before Jib pulls it, and the log says so.
 */
final class BaseImages {

    static final String PLATFORM = "linux/amd64";

    record Resolved(JibContainerBuilder builder) {
    }

    private BaseImages() {
    }

    static Resolved resolve(BaseImage base, boolean xgboost, BuildImage.Request request, Path staging,
                            Progress progress) throws IOException {
        if (base instanceof BaseImage.Registry registry) {
            ImageReference reference = ImageNames.parse(Parameter.BASE_IMAGE, registry.reference(),
                    registry.reference());
            RegistryImage image = RegistryImage.named(reference);
            // The caller's login is for the target registry; a base on the same registry may need it too.
            ImageReference target = ImageNames.target(request.image());
            if (reference.getRegistry().equals(target.getRegistry())) {
                request.credentials().ifPresent(c -> image.addCredential(c.username(), c.password()));
            }
            if (xgboost) {
                progress.warn("the base image " + registry.reference() + " could not be checked for libgomp.so.1 "
                        + "(a registry base's layers are not read before the build): XGBoost models need it to load; "
                        + "make sure the base has the libgomp1 package, or check it with "
                        + Parameter.BASE_IMAGE.ref() + " tar://PATH or docker://REF");
            }
            return new Resolved(Jib.from(image));
        }
        Path tar;
        if (base instanceof BaseImage.Docker docker) {
            tar = staging.resolve("base.tar");
            DockerEngine.save(docker.reference(), dockerEnvironment(request), tar, base);
        } else {
            tar = ((BaseImage.Tar) base).path();
            if (!Files.isRegularFile(tar)) {
                throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base + ": "
                        + (Files.isDirectory(tar) ? "a directory, not a docker-archive tarball" : "no such file"));
            }
            if (!Files.isReadable(tar)) {
                throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base
                        + ": not readable (permission denied)");
            }
        }
        ArchiveFacts facts;
        try {
            facts = ArchiveFacts.read(tar, xgboost);
        } catch (ArchiveFacts.NotAnArchive e) {
            throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base + " is "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base + " cannot "
                    + "be read as a docker-archive tarball (docker save writes one): " + e.getMessage(), e);
        }
        String platform = facts.os().orElse("linux") + "/" + facts.architecture().orElse("amd64");
        if (!platform.equals(PLATFORM)) {
            if (xgboost) {
                throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base + " is "
                        + platform + ", but an XGBoost model's image is " + PLATFORM + " only (XGBoost's native "
                        + "library in it is built for " + PLATFORM + "): use a " + PLATFORM + " base");
            }
            progress.warn("the base image " + base + " is " + platform + "; the image will be too");
        }
        if (xgboost) {
            if (!facts.libgomp().orElse(true)) {
                throw new InvalidInputException(Parameter.BASE_IMAGE, Parameter.BASE_IMAGE.ref() + " " + base
                        + " has no libgomp.so.1 (GNU OpenMP), which XGBoost's native library needs to load: install "
                        + "the libgomp1 package in the base, or use a base that has it");
            }
            progress.info("The base image has libgomp.so.1 (XGBoost's native library needs it)");
        }
        return new Resolved(Jib.from(TarImage.at(tar)));
    }

    private static java.util.Map<String, String> dockerEnvironment(BuildImage.Request request) {
        return request.target() instanceof Target.Docker docker ? docker.environment()
                : ((Target.Docker) Target.docker()).environment();
    }
}
