package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Feedback moves the gate's metrics: with a token, only requests that present it may send it. */
class FeedbackAccessTest {

    private static final String TOKEN = "s3cr3t-feedback-token-0123456789";
    private static TestServer iris;

    @BeforeAll
    static void start() throws Exception {
        iris = new TestServer(ServerConfig.of(TestBundles.iris()).withRequestLogSample(1)
                .withFeedbackAccess(Secret.of("test", TOKEN + "\n"), false));
    }

    @AfterAll
    static void stop() {
        iris.close();
    }

    private TestServer.Reply feedback(String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(iris.uri("/v1/models/iris/feedback"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return iris.send(request.build());
    }

    private String predictionId() throws Exception {
        return iris.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}").json()
                .get("predictions").get(0).get("id").asText();
    }

    @Test
    void withATokenFeedbackNeedsItAsABearerHeader() throws Exception {
        String v = iris.server.modelVersion();
        String correct = "modelops_feedback_total{model=\"iris\",outcome=\"correct\",source=\"label\",version=\"" + v + "\"}";
        String unauthorized = "modelops_requests_total{code=\"401\",model=\"iris\",protocol=\"feedback\",version=\"" + v + "\"}";
        double correctBefore = iris.metric(correct);
        double unauthorizedBefore = iris.metric(unauthorized);
        String id = predictionId();
        String body = "{\"id\": \"" + id + "\", \"label\": \"setosa\"}";

        TestServer.Reply without = feedback(body, null);
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.response().headers().firstValue("WWW-Authenticate")).contains(FeedbackAccess.CHALLENGE);
        assertThat(without.error()).contains("Authorization: Bearer", "--feedback-token-file", "MODELOPS_FEEDBACK_TOKEN");
        // Refused before its body was read: the connection closes, so no client reuses it and waits in vain.
        assertThat(without.response().headers().firstValue("Connection")).contains("close");
        TestServer.Reply wrong = feedback(body, "Bearer " + TOKEN + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertThat(feedback(body, "Basic " + TOKEN).status()).isEqualTo(401);
        assertThat(feedback(body, TOKEN).status()).isEqualTo(401);
        // The evaluate form (probe traffic) moves the same metrics: the same rule.
        assertThat(feedback("{\"instances\": [" + InferenceApiTest.SETOSA + "], \"labels\": [\"setosa\"]}", null)
                .status()).isEqualTo(401);
        assertThat(iris.metric(correct)).isEqualTo(correctBefore);
        assertThat(iris.metric(unauthorized)).isEqualTo(unauthorizedBefore + 5);

        // Refused attempts did not use the id up; the scheme is case-insensitive (RFC 7235).
        TestServer.Reply ok = feedback(body, "bearer " + TOKEN);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.response().headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(iris.metric(correct)).isEqualTo(correctBefore + 1);
        JsonNode evaluated = feedback("{\"instances\": [" + InferenceApiTest.SETOSA + "], \"labels\": [\"setosa\"]}",
                "Bearer " + TOKEN).json();
        assertThat(evaluated.get("correct").asInt()).isEqualTo(1);
        // Every request was logged (sample 1): the token never.
        assertThat(iris.logText()).contains("\"status\":401").doesNotContain(TOKEN);
    }

    @Test
    void predictionsNeedNoToken() throws Exception {
        assertThat(iris.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + "]}").status())
                .isEqualTo(200);
    }

    @Test
    void withoutATokenANonLoopbackServerRefusesFeedbackUnlessOpen() {
        ServerConfig anyAddress = new ServerConfig(TestBundles.iris(), "0.0.0.0", 8080, null, null, null, null,
                java.time.Duration.ofSeconds(1), 1024, false, 10, java.time.Duration.ofSeconds(10), 0, false, 4, null, false, null,
                java.time.Duration.ofSeconds(10), 64, -1, 0, 0.001, "stable");
        // Decided without binding 0.0.0.0: tests listen on 127.0.0.1 only.
        assertThatThrownBy(() -> new FeedbackAccess(anyAddress).check(null))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(403))
                .hasMessageContaining("listens on 0.0.0.0 without a feedback token")
                .hasMessageContaining("--feedback-token-file FILE or MODELOPS_FEEDBACK_TOKEN")
                .hasMessageContaining("--open-feedback");
        new FeedbackAccess(anyAddress.withFeedbackAccess(null, true)).check(null);
        new FeedbackAccess(anyAddress.withFeedbackAccess(Secret.of("test", TOKEN), false)).check("Bearer " + TOKEN);
        for (String loopback : new String[] {"127.0.0.1", "localhost", "::1"}) {
            ServerConfig local = new ServerConfig(TestBundles.iris(), loopback, 8080, null, null, null, null,
                    java.time.Duration.ofSeconds(1), 1024, false, 10, java.time.Duration.ofSeconds(10), 0, false, 4, null, false, null,
                java.time.Duration.ofSeconds(10), 64, -1, 0, 0.001, "stable");
            new FeedbackAccess(local).check(null);
        }
        assertThat(FeedbackAccess.loopback("0.0.0.0")).isFalse();
        assertThat(FeedbackAccess.loopback("::")).isFalse();
        assertThat(FeedbackAccess.loopback("192.0.2.1")).isFalse();
    }

    @Test
    void aSecretIsNeverShownAndMustNotBeGuessable() {
        Secret secret = Secret.of("test", TOKEN);
        assertThat(secret).hasToString("[secret]");
        assertThat(ServerConfig.of(TestBundles.iris()).withFeedbackAccess(secret, false).toString()).doesNotContain(TOKEN);
        assertThat(secret.matches(TOKEN)).isTrue();
        assertThat(secret.matches(TOKEN.substring(1))).isFalse();
        assertThat(secret.matches("")).isFalse();
        assertThatThrownBy(() -> Secret.of("MODELOPS_FEEDBACK_TOKEN", "short"))
                .hasMessage("MODELOPS_FEEDBACK_TOKEN holds only 5 bytes; a secret needs at least 16 (e.g. openssl rand -hex 32)");
        assertThatThrownBy(() -> Secret.of("--feedback-token-file t", "\n"))
                .hasMessageContaining("--feedback-token-file t holds nothing");
    }
}
