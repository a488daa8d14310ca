package io.jenkins.plugins.modelops.monitor.testsupport;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.serving.JsonLog;
import io.jenkins.plugins.modelops.serving.ModelServer;
import io.jenkins.plugins.modelops.serving.Secret;
import io.jenkins.plugins.modelops.serving.ServerConfig;
import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Real model servers in-process on a free port of 127.0.0.1, serving bundles trained once per test JVM from the
 * repository's examples (as serving's own tests do).
 */
public final class ModelServers {

    private static Path root;

    private ModelServers() {
    }

    /** Iris, logistic regression: 4 numeric features, classes setosa, versicolor, virginica. */
    public static synchronized Path iris() {
        return train("iris", "iris.csv", DataSpec.of("species"), Algorithm.LOGISTIC);
    }

    /** Course satisfaction, regression (sgd): categorical and numeric features, missing values imputed. */
    public static synchronized Path courses() {
        return train("courses", "course-satisfaction.csv", DataSpec.of("satisfaction")
                .withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN), Algorithm.SGD);
    }

    /** A server on 127.0.0.1 (feedback open to loopback clients), or with {@code token} required for feedback. */
    public static Running start(Path bundle, String token) throws Exception {
        ServerConfig config = ServerConfig.of(bundle).withPort(0);
        if (token != null) {
            config = config.withFeedbackAccess(Secret.of("test token", token), false);
        }
        return start(config);
    }

    /** Bound to every address (0.0.0.0) without a token: the server then refuses feedback with 403. */
    public static ServerConfig onEveryAddress(Path bundle) {
        ServerConfig c = ServerConfig.of(bundle);
        return new ServerConfig(c.bundle(), "0.0.0.0", 0, c.name(), c.version(), c.tlsCert(), c.tlsKey(),
                c.shutdownGrace(), c.maxBodyBytes(), c.strict(), c.feedbackCacheSize(), c.feedbackTtl(),
                c.requestLogSample(), c.noopEndpoint(), c.maxThreads(), c.feedbackToken(), c.openFeedback(), c.idKey(),
                c.readTimeout(), c.maxConcurrentRequests(), c.adminPort(), c.maxRows(), c.kernelCheckRate(), c.track());
    }

    public static Running start(ServerConfig config) throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        ModelServer server = ModelServer.start(config, new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8)));
        return new Running(server, logs);
    }

    /** A started server and its JSON log. */
    public record Running(ModelServer server, ByteArrayOutputStream logs) implements AutoCloseable {

        public URI url() {
            return server.baseUri();
        }

        /** {@code 127.0.0.1:PORT}, a Prometheus scrape target. */
        public String target() {
            return url().getHost() + ":" + url().getPort();
        }

        public String name() {
            return server.modelName();
        }

        public String log() {
            return logs.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    public static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    private static Path train(String name, String data, DataSpec spec, Algorithm algorithm) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("modelops-monitor-bundles");
                root.toFile().deleteOnExit();
            }
            Path out = root.resolve(name);
            if (!Files.isDirectory(out)) {
                TrainModel.run(new TrainModel.Request(TrainingConfig.of(example(data), spec).withAlgorithm(algorithm),
                        out, Optional.empty(), List.of()), Progress.silent());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
