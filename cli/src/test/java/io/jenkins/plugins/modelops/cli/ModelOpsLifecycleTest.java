package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.monitor.prometheus.FiringAlert;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusConfig;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.RuleFiles;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.PushgatewayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle status of {@code modelops train} and {@code modelops deploy --local} with {@code --pushgateway}: a
 * real Pushgateway on 127.0.0.1, and a real Prometheus scraping it that evaluates the model's generated rules.
 */
class ModelOpsLifecycleTest {

    private static final String STATUS = "modelops_model_status";

    @TempDir
    Path dir;

    @AfterEach
    void undeploy() {
        if (Files.isDirectory(dir.resolve("state").resolve("iris"))) {
            run(new StringWriter(), "undeploy", "--local", "--name", "iris", "--state-dir", dir.resolve("state").toString());
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Writer errSink, String... args) {
        StringWriter out = new StringWriter();
        int code = ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(errSink, true));
        return new Run(code, out.toString(), errSink.toString());
    }

    private String[] train(String pushgateway, String label) {
        return new String[] {"train", "--data", LiveModel.iris().toString(), "--label", label, "--out",
                dir.resolve("iris").toString(), "--pushgateway", pushgateway};
    }

    private Run deploy(String bundle, int port, PushgatewayServer gateway) {
        return run(new StringWriter(), "deploy", "--local", "--bundle", dir.resolve(bundle).toString(), "--name", "iris",
                "--state-dir", dir.resolve("state").toString(), "--timeout", "2m", "--port", Integer.toString(port),
                "--pushgateway", gateway.url().toString());
    }

    @Test
    void aTrainingRunIsTrainingWhileItTrainsThenTrainedThenRunningAfterALocalDeploy() throws Exception {
        try (PushgatewayServer gateway = PushgatewayServer.start()) {
            // The first line training writes to stderr comes after its first push: what the gateway holds then.
            List<String> whileTraining = new ArrayList<>();
            Writer err = new StringWriter() {
                @Override
                public void write(String text, int off, int len) {
                    if (whileTraining.isEmpty() && getBuffer().isEmpty()) {
                        try {
                            whileTraining.addAll(gateway.series(STATUS, "model=\"iris\"", " 1"));
                        } catch (Exception e) {
                            whileTraining.add(e.toString());
                        }
                    }
                    super.write(text, off, len);
                }
            };
            Run trained = run(err, train(gateway.url().toString(), "species"));
            assertThat(trained.code()).as(trained.err()).isZero();
            assertThat(whileTraining).singleElement().asString().contains("status=\"training\"", "version=\"none\"");

            String version = version(trained);
            assertThat(version).matches("[0-9a-f]{12}");
            assertThat(gateway.series(STATUS, "model=\"iris\"", " 1")).singleElement().asString()
                    .contains("status=\"trained\"", "version=\"" + version + "\"");
            assertThat(gateway.series(STATUS, "version=\"none\"")).as("the run's 'none' is gone").isEmpty();
            assertThat(gateway.series("modelops_training_rows", "model=\"iris\"")).singleElement().asString()
                    .endsWith(" 150");
            assertThat(gateway.series("modelops_training_test_metric", "metric=\"accuracy\"")).hasSize(1);

            Run deployed = deploy("iris", 0, gateway);
            assertThat(deployed.code()).as(deployed.err()).isZero();
            assertThat(gateway.series(STATUS, "model=\"iris\"", " 1")).singleElement().asString()
                    .contains("status=\"running\"", "version=\"" + version + "\"");
            assertThat(gateway.series("modelops_training_rows", "model=\"iris\"")).as("kept beside the status")
                    .hasSize(1);
        }
    }

