package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.Locale;
import java.util.regex.Pattern;

/** Image references and deployment names, checked with messages that say what is accepted. */
final class ImageNames {

    /** A DNS-1123 label: Kubernetes names Services and Deployments after the deployment. */
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private ImageNames() {
    }

    static ImageReference parse(Parameter parameter, String reference, String given) {
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            throw new InvalidInputException(parameter, parameter.ref() + " '" + given + "' is not an image reference: "
                    + "expected [REGISTRY/]REPOSITORY[:TAG] in lower case, e.g. registry.example.com/team/iris:1 or "
                    + "127.0.0.1:5000/iris:1", e);
        }
    }

    /** The image to build: a tag, not a digest (the digest is what the build makes). */
    static ImageReference target(String image) {
        if (image == null || image.isBlank()) {
            throw new InvalidInputException(Parameter.IMAGE, Parameter.IMAGE.ref() + " is missing: name the image to "
                    + "build, e.g. registry.example.com/team/iris:1");
        }
        ImageReference reference = parse(Parameter.IMAGE, image, image);
        if (reference.getDigest().isPresent()) {
            throw new InvalidInputException(Parameter.IMAGE, Parameter.IMAGE.ref() + " '" + image + "' names a digest; "
                    + "name a tag instead (the build computes the digest)");
        }
        return reference;
    }

    /** The deployment name: given, or the bundle directory's name (what the server names the model after). */
    static String deploymentName(String given, String bundleDirName) {
        if (given != null) {
            if (!isDns1123Label(given)) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + given + "' is not a valid "
                        + "deployment name: use at most 63 lower-case letters, digits and '-', starting and ending with "
                        + "a letter or digit");
            }
            return given;
        }
        if (!isDns1123Label(bundleDirName)) {
            throw new InvalidInputException(Parameter.NAME, "the bundle directory's name '" + bundleDirName + "' is not "
                    + "a valid deployment name (at most 63 lower-case letters, digits and '-', starting and ending with "
                    + "a letter or digit): pass " + Parameter.NAME.ref() + " "
                    + suggestion(bundleDirName));
        }
        return bundleDirName;
    }

    static boolean isDns1123Label(String name) {
        return name.length() <= 63 && DNS_1123_LABEL.matcher(name).matches();
    }

    /**
     * Whether plain HTTP is acceptable without {@code --insecure}: a registry on this machine's loopback, by name
     * (a name is not resolved: what resolves to loopback here need not elsewhere).
     */
    static boolean loopback(String registry) {
        String host = registry;
        if (host.startsWith("[")) {
            host = host.substring(0, host.indexOf(']') + 1);
        } else if (host.contains(":")) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equals("localhost") || host.equals("[::1]") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String suggestion(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (lower.length() > 63) {
            lower = lower.substring(0, 63).replaceAll("-+$", "");
        }
        return lower.isEmpty() ? "NAME" : lower;
    }
}
