package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The track label: on modelops_model_info, and on no other family, whose series users' dashboards match. */
class ServingMetricsTest {

    private static String exposition(ServingMetrics metrics) throws Exception {
        return new String(metrics.scrape("text/plain; version=0.0.4").body(), StandardCharsets.UTF_8);
    }

    @Test
    void aCanaryIsToldApartByTheTrackLabelOfModelInfoOnly() throws Exception {
        ServingMetrics metrics = new ServingMetrics("iris", "v1", "id", "logistic", "classification", "canary");
        metrics.kernel("linear");
        metrics.request("v2", 200);
        metrics.duration(1_000_000);
        metrics.predictions("setosa", 3);
        metrics.feedback(true, ServingMetrics.FeedbackSource.LABEL);
        metrics.kernelCheck(false);
        String text = exposition(metrics);

        assertThat(text).contains("modelops_model_info{algorithm=\"logistic\",kernel=\"linear\",model=\"iris\","
                + "model_id=\"id\",task=\"classification\",track=\"canary\",version=\"v1\"} 1")
                .as("one series: the loading one went with its kernel").doesNotContain("kernel=\"loading\"");
        List<String> others = Arrays.stream(text.split("\n"))
                .filter(line -> line.startsWith("modelops_") && !line.startsWith("modelops_model_info")).toList();
        assertThat(others).as("the other families' series").isNotEmpty().noneMatch(line -> line.contains("track="));
        assertThat(others).contains("modelops_requests_total{code=\"200\",model=\"iris\",protocol=\"v2\",version=\"v1\"} 1.0");
    }

    @Test
    void aStablePodSaysSoWhileItsModelLoads() throws Exception {
        ServingMetrics metrics = new ServingMetrics("iris", "v1", "id", "sgd", "regression", "stable");
        assertThat(exposition(metrics)).contains("modelops_model_info{algorithm=\"sgd\",kernel=\"loading\",model=\"iris\","
                + "model_id=\"id\",task=\"regression\",track=\"stable\",version=\"v1\"} 1");
    }
}
