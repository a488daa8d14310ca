package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;

/** Runs Jib and turns what it throws into messages a user can act on, naming the registry and the flag to fix. */
final class JibRun {

    private JibRun() {
    }

    static JibContainer containerize(JibContainerBuilder builder, Containerizer containerizer, ImageReference image,
                                     BuildImage.Request request, boolean plainHttp) {
        try {
            return builder.containerize(containerizer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + image, e);
        } catch (CacheDirectoryCreationException e) {
            throw new UncheckedIOException("cannot create Jib's cache directory: " + e.getMessage(),
                    new IOException(e));
        } catch (ExecutionException | RegistryException | IOException e) {
            throw explain(e, image, request, plainHttp);
        }
    }

    /**
     * Before a build that may use HTTPS only: a registry that answers plain HTTP, or a certificate this JVM does not
     * trust, is refused at once (Jib would retry its uploads for a minute before saying the same).
     */
    static void checkHttps(ImageReference image, BuildImage.Request request) {
        try {
            javax.net.ssl.HttpsURLConnection connection = (javax.net.ssl.HttpsURLConnection) java.net.URI.create(
                    "https://" + image.getRegistry() + "/v2/").toURL().openConnection();
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(10_000);
            try {
                connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (javax.net.ssl.SSLException e) {
            throw insecure(registries(image, request), e);
        } catch (IOException | RuntimeException e) {
            // unreachable or otherwise odd: Jib tries, and its failure is explained below
        }
    }

    static RuntimeException explain(Exception e, ImageReference image, BuildImage.Request request, boolean plainHttp) {
        String registries = registries(image, request);
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InsecureRegistryException) {
                return insecure(registries, e);
            }
            if (cause instanceof RegistryUnauthorizedException unauthorized) {
                String where = unauthorized.getImageReference();
                return new InvalidInputException(Parameter.IMAGE, request.credentials().isPresent()
                        ? "registry " + where + " refused the credentials given (username '"
                          + request.credentials().get().username() + "'): check the registry username and password"
                        : "registry " + where + " requires a login: give a registry username and password", e);
            }
            if (cause instanceof RegistryAuthenticationFailedException failed) {
                return new InvalidInputException(Parameter.IMAGE, "login to registry " + failed.getServerUrl()
                        + " failed: " + rootMessage(cause), e);
            }
            if (cause instanceof RegistryException && cause.getClass().getSimpleName()
                    .equals("RegistryCredentialsNotSentException")) {
                return new InvalidInputException(Parameter.IMAGE, registries + " requires a login, and credentials "
                        + "are never sent over plain HTTP: serve the registry over HTTPS"
                        + (request.credentials().isPresent() ? "" : " and give a registry username and password"), e);
            }
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException || cause instanceof SocketTimeoutException) {
                return new InvalidInputException(Parameter.IMAGE, registries + " is unreachable (" + reason(cause)
                        + "): check the address in " + Parameter.IMAGE.ref() + " and that the registry is running", e);
            }
        }
        if (e instanceof IOException io) {
            return new UncheckedIOException("cannot build " + image + ": " + rootMessage(e), io);
        }
        return new IllegalStateException("cannot build " + image + ": " + rootMessage(e), e);
    }

    private static InvalidInputException insecure(String registries, Exception cause) {
        return new InvalidInputException(Parameter.INSECURE, registries + " does not answer over HTTPS with a "
                + "trusted certificate, and plain HTTP is allowed only for a loopback registry or with "
                + Parameter.INSECURE.ref() + ": pass " + Parameter.INSECURE.ref()
                + " if the registry is meant to be used over plain HTTP", cause);
    }

    /** The target registry, and the base's when it is another one (an error may come from either). */
    private static String registries(ImageReference image, BuildImage.Request request) {
        String target = request.target() instanceof Target.Registry ? image.getRegistry() : null;
        String base = null;
        if (request.base() instanceof BaseImage.Registry registry) {
            base = ImageNames.parse(Parameter.BASE_IMAGE, registry.reference(), registry.reference()).getRegistry();
        }
        if (target != null && base != null && !base.equals(target)) {
            return "registry " + target + " (or the base image's registry " + base + ")";
        }
        return "registry " + (target != null ? target : base);
    }

    private static String reason(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (cause instanceof SocketTimeoutException) {
            return "timed out";
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("refused") ? "connection refused"
                : message.contains("timed out") ? "timed out" : "cannot connect";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
