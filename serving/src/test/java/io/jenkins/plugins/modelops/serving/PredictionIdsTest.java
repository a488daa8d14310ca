package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Self-contained, signed prediction ids: any replica with the key scores them; forged 400, expired 404. */
class PredictionIdsTest {

    private static final Secret KEY = Secret.of("test", "a-key-the-replicas-share-0123456789");
    private static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

    private static Predictions predictions(int... classes) {
        Predictions results = Predictions.of(CLASSES, classes.length);
        for (int i = 0; i < classes.length; i++) {
            double[] scores = new double[3];
            scores[classes[i]] = 1;
            results.set(i, classes[i], scores);
        }
        return results;
    }

    private static PredictionIds ids(Secret key, String version, AtomicLong clock) {
        ServingMetrics metrics = new ServingMetrics("iris", version, "model-id", "logistic", "classification", "stable");
        return new PredictionIds(metrics, key, "iris", version, "model-id", 60_000, 100, clock::get);
    }

    private static HttpError refusal(PredictionIds ids, String id) {
        try {
            ids.take(id);
        } catch (HttpError e) {
            return e;
        }
        throw new AssertionError("accepted " + id);
    }

    @Test
    void anyReplicaWithTheKeyScoresAnIdOnceAndOthersRefuseIt() {
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        PredictionIds maker = ids(KEY, "v1", clock);
        PredictionIds.Batch batch = maker.sign(predictions(0, 2, 1), true);
        assertThat(batch.id(0)).hasSize(PredictionIds.LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(batch.id(1)).isNotEqualTo(batch.id(0));

        PredictionIds replica = ids(KEY, "v1", clock);
        assertThat(replica.take(batch.id(1)).classIndex()).isEqualTo(2);
        assertThat(refusal(replica, batch.id(1))).satisfies(e -> assertThat(e.status).isEqualTo(404))
                .hasMessageContaining("already has feedback");
        assertThat(maker.take(batch.id(2)).classIndex()).isEqualTo(1);
        assertThat(maker.take(batch.id(0)).classIndex()).isEqualTo(0);

        HttpError otherKey = refusal(ids(Secret.of("test", "another-key-0123456789abcdef"), "v1", clock), batch.id(0));
        assertThat(otherKey.status).isEqualTo(400);
        assertThat(otherKey).hasMessageContaining("forged or damaged").hasMessageContaining("--id-key-file");
        assertThat(refusal(ids(null, "v1", clock), batch.id(0)).status).as("a per-process key").isEqualTo(400);
        HttpError otherVersion = refusal(ids(KEY, "v2", clock), batch.id(0));
        assertThat(otherVersion.status).isEqualTo(404);
        assertThat(otherVersion).hasMessageContaining("another model or version");
    }

    @Test
    void aRegressionIdCarriesTheExactValue() {
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        PredictionIds ids = ids(KEY, "v1", clock);
        Predictions values = Predictions.of(List.of(), 2);
        values.set(0, 3.25);
        values.set(1, -0.1);
        PredictionIds.Batch batch = ids.sign(values, false);
        assertThat(ids.take(batch.id(1)).value()).isEqualTo(-0.1);
        assertThat(ids.take(batch.id(0)).value()).isEqualTo(3.25);
    }

    @Test
    void anIdExpiresAfterTheTtl() {
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        PredictionIds ids = ids(KEY, "v1", clock);
        PredictionIds.Batch batch = ids.sign(predictions(0, 1), true);
        clock.addAndGet(59_999);
        assertThat(ids.take(batch.id(0)).classIndex()).isZero();
        clock.addAndGet(1);
        HttpError expired = refusal(ids, batch.id(1));
        assertThat(expired.status).isEqualTo(404);
        assertThat(expired).hasMessageContaining("has expired: ids accept feedback for 60 s");
    }

    @Test
    void anyChangedByteIsAForgery() {
        AtomicLong clock = new AtomicLong(1_800_000_000_000L);
        PredictionIds ids = ids(KEY, "v1", clock);
        String id = ids.sign(predictions(0), true).id(0);
        byte[] bytes = Base64.getUrlDecoder().decode(id);
        for (int i = 1; i < bytes.length; i++) { // the prediction, the time, the row, the model, the tag
            byte[] changed = bytes.clone();
            changed[i] ^= 1;
            HttpError forged = refusal(ids, Base64.getUrlEncoder().withoutPadding().encodeToString(changed));
            assertThat(forged.status).as("byte " + i).isEqualTo(400);
        }
        for (String notAnId : new String[] {"nope", "", id + "A", id.substring(1), id.replace(id.charAt(5), '!'),
                "123e4567-e89b-42d3-a456-426614174000"}) {
            HttpError refused = refusal(ids, notAnId);
            assertThat(refused.status).as(notAnId).isEqualTo(400);
        }
        assertThat(ids.take(id).classIndex()).as("refusals do not use the id up").isZero();
    }

    @Test
    void twoServersSharingAKeyScoreEachOthersPredictions() throws Exception {
        ServerConfig config = ServerConfig.of(TestBundles.iris()).withIdKey(KEY);
        try (TestServer a = new TestServer(config); TestServer b = new TestServer(config);
                TestServer alone = TestServer.of(TestBundles.iris())) {
            JsonNode predictions = a.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA
                    + ", " + InferenceApiTest.VIRGINICA + "]}").json().get("predictions");
            String setosa = predictions.get(0).get("id").asText();
            String virginica = predictions.get(1).get("id").asText();
            TestServer.Reply onB = b.post("/v1/models/iris/feedback", "{\"id\": \"" + virginica + "\", \"label\": \"virginica\"}");
            assertThat(onB.status()).as(onB.body()).isEqualTo(200);
            assertThat(onB.json().get("predicted").asText()).isEqualTo("virginica");
            assertThat(onB.json().get("outcome").asText()).isEqualTo("correct");
            assertThat(b.post("/v1/models/iris/feedback", "{\"id\": \"" + virginica + "\", \"label\": \"virginica\"}")
                    .status()).isEqualTo(404);
            String v2 = TestServer.output(b.post("/v2/models/iris/infer", "{\"inputs\": [{\"name\": \"x\", \"datatype\": "
                    + "\"FP64\", \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}").json(), "prediction_ids")
                    .get("data").get(0).asText();
            assertThat(a.post("/v1/models/iris/feedback", "{\"id\": \"" + v2 + "\", \"label\": \"versicolor\"}").json()
                    .get("outcome").asText()).isEqualTo("incorrect");
            // A server with its own per-process key cannot tell the id from a forgery.
            TestServer.Reply foreign = alone.post("/v1/models/iris/feedback", "{\"id\": \"" + setosa + "\", \"label\": \"setosa\"}");
            assertThat(foreign.status()).isEqualTo(400);
            assertThat(foreign.error()).contains("forged or damaged");
        }
    }
}
