package io.jenkins.plugins.modelops.deploy.image;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.TestBundles;
import io.jenkins.plugins.modelops.deploy.testsupport.RealTools;
import io.jenkins.plugins.modelops.deploy.testsupport.TestBaseImage;
import io.jenkins.plugins.modelops.deploy.testsupport.TestRegistry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every bad input of {@code modelops image} and the exact message it gets, spelled as the CLI spells flags, with the
 * test's folder written as {@code DIR}. Each is refused before anything is built, except where a registry must be
 * asked (those cases talk to a real registry, or to a port where none listens).
 */
class ImageBadInputTest {

    @TempDir
    static Path dir;

    record Case(String name, UnaryOperator<BuildImage.Request> change, Parameter parameter, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String render(InvalidInputException e) {
        return e.render(p -> p == Parameter.MODEL ? "--bundle" : "--" + p.name().toLowerCase().replace('_', '-'))
                .replace(dir.toString(), "DIR");
    }

    private static BuildImage.Request request() {
        return BuildImage.Request.of(TestBundles.iris(), "127.0.0.1:5000/iris:1", Target.tar(dir.resolve("out.tar")))
                .withBase(new BaseImage.Tar(dir.resolve("tiny.tar")));
    }

    private static BuildImage.Request xgboost(String base) {
        return BuildImage.Request.of(TestBundles.irisXgboost(), "127.0.0.1:5000/iris:1",
                Target.tar(dir.resolve("out.tar"))).withBase(new BaseImage.Tar(dir.resolve(base)));
    }

    static Stream<Case> cases() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Path upper = dir.resolve("Iris_Model");
        if (!Files.exists(upper)) {
            Files.createDirectories(upper);
            try (Stream<Path> files = Files.list(TestBundles.iris())) {
                for (Path file : files.toList()) {
                    Files.copy(file, upper.resolve(file.getFileName()));
                }
            }
        }
        Files.write(dir.resolve("junk.tar"), "x".repeat(1024).getBytes(StandardCharsets.US_ASCII));
        writeTar(dir.resolve("oci.tar"), Map.of("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", "index.json", "{}"));
        writeArchive(dir.resolve("tiny.tar"), "amd64", "etc/hostname");
        writeArchive(dir.resolve("arm.tar"), "arm64", "usr/lib/aarch64-linux-gnu/libgomp.so.1");
        String reference = "must be lower case, e.g. registry.example.com/team/iris:1 or 127.0.0.1:5000/iris:1";
        String naming = "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit";
        return Stream.of(
                new Case("image reference in upper case", r -> image(r, "Models/Iris:1"), Parameter.IMAGE,
                        "--image 'Models/Iris:1' is not an image reference: expected [REGISTRY/]REPOSITORY[:TAG] in "
                                + "lower case, e.g. registry.example.com/team/iris:1 or 127.0.0.1:5000/iris:1"),
                new Case("image reference with a digest", r -> image(r, "127.0.0.1:5000/iris@sha256:" + "0".repeat(64)),
                        Parameter.IMAGE, "--image '127.0.0.1:5000/iris@sha256:" + "0".repeat(64) + "' names a digest; "
                                + "name a tag instead (the build computes the digest)"),
                new Case("no image", r -> image(r, " "), Parameter.IMAGE,
                        "--image is missing: name the image to build, e.g. registry.example.com/team/iris:1"),
                new Case("no bundle there", r -> bundle(r, dir.resolve("none")), Parameter.MODEL,
                        "--bundle DIR/none: no such model bundle directory"),
                new Case("a directory that is no bundle", r -> bundle(r, dir.resolve("empty")), Parameter.MODEL,
                        "--bundle DIR/empty is not a model bundle: it has no bundle.json (bundles are written by "
                                + "trainModel / modelops train)"),
                new Case("a name that is no DNS label", r -> r.withName("Iris_1"), Parameter.NAME,
                        "--name 'Iris_1' is not a valid deployment name: " + naming),
                new Case("a bundle directory whose name is no DNS label", r -> bundle(r, upper), Parameter.NAME,
                        "the bundle directory's name 'Iris_Model' is not a valid deployment name (at most 63 lower-case "
                                + "letters, digits and '-', starting and ending with a letter or digit): pass --name "
                                + "iris-model"),
                new Case("a tarball in a missing directory", r -> target(r, Target.tar(dir.resolve("missing/x.tar"))),
                        Parameter.TAR, "--tar DIR/missing/x.tar: the directory DIR/missing does not exist"),
                new Case("a tarball that is a directory", r -> target(r, Target.tar(dir)), Parameter.TAR,
                        "--tar DIR is a directory; name the tarball to write, e.g. DIR/image.tar"),
                new Case("no base tarball there", r -> r.withBase(new BaseImage.Tar(dir.resolve("none.tar"))),
                        Parameter.BASE_IMAGE, "--base-image tar://DIR/none.tar: no such file"),
                new Case("a base tarball that is no tar", r -> r.withBase(new BaseImage.Tar(dir.resolve("junk.tar"))),
                        Parameter.BASE_IMAGE, "--base-image tar://DIR/junk.tar cannot be read as a docker-archive "
                                + "tarball (docker save writes one): not a tar archive (bad header checksum)"),
                new Case("an OCI layout as base", r -> r.withBase(new BaseImage.Tar(dir.resolve("oci.tar"))),
                        Parameter.BASE_IMAGE, "--base-image tar://DIR/oci.tar is an OCI image layout, not a "
                                + "docker-archive (convert it, e.g. skopeo copy oci:DIR docker-archive:FILE.tar)"),
                new Case("an XGBoost model on a base without libgomp", r -> xgboost("tiny.tar"), Parameter.BASE_IMAGE,
                        "--base-image tar://DIR/tiny.tar has no libgomp.so.1 (GNU OpenMP), which XGBoost's native "
                                + "library needs to load: install the libgomp1 package in the base, or use a base "
                                + "that has it"),
                new Case("an XGBoost model on an arm64 base", r -> xgboost("arm.tar"), Parameter.BASE_IMAGE,
                        "--base-image tar://DIR/arm.tar is linux/arm64, but an XGBoost model's image is linux/amd64 "
                                + "only (XGBoost's native library in it is built for linux/amd64): use a linux/amd64 "
                                + "base"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithAnExactMessage(Case c) {
        assertThatThrownBy(() -> BuildImage.run(c.change().apply(request()), Progress.silent()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(render(e)).isEqualTo(c.expected());
                    assertThat(e.parameter()).contains(c.parameter());
                });
        assertThat(dir.resolve("out.tar")).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).noneMatch(p -> p.getFileName().toString().endsWith(".part"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void baseImageReferencesAreCheckedWhenParsed() {
        assertThat(BaseImage.parse(null)).isEqualTo(new BaseImage.Registry("eclipse-temurin:17-jre"));
        assertThat(BaseImage.parse("tar:///x/base.tar")).isEqualTo(new BaseImage.Tar(Path.of("/x/base.tar")));
        assertThat(BaseImage.parse("docker://jre:17")).isEqualTo(new BaseImage.Docker("jre:17"));
        assertThat(BaseImage.parse("127.0.0.1:5000/base/jre:17")).isEqualTo(
                new BaseImage.Registry("127.0.0.1:5000/base/jre:17"));
        assertThatThrownBy(() -> BaseImage.parse("Eclipse-Temurin:17"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).isEqualTo(
                        "--base-image 'Eclipse-Temurin:17' is not an image reference: expected "
                                + "[REGISTRY/]REPOSITORY[:TAG] in lower case, e.g. registry.example.com/team/iris:1 or "
                                + "127.0.0.1:5000/iris:1"));
        assertThatThrownBy(() -> BaseImage.parse("docker://Bad Name"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).startsWith(
                        "--base-image 'docker://Bad Name' is not an image reference"));
        assertThatThrownBy(() -> BaseImage.parse("tar://"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).isEqualTo(
                        "--base-image 'tar://' names no file: expected tar://PATH of a docker-archive tarball "
                                + "(docker save)"));
    }

    @Test
    void anUnreachableRegistryIsNamed() {
        int port = RealTools.freePort();
        BuildImage.Request request = BuildImage.Request.of(TestBundles.iris(), "127.0.0.1:" + port + "/iris:1",
                Target.registry()).withBase(new BaseImage.Tar(TestBaseImage.tarball()));
        assertThatThrownBy(() -> BuildImage.run(request, Progress.silent()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).isEqualTo(
                        "registry 127.0.0.1:" + port + " is unreachable (connection refused): check the address in "
                                + "--image and that the registry is running"));
    }

    @Test
    void plainHttpToARegistryNotOnLoopbackNeedsInsecure() {
        // "vm"-like names resolve to 127.0.0.1 here, but are not loopback by name: the rule users elsewhere meet.
        String host = java.net.InetAddress.getLoopbackAddress().getHostAddress();
        try (TestRegistry registry = TestRegistry.start()) {
            String alias = aliasOf(host);
            BuildImage.Request request = BuildImage.Request.of(TestBundles.iris(), alias + ":" + registry.port()
                    + "/iris:1", Target.registry()).withBase(new BaseImage.Tar(TestBaseImage.tarball()));
            assertThatThrownBy(() -> BuildImage.run(request, Progress.silent()))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(render(e)).isEqualTo("registry " + alias + ":" + registry.port() + " does not "
                                + "answer over HTTPS with a trusted certificate, and plain HTTP is allowed only for a "
                                + "loopback registry or with --insecure: pass --insecure if the registry is meant to "
                                + "be used over plain HTTP");
                        assertThat(e.parameter()).contains(Parameter.INSECURE);
                    });
            BuildImage.Outcome outcome = BuildImage.run(request.withInsecure(true), Progress.silent());
            assertThat(registry.manifest("iris", "1").digest()).isEqualTo(outcome.digest());
        }
    }

    @Test
    void aRegistryThatNeedsALoginSaysSoAndWrongCredentialsAreNamed() {
        String htpasswd = "modelops:$2a$04$gMMhBjN8FTEbOV43nh2voOw.R02skf2TK8yJDLiO9j/OCAUY6IXiG\n"; // s3cret
        try (TestRegistry registry = TestRegistry.start(htpasswd)) {
            BuildImage.Request request = BuildImage.Request.of(TestBundles.iris(), registry.host() + "/iris:1",
                    Target.registry()).withBase(new BaseImage.Tar(TestBaseImage.tarball()));
            assertThatThrownBy(() -> BuildImage.run(request, Progress.silent()))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).isEqualTo(
                            "registry " + registry.host() + "/iris requires a login: give a registry username and "
                                    + "password"));
            assertThatThrownBy(() -> BuildImage.run(request.withCredentials(
                    new RegistryCredentials("modelops", "wrong")), Progress.silent()))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(render(e)).isEqualTo(
                            "registry " + registry.host() + "/iris refused the credentials given (username "
                                    + "'modelops'): check the registry username and password"));
            java.util.List<String> log = new java.util.ArrayList<>();
            BuildImage.Outcome outcome = BuildImage.run(request.withCredentials(
                    new RegistryCredentials("modelops", "s3cret")), log::add);
            assertThat(outcome.layers()).hasSize(4); // read back from the registry, logged in
            assertThat(String.join("\n", log)).doesNotContain("s3cret");
        }
    }

