package io.jenkins.plugins.modelops.serving;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prediction ids that had their feedback, so that an id answers once: at most {@code capacity} of them, each
 * until its prediction expires. Prediction ids are self-contained and signed ({@link PredictionIds}), so this is all
 * the state feedback needs, and it is per process: with several replicas, an id answered on one can be answered again
 * on another, and on the same one once {@code capacity} later answers have pushed it out before it expired.
 *
 * <p>Every feedback request passes through here, so large sets are split into segments by hash, each an
 * insertion-ordered map under its own lock.
 */
public final class AnsweredIds {

    private static final int SEGMENTS = 16;

    private final Segment[] segments;

    /** An answered prediction: its request's nonce and its row. */
    record Key(long nonce, int row) {
    }

    public AnsweredIds(int capacity) {
        int count = capacity >= SEGMENTS * 256 ? SEGMENTS : 1;
        segments = new Segment[count];
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(capacity / count + (i < capacity % count ? 1 : 0));
        }
    }

    /**
     * Records the answer for {@code key}, whose prediction expires at {@code expiresAt} (clock of {@code now});
     * false if it was already answered.
     */
    boolean firstAnswer(Key key, long expiresAt, long now) {
        // Mixed, since the rows of one request differ in their low bits only.
        long mixed = (key.nonce() ^ key.row() * 0x9E3779B97F4A7C15L) * 0x9E3779B97F4A7C15L;
        Segment segment = segments.length == 1 ? segments[0] : segments[(int) (mixed >>> 60) % segments.length];
        return segment.add(key, expiresAt, now);
    }

    /** Answers remembered. */
    public int size() {
        int size = 0;
        for (Segment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    private static final class Segment {
        private final int capacity;
        private final LinkedHashMap<Key, Long> answered = new LinkedHashMap<>();

        Segment(int capacity) {
            this.capacity = capacity;
        }

        synchronized boolean add(Key key, long expiresAt, long now) {
            if (answered.putIfAbsent(key, expiresAt) != null) {
                return false;
            }
            // Drop expired answers from the head (nobody can send them again: their ids are refused as expired),
            // then the oldest over capacity. Answers come roughly in expiry order; one out of order waits its turn.
            Iterator<Map.Entry<Key, Long>> it = answered.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Key, Long> head = it.next();
                if (head.getKey() != key && (answered.size() > capacity || head.getValue() - now <= 0)) {
                    it.remove();
                } else {
                    break;
                }
            }
            return true;
        }

        synchronized int size() {
            return answered.size();
        }
    }
}
