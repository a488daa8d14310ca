package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modelops image} and deployModel's first half: a model bundle becomes a container image with Jib, without a
 * Docker daemon (unless the caller asks for one). The image is {@code linux/amd64}, because XGBoost's native
 * library in it is; it runs the model server as user {@value #USER} from {@code /app}, the model at {@code /model}.
 * Same inputs give the same digest: Jib's fixed times, sorted layer entries, and labels from the bundle only.
 */
public final class BuildImage {

    /** A numeric non-root user (distroless' "nonroot"), so Kubernetes' runAsNonRoot can verify it. */
    public static final String USER = "65532:65532";

    /**
     * @param bundle      the model bundle directory
     * @param image       the image to build, {@code [REGISTRY/]REPOSITORY[:TAG]}; for a tarball or a Docker engine
     *                    it is the name the image is loaded as
     * @param name        the deployment name (the server's model name); default: the bundle directory's name
     * @param insecure    allow plain HTTP to a registry that is not on loopback (loopback always may)
     * @param credentials the registry login for the target (and a registry base on the same registry); never logged
     * @param buildUrl    the CI build that made the image, for its labels
     * @param revision    the source revision (a git commit), for {@code org.opencontainers.image.revision}
     * @param source      the source repository URL, for {@code org.opencontainers.image.source}
     */
    public record Request(Path bundle, String image, BaseImage base, Target target, Optional<String> name,
                          boolean insecure, Optional<RegistryCredentials> credentials, Optional<String> buildUrl,
                          Optional<String> revision, Optional<String> source) {

        public Request {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(target, "target");
        }

        /** A request with the defaults: {@link BaseImage#DEFAULT}, the bundle directory's name, no credentials. */
        public static Request of(Path bundle, String image, Target target) {
            return new Request(bundle, image, BaseImage.defaultBase(), target, Optional.empty(), false,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Request withBase(BaseImage base) {
            return new Request(bundle, image, base, target, name, insecure, credentials, buildUrl, revision, source);
        }

        public Request withName(String name) {
            return new Request(bundle, image, base, target, Optional.ofNullable(name), insecure, credentials, buildUrl,
                    revision, source);
        }

        public Request withInsecure(boolean insecure) {
            return new Request(bundle, image, base, target, name, insecure, credentials, buildUrl, revision, source);
        }

        public Request withCredentials(RegistryCredentials credentials) {
            return new Request(bundle, image, base, target, name, insecure, Optional.ofNullable(credentials), buildUrl,
                    revision, source);
        }

        public Request withProvenance(String buildUrl, String revision, String source) {
            return new Request(bundle, image, base, target, name, insecure, credentials, Optional.ofNullable(buildUrl),
                    Optional.ofNullable(revision), Optional.ofNullable(source));
        }
    }

    /**
     * One layer of the built image.
     *
     * @param name      {@code base}, or ModelOps' {@code dependencies}, {@code server}, {@code model}
     * @param digest    the compressed layer's digest, {@code sha256:...}
     * @param sizeBytes the compressed size (what a registry stores and a pull downloads)
     */
    public record LayerReport(String name, String digest, long sizeBytes) {
    }

    /**
     * What a build produced.
     *
     * @param image     the image as requested ({@code [REGISTRY/]REPOSITORY:TAG})
     * @param name      the deployment name in the entrypoint (the server's model name)
     * @param reference the image by digest, {@code REPOSITORY@sha256:...}: what a deployment should run
     * @param digest    the image manifest's digest, {@code sha256:...}
     * @param imageId   the image configuration's digest (what {@code docker images} shows)
     * @param sizeBytes the sum of the compressed layers' sizes; 0 when the layers could not be read back
     * @param layers    base layers first, then ModelOps' three; empty when they could not be read back
     */
    public record Outcome(String image, String name, String reference, String digest, String imageId,
                          long sizeBytes, List<LayerReport> layers) {

        public Outcome {
            layers = List.copyOf(layers);
        }

        public Optional<LayerReport> layer(String name) {
            return layers.stream().filter(l -> l.name().equals(name)).findFirst();
        }
    }

    private BuildImage() {
    }

    public static Outcome run(Request request, Progress progress) {
        // Every input is checked before anything is built.
        ImageReference image = ImageNames.target(request.image());
        ModelBundle bundle = openBundle(request.bundle());
        String name = ImageNames.deploymentName(request.name().orElse(null), bundle.dir().getFileName().toString());
        boolean xgboost = "xgboost".equals(bundle.manifest().algorithm());
        if (request.target() instanceof Target.Tar tar) {
            checkTarTarget(tar.file());
        }
        boolean plainHttp = plainHttp(image, request, progress);
        if (!plainHttp && request.target() instanceof Target.Registry) {
            JibRun.checkHttps(image, request);
        }

        Path staging = null;
        try {
            staging = Files.createTempDirectory("modelops-image-");
            BaseImages.Resolved base = BaseImages.resolve(request.base(), xgboost, request, staging, progress);
            JibContainerBuilder builder = base.builder()
                    .setFileEntriesLayers(ImageContents.layers(ServerDistribution.embedded(), bundle, staging))
                    .setEntrypoint(ServerCommand.containerEntrypoint(name))
                    .setProgramArguments(List.of())
                    .setUser(USER)
                    .setWorkingDirectory(AbsoluteUnixPath.get(ServerCommand.APP_DIR))
                    .setExposedPorts(Port.tcp(ServerCommand.CONTAINER_PORT))
                    .setLabels(ImageContents.labels(bundle, name, request.buildUrl(), request.revision(),
                            request.source()))
                    .setCreationTime(Instant.EPOCH)
                    .setFormat(ImageFormat.Docker);
            progress.info(String.format("Building image %s for model %s (%s) on %s", image, bundle.manifest().shortId(),
                    bundle.manifest().algorithm(), request.base()));
            Built built = containerize(builder, image, request, plainHttp, staging, progress);
            Outcome outcome = new Outcome(image.toString(), name,
                    ImageReference.of(image.getRegistry(), image.getRepository(), null,
                            built.container().getDigest().toString()).toString(),
                    built.container().getDigest().toString(), built.container().getImageId().toString(),
                    built.layers().stream().mapToLong(LayerReport::sizeBytes).sum(), built.layers());
            report(outcome, progress);
            return outcome;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot build image " + image + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    /**
     * Whether Jib may use plain HTTP: with {@code insecure}, or when a registry of the build (the target's, the
     * base's) is on loopback. Jib decides per build, not per registry, so a remote registry of the same build then
     * may fall back to HTTP too, should HTTPS fail; the log says so.
     */
    private static boolean plainHttp(ImageReference image, Request request, Progress progress) {
        List<String> registries = new java.util.ArrayList<>();
        if (request.target() instanceof Target.Registry) {
            registries.add(image.getRegistry());
        }
        if (request.base() instanceof BaseImage.Registry base) {
            registries.add(ImageNames.parse(Parameter.BASE_IMAGE, base.reference(), base.reference()).getRegistry());
        }
        if (request.insecure()) {
            return true;
        }
        List<String> remote = registries.stream().filter(r -> !ImageNames.loopback(r)).distinct().toList();
        if (remote.size() == registries.size()) {
            return false;
        }
        if (!remote.isEmpty()) {
            progress.warn("plain HTTP is allowed for the loopback registry of this build, and Jib then allows it for "
                    + String.join(" and ", remote) + " too, should HTTPS fail");
        }
        return true;
    }

    private record Built(JibContainer container, List<LayerReport> layers) {
    }

    private static Built containerize(JibContainerBuilder builder, ImageReference image, Request request,
                                      boolean plainHttp, Path staging, Progress progress) throws IOException {
        Target target = request.target();
        if (target instanceof Target.Registry) {
            RegistryImage registry = RegistryImage.named(image);
            request.credentials().ifPresent(c -> registry.addCredential(c.username(), c.password()));
            JibContainer container = JibRun.containerize(builder, configure(Containerizer.to(registry), plainHttp,
                    progress), image, request, plainHttp);
            return new Built(container, Layers.fromRegistry(image, container, request.credentials(), plainHttp,
                    progress));
        }
        // A tarball, also on the way into a Docker engine: the engine keeps no compressed layers to report, so the
        // same docker-archive is built and loaded (what Jib's own Docker target does, through the same client).
        Path file = target instanceof Target.Tar tar ? tar.file().toAbsolutePath() : staging.resolve("image.tar");
        Path partial = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".part");
        try {
            JibContainer container = JibRun.containerize(builder, configure(Containerizer.to(
                    TarImage.at(partial).named(image)), plainHttp, progress), image, request, plainHttp);
            List<LayerReport> layers = Layers.fromArchive(partial);
            if (target instanceof Target.Docker docker) {
                DockerEngine.load(partial, docker.environment(), image);
                progress.info("Loaded " + image + " into the Docker engine" + (docker.environment()
                        .containsKey("DOCKER_HOST") ? " at " + docker.environment().get("DOCKER_HOST") : ""));
            } else {
                Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                progress.info("Wrote " + file + " (docker load -i " + file.getFileName() + " reads it)");
            }
            return new Built(container, layers);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static Containerizer configure(Containerizer containerizer, boolean plainHttp, Progress progress) {
        return containerizer.setAllowInsecureRegistries(plainHttp)
                .setToolName("modelops")
                .setToolVersion(Versions.modelops())
                .addEventHandler(LogEvent.class, event -> {
                    if (event.getMessage() == null || event.getMessage().isBlank()) {
                        return; // Jib's spacing lines
                    }
                    switch (event.getLevel()) {
                        case ERROR, WARN -> progress.warn(event.getMessage());
                        case LIFECYCLE -> progress.info(event.getMessage());
                        default -> { }
                    }
                });
    }

    private static ModelBundle openBundle(Path dir) {
        try {
            return ModelBundle.open(dir);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(Parameter.MODEL, Parameter.MODEL.ref() + " " + e.getMessage(), e);
        }
    }

    private static void checkTarTarget(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(Parameter.TAR, Parameter.TAR.ref() + " " + file + " is a directory; name "
                    + "the tarball to write, e.g. " + file.resolve("image.tar"));
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new InvalidInputException(Parameter.TAR, Parameter.TAR.ref() + " " + file + ": the directory "
                    + parent + " does not exist");
        }
    }

    private static void report(Outcome outcome, Progress progress) {
        if (outcome.layers().isEmpty()) {
            progress.info("Image " + outcome.reference());
            return;
        }
        progress.info(String.format(Locale.ROOT, "Image %s: %s compressed in %d layers", outcome.reference(),
                megabytes(outcome.sizeBytes()), outcome.layers().size()));
        for (LayerReport layer : outcome.layers()) {
            progress.info(String.format(Locale.ROOT, "  %-12s %10s  %s", layer.name(), megabytes(layer.sizeBytes()),
                    layer.digest()));
        }
    }

    static String megabytes(long bytes) {
        return bytes < 100_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
