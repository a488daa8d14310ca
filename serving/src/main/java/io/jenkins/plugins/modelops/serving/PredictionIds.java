package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Counts each answered prediction by class and keeps it for feedback, handing out the ids that name it. */
final class PredictionIds {

    private final ServingMetrics metrics;
    private final FeedbackCache feedback;

    PredictionIds(ServingMetrics metrics, FeedbackCache feedback) {
        this.metrics = metrics;
        this.feedback = feedback;
    }

    /** Counts the predictions and keeps them for feedback; returns their ids. */
    FeedbackCache.Ids remember(Predictor predictor, Predictions results) {
        if (predictor.classification()) {
            // One counter update per class and request, not per row.
            int[] perClass = new int[predictor.classes().size()];
            for (int i = 0; i < results.size(); i++) {
                perClass[results.labelIndex(i)]++;
            }
            for (int c = 0; c < perClass.length; c++) {
                if (perClass[c] > 0) {
                    metrics.predictions(predictor.classes().get(c), perClass[c]);
                }
            }
        }
        return feedback.put(results);
    }

    /**
     * Writes prediction ids {@code from} to {@code to}, each a JSON string. An id is a UUID, a dash and digits:
     * nothing to escape, so each is written as pre-encoded UTF-8 from one buffer per call; for a v2 batch of
     * thousands, building and escaping strings had cost more than predicting.
     */
    static void write(JsonGenerator out, FeedbackCache.Ids ids, int from, int to) throws IOException {
        if (ids.count() == 1) {
            out.writeString(ids.base());
            return;
        }
        byte[] base = ids.base().getBytes(StandardCharsets.US_ASCII);
        byte[] text = Arrays.copyOf(base, base.length + 11);
        text[base.length] = '-';
        for (int i = from; i < to; i++) {
            int end = base.length + 1 + digits(i);
            for (int v = i, at = end - 1; at > base.length; v /= 10, at--) {
                text[at] = (byte) ('0' + v % 10);
            }
            out.writeRawUTF8String(text, 0, end);
        }
    }

    private static int digits(int v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }
}
