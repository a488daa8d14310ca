package io.jenkins.plugins.modelops.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Pushes to a real registry on 127.0.0.1 and reads back what it stored. */
class RegistryPushTest {

    private static BuildImage.Request request(TestRegistry registry, java.nio.file.Path bundle, String tag) {
        return BuildImage.Request.of(bundle, registry.host() + "/models/iris:" + tag, Target.registry())
                .withBase(new BaseImage.Tar(TestBaseImage.tarball())).withName("iris");
    }

    @Test
    void thePushedManifestHasTheDigestAndANewModelPushesOnlyItsLayer() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            List<String> log = new ArrayList<>();
            BuildImage.Outcome first = BuildImage.run(request(registry, TestBundles.iris(), "1"), log::add);

            TestRegistry.Manifest manifest = registry.manifest("models/iris", "1");
            assertThat(manifest.status()).isEqualTo(200);
            assertThat(manifest.contentType()).isEqualTo(TestRegistry.MANIFEST_V2);
            assertThat(manifest.digest()).isEqualTo(first.digest());
            assertThat(first.reference()).isEqualTo(registry.host() + "/models/iris@" + first.digest());
            JsonNode body = Json.MAPPER.readTree(manifest.body());
            assertThat(body.get("config").get("digest").asText()).isEqualTo(first.imageId());
            List<BuildImage.LayerReport> stored = new ArrayList<>();
            List<String> names = List.of("base", "dependencies", "server", "model");
            for (int i = 0; i < body.get("layers").size(); i++) {
                JsonNode layer = body.get("layers").get(i);
                stored.add(new BuildImage.LayerReport(names.get(i), layer.get("digest").asText(),
                        layer.get("size").asLong()));
            }
            assertThat(first.layers()).isEqualTo(stored);
            assertThat(registry.manifest("models/iris", first.digest()).status()).isEqualTo(200);
            assertThat(log).anyMatch(l -> l.startsWith("Image " + first.reference() + ": "));

            Map<String, Long> before = registry.blobs();
            BuildImage.Outcome second = BuildImage.run(request(registry, TestBundles.irisRetrained(), "2"),
                    Progress.silent());
            Map<String, Long> added = new TreeMap<>(registry.blobs());
            added.keySet().removeAll(before.keySet());

            BuildImage.LayerReport model = second.layer("model").orElseThrow();
            assertThat(added.keySet()).isEqualTo(Set.of(model.digest(), second.imageId(), second.digest()));
            assertThat(added.get(model.digest())).isEqualTo(model.sizeBytes());
            assertThat(registry.manifest("models/iris", "2").digest()).isEqualTo(second.digest());
            long pushedFirst = before.values().stream().mapToLong(Long::longValue).sum();
            long pushedSecond = added.values().stream().mapToLong(Long::longValue).sum();
            assertThat(pushedSecond).isLessThan(pushedFirst / 100);

            // The same inputs again: the same digest, nothing new stored.
            Map<String, Long> beforeAgain = registry.blobs();
            BuildImage.Outcome again = BuildImage.run(request(registry, TestBundles.irisRetrained(), "2"),
                    Progress.silent());
            assertThat(again.digest()).isEqualTo(second.digest());
            assertThat(registry.blobs()).isEqualTo(beforeAgain);
        }
    }

    @Test
    void aBaseFromARegistryIsPulledAndSaidToBeUncheckedForLibgomp() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            // The offline base, put into the registry with Jib as it is.
            String base = registry.host() + "/base/jre17:bookworm";
            com.google.cloud.tools.jib.api.Jib.from(com.google.cloud.tools.jib.api.TarImage.at(TestBaseImage.tarball()))
                    .containerize(com.google.cloud.tools.jib.api.Containerizer.to(
                            com.google.cloud.tools.jib.api.RegistryImage.named(base)).setAllowInsecureRegistries(true));

            List<String> log = new ArrayList<>();
            BuildImage.Outcome outcome = BuildImage.run(BuildImage.Request.of(TestBundles.irisXgboost(),
                    registry.host() + "/models/iris-xgb:1", Target.registry()).withBase(BaseImage.parse(base)),
                    log::add);
            assertThat(log).anyMatch(l -> l.startsWith("WARNING: the base image " + base + " could not be checked for "
                    + "libgomp.so.1"));
            assertThat(registry.manifest("models/iris-xgb", "1").digest()).isEqualTo(outcome.digest());
            assertThat(outcome.layers()).extracting(BuildImage.LayerReport::name)
                    .containsExactly("base", "dependencies", "server", "model");
        }
    }
}