    @Test
    void aRevisionThatIsUndoneIsRolledBackWithItsReasonAndThePreviousVersionRunsAgain() throws Exception {
        try (PushgatewayServer gateway = PushgatewayServer.start()) {
            String first = version(run(new StringWriter(), "train", "--data", LiveModel.iris().toString(), "--label",
                    "species", "--seed", "1", "--out", dir.resolve("iris").toString()));
            String second = version(run(new StringWriter(), "train", "--data", LiveModel.iris().toString(), "--label",
                    "species", "--seed", "2", "--out", dir.resolve("iris-2").toString()));
            assertThat(second).isNotEqualTo(first);
            assertThat(deploy("iris", 0, gateway).code()).isZero();
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Run undone = deploy("iris-2", taken.getLocalPort(), gateway);
                assertThat(undone.code()).as(undone.err()).isEqualTo(ModelOps.REJECTED);
            }
            assertThat(gateway.series(STATUS, "model=\"iris\"", " 1")).hasSize(2)
                    .anySatisfy(l -> assertThat(l).contains("status=\"rolled_back\"", "version=\"" + second + "\""))
                    .anySatisfy(l -> assertThat(l).contains("status=\"running\"", "version=\"" + first + "\""));
            assertThat(gateway.series("modelops_model_status_cause", "version=\"" + second + "\"")).singleElement()
                    .asString().contains("status=\"rolled_back\"", "the server exited during start-up");
        }
    }

    private static String version(Run trained) {
        assertThat(trained.code()).as(trained.err()).isZero();
        return trained.out().replaceAll("(?s)^model ([0-9a-f]{12}) .*", "$1");
    }

    @Test
    void aFailingTrainingRunIsTrainingFailedUnderNoneAndFiresTheAlertWithItsCause() throws Exception {
        try (PushgatewayServer gateway = PushgatewayServer.start();
             PrometheusServer prometheus = PrometheusServer.start(List.of(gateway.target()), true)) {
            Files.writeString(prometheus.rulesDir().resolve("iris.yml"), RuleFiles.ruleFile(AlertRules.generate(
                    new AlertRules.Request("iris", null, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5), null,
                            null, 20))));
            prometheus.awaitReady(Duration.ofSeconds(30));
            PrometheusClient client = PrometheusClient.connect(PrometheusConfig.of(prometheus.url()));
            client.reload();

            Run failed = run(new StringWriter(), train(gateway.url().toString(), "no_such_column"));
            assertThat(failed.code()).as(failed.err()).isEqualTo(ModelOps.BAD_INPUT);
            assertThat(gateway.series(STATUS, "model=\"iris\"", " 1")).singleElement().asString()
                    .contains("status=\"training_failed\"", "version=\"none\"");

            FiringAlert alert = awaitFiring(client, "ModelTrainingFailed", Duration.ofSeconds(60));
            assertThat(alert.labels()).containsEntry("model", "iris").containsEntry("version", "none")
                    .containsEntry("severity", "critical");
            assertThat(alert.annotations()).containsEntry("status", "training_failed")
                    .containsEntry("summary", "iris: training failed");
            assertThat(alert.annotations().get("description")).startsWith("Model iris (version none): training failed at ")
                    .contains(" UTC: ", "no_such_column").endsWith(". Fix it and train again (the build log has the rest).");
        }
    }

    @Test
    void anUnreachablePushgatewayIsAWarningAndTheTrainingSucceeds() throws Exception {
        int port = PushgatewayServer.unusedPort();
        Run trained = run(new StringWriter(), train("http://127.0.0.1:" + port, "species"));
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.err()).contains("WARNING: could not push the status training of model iris none to the "
                + "Pushgateway at http://127.0.0.1:" + port + ": Connection refused; going on without it",
                "WARNING: could not push the status trained of model iris ");
        assertThat(dir.resolve("iris").resolve("bundle.json")).isRegularFile();
    }

    @Test
    void aPushgatewayThatIsNotAnHttpUrlIsBadInputAndNothingIsWritten() {
        Run refused = run(new StringWriter(), train("ftp://gateway:9091", "species"));
        assertThat(refused.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(refused.err()).isEqualTo("error: --pushgateway 'ftp://gateway:9091' is not an http(s) URL: give the "
                + "Pushgateway's address, e.g. http://127.0.0.1:9091" + System.lineSeparator());
        assertThat(dir.resolve("iris")).doesNotExist();
    }

    private static FiringAlert awaitFiring(PrometheusClient client, String name, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<FiringAlert> firing = client.alerts().stream()
                    .filter(a -> a.name().equals(name) && a.state().equals("firing")).findFirst();
            if (firing.isPresent()) {
                return firing.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not fire within " + timeout + "; alerts: " + client.alerts());
    }
}
