package io.jenkins.plugins.modelops.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.server.ServerCommand;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Images built to docker-archive tarballs on the offline JRE base: contents, labels, reproducibility. */
class BuildImageTest {

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private final Progress progress = log::add;

    private BuildImage.Outcome build(Path bundle, String name, Path tar) {
        return BuildImage.run(BuildImage.Request.of(bundle, "127.0.0.1:5000/models/iris:1", Target.tar(tar))
                .withBase(new BaseImage.Tar(TestBaseImage.tarball())).withName(name)
                .withProvenance("https://ci.example/job/iris/7/", "0123abc", "https://git.example/iris"), progress);
    }

    @Test
    void theImageHasTheServerThenTheModelRunsAsNonRootAndIsLabelled() throws Exception {
        Path tar = dir.resolve("iris.tar");
        BuildImage.Outcome outcome = build(TestBundles.iris(), null, tar);

        assertThat(outcome.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(outcome.name()).isEqualTo("iris");
        assertThat(outcome.reference()).isEqualTo("127.0.0.1:5000/models/iris@" + outcome.digest());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(tar); // no partial file left beside it
        }
        ImageArchive image = ImageArchive.read(tar);
        JsonNode config = image.config().get("config");
        assertThat(config.get("User").asText()).isEqualTo("65532:65532");
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).isEqualTo(ServerCommand.containerEntrypoint("iris"));
        assertThat(config.path("Cmd").size()).isZero();
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/app");
        assertThat(image.config().get("architecture").asText()).isEqualTo("amd64");
        assertThat(image.config().get("os").asText()).isEqualTo("linux");
        assertThat(config.path("Env").toString()).doesNotContain("TOKEN", "KEY", "PASSWORD");

        ModelBundle bundle = ModelBundle.open(TestBundles.iris());
        JsonNode labels = config.get("Labels");
        assertThat(labels.get("org.opencontainers.image.title").asText()).isEqualTo("iris");
        assertThat(labels.get("org.opencontainers.image.version").asText()).isEqualTo(bundle.manifest().shortId());
        assertThat(labels.get("org.opencontainers.image.created").asText()).isEqualTo(bundle.manifest().createdAt());
        assertThat(labels.get("org.opencontainers.image.revision").asText()).isEqualTo("0123abc");
        assertThat(labels.get("org.opencontainers.image.source").asText()).isEqualTo("https://git.example/iris");
        assertThat(labels.get("org.opencontainers.image.description").asText()).contains("logistic", "classification");
        assertThat(labels.get("io.modelops.model-id").asText()).isEqualTo(bundle.manifest().modelId());
        assertThat(labels.get("io.modelops.algorithm").asText()).isEqualTo("logistic");
        assertThat(labels.get("io.modelops.headline-metric").asText()).matches("accuracy=[01]\\.\\d{4}");
        assertThat(labels.get("io.modelops.build-url").asText()).isEqualTo("https://ci.example/job/iris/7/");

        // Layers: the base's, then dependencies, server, model.
        assertThat(image.layerFiles()).hasSize(4);
        assertThat(image.layerEntries(-3)).filteredOn(n -> !n.endsWith("/"))
                .isNotEmpty().allMatch(n -> n.startsWith("app/lib/") && n.endsWith(".jar"))
                .noneMatch(n -> n.contains("modelops-") || n.contains("jline") || n.contains("jansi"))
                .anyMatch(n -> n.contains("tribuo"));
        assertThat(image.layerEntries(-2)).filteredOn(n -> !n.endsWith("/"))
                .contains("app/modelops-serving.jar").allMatch(n -> n.equals("app/modelops-serving.jar")
                        || n.startsWith("app/lib/modelops-"));
        assertThat(image.layerEntries(-1)).filteredOn(n -> !n.endsWith("/"))
                .contains("model/bundle.json", "model/model.tribuo", "model/schema.json", "model/metrics.json")
                .allMatch(n -> n.startsWith("model/"));

        // What the outcome (and the log) report is what the tarball holds.
        assertThat(outcome.layers()).extracting(BuildImage.LayerReport::name)
                .containsExactly("base", "dependencies", "server", "model");
        for (int i = 0; i < 4; i++) {
            assertThat(outcome.layers().get(i).sizeBytes()).isEqualTo(image.layerSize(i));
        }
        assertThat(outcome.sizeBytes()).isEqualTo(outcome.layers().stream().mapToLong(l -> l.sizeBytes()).sum());
        assertThat(String.join("\n", log)).contains("Image 127.0.0.1:5000/models/iris@" + outcome.digest(),
                "compressed in 4 layers", "  model ", "Wrote " + tar);
    }

    @Test
    void sameInputsGiveTheSameDigestAndANewModelChangesOnlyTheModelLayer() throws Exception {
        BuildImage.Outcome first = build(TestBundles.iris(), "iris", dir.resolve("a.tar"));
        BuildImage.Outcome again = build(TestBundles.iris(), "iris", dir.resolve("b.tar"));
        assertThat(again.digest()).isEqualTo(first.digest());
        assertThat(again.layers()).isEqualTo(first.layers());
        assertThat(Files.mismatch(dir.resolve("a.tar"), dir.resolve("b.tar"))).isEqualTo(-1L);

        BuildImage.Outcome retrained = build(TestBundles.irisRetrained(), "iris", dir.resolve("c.tar"));
        assertThat(retrained.digest()).isNotEqualTo(first.digest());
        for (String same : List.of("base", "dependencies", "server")) {
            assertThat(retrained.layer(same)).isEqualTo(first.layer(same));
        }
        assertThat(retrained.layer("model").orElseThrow().digest())
                .isNotEqualTo(first.layer("model").orElseThrow().digest());
    }

    @Test
    void anXgboostModelIsCheckedForLibgompInATarballBase() throws Exception {
        BuildImage.Outcome outcome = build(TestBundles.irisXgboost(), null, dir.resolve("xgb.tar"));
        assertThat(log).contains("The base image has libgomp.so.1 (XGBoost's native library needs it)");
        JsonNode labels = ImageArchive.read(dir.resolve("xgb.tar")).config().get("config").get("Labels");
        assertThat(labels.get("io.modelops.algorithm").asText()).isEqualTo("xgboost");
        assertThat(outcome.layers()).hasSize(4);
    }
}
