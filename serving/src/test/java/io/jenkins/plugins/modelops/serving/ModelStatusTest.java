package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import io.jenkins.plugins.modelops.usecase.TrainModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code modelops_model_status} on a real server: running, degraded while the window's feedback breaks the
 * bundle's blessing threshold, running again once it no longer does.
 */
class ModelStatusTest {

    private static final List<String> ROWS = List.of("[5.1, 3.5, 1.4, 0.2]", "[6.3, 3.3, 6.0, 2.5]",
            "[5.9, 3.0, 4.2, 1.5]", "[4.9, 3.0, 1.4, 0.2]", "[7.7, 2.6, 6.9, 2.3]");

    @TempDir
    Path dir;

    @Test
    void feedbackBelowTheBlessingThresholdTurnsTheModelDegradedAndRightFeedbackTurnsItBack() throws Exception {
        Path bundle = TrainModel.run(new TrainModel.Request(TrainingConfig.of(TestBundles.example("iris.csv"),
                DataSpec.of("species")), dir.resolve("iris"), Optional.empty(), List.of("accuracy>=0.9")),
                Progress.silent()).bundle().dir();
        try (TestServer server = new TestServer(ServerConfig.of(bundle).withStatusChecks(Duration.ofMinutes(10), 10))) {
            assertThat(status(server)).containsExactly("running");
            List<String> predicted = new ArrayList<>();
            for (JsonNode p : server.post("/v1/models/iris:predict", "{\"instances\": " + ROWS + "}").json()
                    .path("predictions")) {
                predicted.add(p.path("label").asText());
            }
            evaluate(server, predicted, 1); // 5 right: too few to judge
            evaluate(server, wrong(predicted), 1); // 5 right, 5 wrong: 50% on 10
            assertThat(status(server)).containsExactly("degraded");
            assertThat(scrape(server)).contains("modelops_model_status_cause{cause=\"accuracy 0.5000 on 10 feedback in "
                    + "the last 600s breaks the blessing's accuracy >= 0.9000\",model=\"iris\",status=\"degraded\"");

            evaluate(server, predicted, 8); // 45 right of 50: 90% holds
            assertThat(status(server)).containsExactly("running");
            assertThat(scrape(server)).contains("modelops_model_status_cause{cause=\"\",model=\"iris\",status=\"running\"")
                    .doesNotContain("breaks the blessing");
        }
    }

    @Test
    void aBundleBlessedOnNoFeedbackMetricStaysRunningWhateverTheFeedback() throws Exception {
        try (TestServer server = new TestServer(ServerConfig.of(TestBundles.iris()).withStatusChecks(
                Duration.ofMinutes(10), 1))) {
            evaluate(server, List.of("virginica", "setosa", "setosa", "virginica", "setosa"), 4);
            assertThat(status(server)).containsExactly("running");
        }
    }

    private static List<String> wrong(List<String> labels) {
        return labels.stream().map(l -> l.equals("setosa") ? "virginica" : "setosa").toList();
    }

    private static void evaluate(TestServer server, List<String> labels, int times) throws Exception {
        String body = "{\"instances\": " + ROWS + ", \"labels\": " + labels.stream().map(l -> "\"" + l + "\"").toList()
                + "}";
        for (int i = 0; i < times; i++) {
            assertThat(server.post("/v1/models/iris/feedback", body).status()).isEqualTo(200);
        }
    }

    private static String scrape(TestServer server) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri("/metrics")).header("Accept", "text/plain; version=0.0.4")
                .GET().build()).body();
    }

    /** The states whose series is 1; each of the seven states has a series. */
    private static List<String> status(TestServer server) throws Exception {
        List<String> current = new ArrayList<>();
        int series = 0;
        for (String line : scrape(server).split("\n")) {
            if (line.startsWith("modelops_model_status{")) {
                series++;
                if (line.endsWith(" 1.0") || line.endsWith(" 1")) {
                    current.add(line.replaceAll(".*status=\"([a-z_]+)\".*", "$1"));
                }
            }
        }
        assertThat(series).isEqualTo(7);
        return current;
    }
}
