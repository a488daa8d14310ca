package io.jenkins.plugins.modelops.bundle;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.train.Algorithm;

import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.common.liblinear.protos.LibLinearModelProto;
import org.tribuo.protos.core.ModelProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBundleTest {

    @TempDir
    Path dir;

    private Path bundle;

    @BeforeEach
    void train() {
        bundle = train(Algorithm.LIBLINEAR, "liblinear");
    }

    private Path train(Algorithm algorithm, String name) {
        return TrainModel.run(new TrainModel.Request(TrainingConfig.of(Examples.iris(), DataSpec.of("species"))
                .withAlgorithm(algorithm), dir.resolve(name), Optional.empty(), List.of()), Progress.silent())
                .bundle().dir();
    }

    @Test
    void aModifiedFileIsDetectedAndNamed() throws IOException {
        Files.writeString(bundle.resolve("schema.json"), Files.readString(bundle.resolve("schema.json")).replace("4.3", "1.0"));

        assertThatThrownBy(() -> ModelBundle.open(bundle))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("SHA-256 of schema.json is")
                .hasMessageContaining("the bundle was modified or damaged after training");
    }

    @Test
    void aMissingFileIsDetected() throws IOException {
        Files.delete(bundle.resolve("metrics.json"));

        assertThatThrownBy(() -> ModelBundle.open(bundle))
                .hasMessageContaining("metrics.json is listed in bundle.json but missing");
    }

    @Test
    void aDirectoryWithoutManifestIsNotABundle() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));

        assertThatThrownBy(() -> ModelBundle.open(empty))
                .hasMessageContaining("is not a model bundle: it has no bundle.json");
    }

    @Test
    void aJavaSerializedModelIsRefused() throws IOException {
        Path model = bundle.resolve("model.tribuo");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(List.of("not a model")));
        }
        Files.write(model, bytes.toByteArray());
        ModelBundle opened = rehash(bundle);

        assertThatThrownBy(opened::loadModel)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is a Java-serialized object, not Tribuo's protobuf format")
                .hasMessageContaining("can run arbitrary code");
    }

    @Test
    void nestedJavaSerializationOnlyCreatesAllowListedClasses() throws Exception {
        // A LibLinear model's protobuf nests a Java-serialized de.bwaldvogel.liblinear.Model. Swap it for another
        // class: loading must refuse it rather than instantiate it.
        Path model = bundle.resolve("model.tribuo");
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        LibLinearModelProto inner = proto.getSerializedData().unpack(LibLinearModelProto.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.net.URL("http://127.0.0.1/"));
        }
        LibLinearModelProto evil = inner.toBuilder().setModels(0, ByteString.copyFrom(bytes.toByteArray())).build();
        Files.write(model, proto.toBuilder().setSerializedData(Any.pack(evil)).build().toByteArray());
        ModelBundle opened = rehash(bundle);

        assertThatThrownBy(opened::loadModel)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.tribuo");
        // The genuine LibLinear bundle still loads through the same allow-list.
        assertThat(ModelBundle.open(train(Algorithm.LIBLINEAR, "again")).loadModel()).isNotNull();
    }

    @Test
    void bundlesAreReadableByOtherUsers() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)))
                .isEqualTo("rwxr-xr-x");
    }

    /** Re-records the hashes after a deliberate edit, so the test reaches the loader's own checks. */
    private static ModelBundle rehash(Path bundle) throws IOException {
        Path manifest = bundle.resolve("bundle.json");
        BundleManifest m = io.jenkins.plugins.modelops.Json.MAPPER.readValue(manifest.toFile(), BundleManifest.class);
        m.files().put("model.tribuo", io.jenkins.plugins.modelops.Digests.sha256(bundle.resolve("model.tribuo")));
        io.jenkins.plugins.modelops.Json.MAPPER.writeValue(manifest.toFile(), m);
        return ModelBundle.open(bundle);
    }
}
