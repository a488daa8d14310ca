package io.jenkins.plugins.modelops.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.image.BaseImage;
import io.jenkins.plugins.modelops.deploy.image.BuildImage;
import io.jenkins.plugins.modelops.deploy.image.Target;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome;
import io.jenkins.plugins.modelops.deploy.kube.MockCluster;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** deployModel's whole path: a real registry receives the image, the (mock) cluster runs exactly that digest. */
class DeployModelTest {

    @Test
    void buildsPushesAndRollsOutThePushedDigestWithTheBundlesProvenance() throws Exception {
        Path bundle = TestBundles.iris();
        try (TestRegistry registry = TestRegistry.start(); MockCluster cluster = new MockCluster()) {
            BuildImage.Request image = BuildImage.Request.of(bundle, registry.host() + "/ml/iris:7", Target.registry())
                    .withBase(new BaseImage.Tar(TestBaseImage.tarball())).withName("iris")
                    .withProvenance("https://jenkins.example.com/job/iris/7/", null, null);
            DeployModel.Outcome outcome = DeployModel.run(new DeployModel.Request(image,
                    DeploySpec.of("placeholder", "iris", MockCluster.NS)), cluster.client, cluster.progress);

            assertThat(outcome.failed()).isFalse();
            assertThat(outcome.rollout().status()).isEqualTo(KubeOutcome.Status.ROLLED_OUT);
            assertThat(outcome.image().reference()).isEqualTo(registry.host() + "/ml/iris@" + outcome.image().digest());
            assertThat(registry.manifest("ml/iris", "7").digest()).isEqualTo(outcome.image().digest());
            Deployment running = cluster.client.apps().deployments().inNamespace(MockCluster.NS).withName("iris").get();
            assertThat(running.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo(outcome.image().reference());
            assertThat(running.getMetadata().getAnnotations()).containsValue(outcome.image().digest())
                    .containsValue(ModelBundle.open(bundle).manifest().modelId())
                    .containsValue("https://jenkins.example.com/job/iris/7/");
        }
    }

    @Test
    void aClusterCannotPullATarball(@TempDir Path dir) {
        assertThatThrownBy(() -> new DeployModel.Request(BuildImage.Request.of(TestBundles.iris(), "ml/iris:7",
                Target.tar(dir.resolve("iris.tar"))), DeploySpec.of("placeholder", "iris", "ml")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("a cluster pulls its image from a registry: image: must name one (a tarball or a local "
                        + "Docker engine is for deploy --local)");
    }
}
