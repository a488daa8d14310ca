package io.jenkins.plugins.modelops.serving;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.CsvTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz tests of the request decoders (v1 JSON, v2 JSON, v2 binary) and the training engine's CSV reader: whatever the
 * bytes, the answer is a 4xx ({@link HttpError}) or bad input ({@link InvalidInputException}), never another
 * exception (a 500). Every build runs the seeds in {@code src/test/resources/.../RequestFuzzTestInputs/} and the
 * empty input; {@code ./mvnw -Pfuzz -pl serving -am verify -Dtest='RequestFuzzTest#v2Binary'} fuzzes one target for
 * real for up to 5 minutes (Jazzer fuzzes one target a run; its working corpus goes to serving/.cifuzz-corpus, not
 * committed). A crash found is written beside the seeds: a regression test from then on, as
 * {@code v2Binary/crash-utf32-detected-invalid-char} is (Jackson detected UTF-32 from the first bytes, then met a
 * character beyond Unicode: a 500 until Bodies answered it 400). 60 s of each target on 2 December 2026 found nothing
 * else (1.3-1.6 million inputs a JSON target, with Jackson instrumented).
 */
class RequestFuzzTest {

    /** A model with categorical and imputed numeric features (courses) and an all-numeric one (iris). */
    private static final LoadedModel COURSES = LoadedModel.of(Predictor.load(ModelBundle.open(TestBundles.courses())),
            false, 10_000);
    private static final LoadedModel IRIS = LoadedModel.of(Predictor.load(ModelBundle.open(TestBundles.iris())),
            true, 10_000);

    private static void decode(Runnable decoder) {
        try {
            decoder.run();
        } catch (HttpError e) {
            if (e.status < 400 || e.status >= 500) {
                throw new AssertionError("a decoder answered " + e.status + ": " + e.getMessage(), e);
            }
        } catch (InvalidInputException e) {
            // bad input, said as such
        }
    }

    @FuzzTest(maxDuration = "5m")
    void v1Json(FuzzedDataProvider data) {
        LoadedModel model = data.consumeBoolean() ? IRIS : COURSES;
        byte[] body = data.consumeRemainingAsBytes();
        decode(() -> {
            JsonNode root = Bodies.json(Bodies.nonEmpty(body));
            java.util.List<double[]> rows = model.requests().instances(root, "instances");
            OutputCheck.finite(model.predictor(), rows, model.predictor().predict(rows), row -> "instances[" + row + "]");
        });
    }

    @FuzzTest(maxDuration = "5m")
    void v2Json(FuzzedDataProvider data) {
        LoadedModel model = data.consumeBoolean() ? IRIS : COURSES;
        byte[] body = data.consumeRemainingAsBytes();
        decode(() -> {
            V2Protocol.Body parsed = V2Protocol.parse(Bodies.nonEmpty(body), null);
            model.predictor().predict(model.requests().inputs(parsed.root(), parsed.binary()));
        });
    }

    @FuzzTest(maxDuration = "5m")
    void v2Binary(FuzzedDataProvider data) {
        LoadedModel model = data.consumeBoolean() ? IRIS : COURSES;
        String json = data.consumeString(2_000);
        byte[] tensors = data.consumeRemainingAsBytes();
        byte[] header = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(header.length + tensors.length).put(header).put(tensors).array();
        decode(() -> {
            V2Protocol.Body parsed = V2Protocol.parse(Bodies.nonEmpty(body), Integer.toString(header.length));
            model.predictor().predict(model.requests().inputs(parsed.root(), parsed.binary()));
        });
    }

    @FuzzTest(maxDuration = "5m")
    void csv(byte[] data) throws IOException {
        Path file = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(file, data);
            CsvTable.read(file);
        } catch (InvalidInputException e) {
            // bad input, said as such
        } catch (UncheckedIOException e) {
            throw new AssertionError("reading a local file failed: " + e, e);
        } finally {
            Files.delete(file);
        }
    }
}