    @Test
    void credentialsAreNeverSentOverPlainHttp() {
        try (TestRegistry registry = TestRegistry.start()) {
            BuildImage.Request request = BuildImage.Request.of(TestBundles.iris(), registry.host() + "/iris:1",
                    Target.registry()).withBase(new BaseImage.Tar(TestBaseImage.tarball()))
                    .withCredentials(new RegistryCredentials("modelops", "s3cret"));
            // A registry without auth never asks, so the push works and nothing is sent.
            assertThat(BuildImage.run(request, Progress.silent()).digest()).startsWith("sha256:");
            assertThat(request.credentials().orElseThrow().toString()).doesNotContain("s3cret");
        }
    }

    /** A name of this machine that resolves to loopback but is not one by name (its hostname, here). */
    private static String aliasOf(String loopback) {
        try {
            String hostname = java.net.InetAddress.getLocalHost().getHostName();
            for (java.net.InetAddress address : java.net.InetAddress.getAllByName(hostname)) {
                if (address.getHostAddress().equals(loopback) && !ImageNames.loopback(hostname)) {
                    return hostname;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        throw new IllegalStateException("this test needs a host name resolving to " + loopback
                + " (add one to /etc/hosts, e.g. '127.0.0.1 modelops-registry')");
    }

    private static BuildImage.Request image(BuildImage.Request r, String image) {
        return new BuildImage.Request(r.bundle(), image, r.base(), r.target(), r.name(), r.insecure(), r.credentials(),
                r.buildUrl(), r.revision(), r.source());
    }

    private static BuildImage.Request bundle(BuildImage.Request r, Path bundle) {
        return new BuildImage.Request(bundle, r.image(), r.base(), r.target(), r.name(), r.insecure(), r.credentials(),
                r.buildUrl(), r.revision(), r.source());
    }

    private static BuildImage.Request target(BuildImage.Request r, Target target) {
        return new BuildImage.Request(r.bundle(), r.image(), r.base(), target, r.name(), r.insecure(), r.credentials(),
                r.buildUrl(), r.revision(), r.source());
    }

    /** A docker-archive of one layer holding {@code file}, for the platform {@code architecture}. */
    private static void writeArchive(Path tar, String architecture, String file) throws IOException {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(layer)) {
            TarArchiveEntry entry = new TarArchiveEntry(file);
            entry.setSize(1);
            out.putArchiveEntry(entry);
            out.write('x');
            out.closeArchiveEntry();
        }
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("layer.tar", layer.toByteArray());
        files.put("config.json", "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                + "\"layers\",\"diff_ids\":[]}}");
        files.put("manifest.json", "[{\"Config\":\"config.json\",\"RepoTags\":[\"tiny:1\"],\"Layers\":[\"layer.tar\"]}]");
        writeTar(tar, files);
    }

    private static void writeTar(Path tar, Map<String, ?> files) throws IOException {
        try (OutputStream file = Files.newOutputStream(tar); TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            for (Map.Entry<String, ?> f : files.entrySet()) {
                byte[] bytes = f.getValue() instanceof byte[] b ? b : f.getValue().toString().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(bytes.length);
                out.putArchiveEntry(entry);
                out.write(bytes);
                out.closeArchiveEntry();
            }
        }
    }
}
