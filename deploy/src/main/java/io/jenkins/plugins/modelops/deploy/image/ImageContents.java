package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.server.ServerDistribution;
import io.jenkins.plugins.modelops.metrics.Metric;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What ModelOps puts on top of the base: three layers ordered by how often they change, so that a registry already
 * holding the first two receives only the third for a new model; and the labels that say which model an image
 * serves. Files get Jib's fixed times and permissions and a sorted order, so the same inputs give the same layers.
 */
final class ImageContents {

    /** The layers' names, in image order; {@link BuildImage.LayerReport} uses them. */
    static final String DEPENDENCIES = "dependencies";
    static final String SERVER = "server";
    static final String MODEL = "model";
    static final List<String> LAYERS = List.of(DEPENDENCIES, SERVER, MODEL);

    static final String LABEL_MODEL_ID = "io.modelops.model-id";
    static final String LABEL_ALGORITHM = "io.modelops.algorithm";
    static final String LABEL_HEADLINE_METRIC = "io.modelops.headline-metric";
    static final String LABEL_BUILD_URL = "io.modelops.build-url";

    private ImageContents() {
    }

    /** The layers, from the server distribution on disk (Jib reads files, not bytes; see {@link ServerFiles}). */
    static List<FileEntriesLayer> layers(ServerDistribution server, ModelBundle bundle, Path staging) {
        Path app = ServerFiles.materialize(server, staging);
        AbsoluteUnixPath appDir = AbsoluteUnixPath.get(ServerCommand.APP_DIR);
        FileEntriesLayer.Builder dependencies = FileEntriesLayer.builder().setName(DEPENDENCIES);
        FileEntriesLayer.Builder own = FileEntriesLayer.builder().setName(SERVER);
        for (String library : server.libraries().stream().sorted().toList()) {
            (ServerDistribution.ownLibrary(library) ? own : dependencies)
                    .addEntry(app.resolve(library), appDir.resolve(library));
        }
        own.addEntry(app.resolve(ServerDistribution.LAUNCHER), appDir.resolve(ServerDistribution.LAUNCHER));

        FileEntriesLayer.Builder model = FileEntriesLayer.builder().setName(MODEL);
        AbsoluteUnixPath modelDir = AbsoluteUnixPath.get(ServerCommand.MODEL_DIR);
        for (Path file : bundleFiles(bundle.dir())) {
            String relative = bundle.dir().relativize(file).toString().replace(java.io.File.separatorChar, '/');
            model.addEntry(file, modelDir.resolve(relative));
        }
        return List.of(dependencies.build(), own.build(), model.build());
    }

    /**
     * The labels: OCI's, then ModelOps' own. {@code created} is the bundle's (an input, so the digest stays the
     * same for the same bundle), not the build's.
     */
    static Map<String, String> labels(ModelBundle bundle, String name, Optional<String> buildUrl,
                                      Optional<String> revision, Optional<String> source) {
        Map<String, String> labels = new LinkedHashMap<>();
        var manifest = bundle.manifest();
        labels.put("org.opencontainers.image.title", name);
        labels.put("org.opencontainers.image.version", manifest.shortId());
        labels.put("org.opencontainers.image.created", manifest.createdAt());
        labels.put("org.opencontainers.image.description", "ModelOps model server for " + manifest.algorithm() + " "
                + manifest.task() + " model " + manifest.shortId() + " (label " + manifest.label() + ")");
        revision.ifPresent(r -> labels.put("org.opencontainers.image.revision", r));
        source.ifPresent(s -> labels.put("org.opencontainers.image.source", s));
        labels.put(LABEL_MODEL_ID, manifest.modelId());
        labels.put(LABEL_ALGORITHM, manifest.algorithm());
        headlineMetric(bundle).ifPresent(m -> labels.put(LABEL_HEADLINE_METRIC, m));
        buildUrl.ifPresent(u -> labels.put(LABEL_BUILD_URL, u));
        return labels;
    }

    /** The first test-set metric the bundle has, in {@link Metric}'s order: accuracy, or rmse for a regressor. */
    static Optional<String> headlineMetric(ModelBundle bundle) {
        return Metric.headline(bundle.metrics())
                .map(metric -> metric.id() + "=" + Numbers.fixed(bundle.metrics().get(metric), 4));
    }

    /** Every regular file of the bundle, sorted, so the layer's entry order depends on names only. */
    private static List<Path> bundleFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> list = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            list.sort(null);
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model bundle " + dir, e);
        }
    }
}
