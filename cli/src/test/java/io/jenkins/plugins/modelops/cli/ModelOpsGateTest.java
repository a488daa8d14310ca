package io.jenkins.plugins.modelops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.PushgatewayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code modelops gate} end to end: a local deployment, probe traffic through the evaluate form, a real Prometheus
 * scraping the server, and the gate's verdict and action: a good model passes; a model trained on shuffled labels
 * fails on accuracy and is rolled back to the good one.
 */
class ModelOpsGateTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean probing = new AtomicBoolean(true);
    private Thread probe;
    private PrometheusServer prometheus;

    @AfterEach
    void stop() throws Exception {
        probing.set(false);
        try {
            if (probe != null) {
                probe.join(10_000);
            }
            if (prometheus != null) {
                prometheus.close();
            }
        } finally { // the servers must not outlive the test
            if (LocalDeploy.status(dir.resolve("state"), "iris").isPresent()) {
                LocalDeploy.undeploy(dir.resolve("state"), "iris", Progress.silent());
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelOps.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aGoodModelPassesAndAModelOnShuffledLabelsFailsAndIsRolledBack() throws Exception {
        Path iris = LiveModel.iris();
        Path good = dir.resolve("good");
        assertThat(cli("train", "--data", iris.toString(), "--label", "species", "--out", good.toString()).code())
                .isZero();
        Path shuffledData = shuffledLabels(iris);
        Path bad = dir.resolve("bad");
        assertThat(cli("train", "--data", shuffledData.toString(), "--label", "species", "--out", bad.toString())
                .code()).isZero();

        Path state = dir.resolve("state");
        LocalDeploy.Outcome deployed = LocalDeploy.run(new LocalDeploy.Request(good, "iris", 0, state,
                LocalDeploy.Strategy.ROLLING, Duration.ofMinutes(2)), Progress.silent());
        String url = deployed.url();
        prometheus = PrometheusServer.start(List.of(url.substring("http://".length())))
                .awaitReady(Duration.ofSeconds(30));
        String token = Files.readString(deployed.tokenFile()).strip();
        probe = new Thread(() -> probe(url, token, iris), "probe");
        probe.start();

        Run pass = cli("gate", "--name", "iris", "--prometheus", prometheus.url().toString(), "--gate",
                "accuracy>=0.9", "--gate", "latencyP99<=1s", "--gate", "errorRate<=5%", "--window", "20s",
                "--interval", "5s", "--min-samples", "50", "--local", "--state-dir", state.toString(), "--json");
        assertThat(pass.code()).as(pass.err()).isZero();
        JsonNode verdict = Json.MAPPER.readTree(pass.out());
        assertThat(verdict.path("verdict").asText()).isEqualTo("PASS");
        JsonNode last = verdict.path("state").path("rounds").get(3).path("measurements").get(0);
        assertThat(last.path("decision").asText()).isEqualTo("PASS");
        assertThat(last.path("value").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(last.path("samples").asLong()).isGreaterThanOrEqualTo(50);
        assertThat(last.path("query").asText()).contains("modelops_feedback_total{model=\"iris\"");

        // The good version's rules, then the bad version's (a looser gate): the rollback must bring back the first.
        Path rulesFile = prometheus.rulesDir().resolve("modelops-iris.yml");
        assertThat(cli("rules", "--name", "iris", "--gate", "accuracy>=0.9", "--register", prometheus.url().toString(),
                "--rules-dir", prometheus.rulesDir().toString()).code()).isZero();
        String goodRules = Files.readString(rulesFile);
        assertThat(cli("rules", "--name", "iris", "--gate", "accuracy>=0.5", "--register", prometheus.url().toString(),
                "--rules-dir", prometheus.rulesDir().toString()).code()).isZero();
        assertThat(rulesFile).content().isNotEqualTo(goodRules);

        LocalDeploy.run(new LocalDeploy.Request(bad, "iris", 0, state, LocalDeploy.Strategy.ROLLING,
                Duration.ofMinutes(2)), Progress.silent());
        String badVersion = ModelBundle.open(bad).manifest().shortId();
        Run fail;
        try (PushgatewayServer gateway = PushgatewayServer.start()) {
            fail = cli("gate", "--name", "iris", "--version", badVersion, "--prometheus", prometheus.url().toString(),
                    "--gate", "accuracy>=0.9", "--window", "30s", "--interval", "5s", "--min-samples", "50",
                    "--local", "--state-dir", state.toString(), "--rules-dir", prometheus.rulesDir().toString(),
                    "--pushgateway", gateway.url().toString());
            // the rolled-back version's lifecycle status, with the gate's reason (the ModelRolledBack alert's cause)
            assertThat(gateway.series("modelops_model_status", "version=\"" + badVersion + "\"", " 1"))
                    .singleElement().asString().contains("status=\"rolled_back\"");
            assertThat(gateway.series("modelops_model_status_cause", "version=\"" + badVersion + "\"", " 1"))
                    .singleElement().asString().contains("the gate's verdict FAIL: accuracy>=0.9 failed 1 time");
        }
        assertThat(fail.code()).as(fail.out() + fail.err()).isEqualTo(ModelOps.REJECTED);
        assertThat(fail.out()).startsWith("FAIL iris: accuracy>=0.9 failed 1 time (failure limit 0); last: ");
        assertThat(fail.err()).contains("rollback iris: revision 1 serves again at " + url);
        assertThat(LocalDeploy.status(state, "iris").orElseThrow().stable().modelId())
                .isEqualTo(ModelBundle.open(good).manifest().modelId());
        assertThat(fail.err()).contains("Rule group modelops-iris is back as it was before the rolled-back version");
        assertThat(rulesFile).hasContent(goodRules);
    }

    @Test
    void withoutPrometheusTheGateScrapesTheLocalDeploymentItself() throws Exception {
        Path iris = LiveModel.iris();
        Path good = dir.resolve("good");
        assertThat(cli("train", "--data", iris.toString(), "--label", "species", "--out", good.toString()).code())
                .isZero();
        Path state = dir.resolve("state");
        LocalDeploy.Outcome deployed = LocalDeploy.run(new LocalDeploy.Request(good, "iris", 0, state,
                LocalDeploy.Strategy.ROLLING, Duration.ofMinutes(2)), Progress.silent());
        // The gate's own probe (the deployment's token, found in its state) is the only traffic.
        Run pass = cli("gate", "--name", "iris", "--gate", "accuracy>=0.9", "--window", "15s", "--interval", "5s",
                "--min-samples", "50", "--source", "probe", "--local", "--state-dir", state.toString(), "--probe",
                iris.toString(), "--probe-rate", "100");
        assertThat(pass.code()).as(pass.err()).isZero();
        assertThat(pass.err()).contains("No --prometheus: the gate scrapes [" + deployed.url() + "] itself");
        assertThat(pass.out()).startsWith("PASS iris: every condition passed");

        Path rules = dir.resolve("rules.yml");
        Path dashboard = dir.resolve("dashboard.json");
        Run written = cli("rules", "--name", "iris", "--gate", "accuracy>=0.9", "--gate", "latencyP99<=50ms",
                "--out", rules.toString(), "--dashboard", dashboard.toString());
        assertThat(written.code()).as(written.err()).isZero();
        assertThat(io.jenkins.plugins.modelops.monitor.testsupport.Promtool.run(dir, "check", "rules", "rules.yml")
                .exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(dashboard.toFile()).path("panels").size()).isPositive();
        Run alerts = cli("gate", "--name", "iris", "--gate", "alerts==0", "--window", "10s", "--interval", "5s",
                "--local", "--state-dir", state.toString());
        assertThat(alerts.code()).isEqualTo(ModelOps.BAD_INPUT);
        assertThat(alerts.err()).contains("alerts");
    }

    /** Held-out style probe: every row of iris with its label, 10 a request, until stopped. */
    private void probe(String url, String token, Path iris) {
        try {
            List<String> rows = Files.readAllLines(iris).subList(1, 151);
            int at = 0;
            while (probing.get()) {
                StringBuilder instances = new StringBuilder();
                StringBuilder labels = new StringBuilder();
                for (int i = 0; i < 10; i++, at = (at + 1) % rows.size()) {
                    String[] f = rows.get(at).split(",");
                    instances.append(i == 0 ? "" : ",").append(String.format("{\"sepal_length\":%s,\"sepal_width\":%s,"
                            + "\"petal_length\":%s,\"petal_width\":%s}", f[0], f[1], f[2], f[3]));
                    labels.append(i == 0 ? "" : ",").append('"').append(f[4]).append('"');
                }
                String body = "{\"instances\":[" + instances + "],\"labels\":[" + labels + "]}";
                // Clients' own predictions beside the probe: the latency signal is measured on inference requests.
                try {
                    http.send(HttpRequest.newBuilder(URI.create(url + "/v1/models/iris:predict"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"instances\":[" + instances + "]}")).build(),
                            HttpResponse.BodyHandlers.discarding());
                } catch (java.io.IOException e) {
                    // replaced meanwhile
                }
                try {
                    http.send(HttpRequest.newBuilder(URI.create(url + "/v1/models/iris/feedback"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.discarding());
                } catch (java.io.IOException e) {
                    // the server is being replaced (a rollout): the next request goes to the new one
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path shuffledLabels(Path iris) throws Exception {
        List<String> lines = Files.readAllLines(iris);
        List<String> labels = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            labels.add(line.substring(line.lastIndexOf(',') + 1));
        }
        Collections.shuffle(labels, new Random(7));
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            out.add(line.substring(0, line.lastIndexOf(',') + 1) + labels.get(i - 1));
        }
        Path file = dir.resolve("iris-shuffled.csv");
        Files.write(file, out);
        return file;
    }

}
