package io.jenkins.plugins.modelops.serving;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * Predictions waiting for their ground truth: at most {@code capacity} predictions (the oldest go first), each for
 * {@code ttlNanos}. An id answers one feedback.
 *
 * <p>One entry per request, not per prediction: a request's predictions share a random UUID, and prediction
 * {@code i} of an N-row request has the id {@code UUID-i} (a single prediction: the bare UUID). A batch of 100 costs one
 * map operation. Every request thread passes through here, so large caches are split into segments by UUID hash,
 * each an insertion-ordered map under its own lock; eviction by age is per segment, which for random ids is the
 * oldest overall give or take.
 */
public final class FeedbackCache {

    private static final int SEGMENTS = 16;
    private static final int UUID_LENGTH = 36;

    private final Segment[] segments;
    private final long ttlNanos;
    private final LongSupplier clock;

    /** A request's predictions; {@code taken} marks those that had their feedback. */
    private static final class Entry {
        final List<Predictor.Result> results;
        final long expiresAt;
        BitSet taken; // made at the first feedback: most predictions never get one

        Entry(List<Predictor.Result> results, long expiresAt) {
            this.results = results;
            this.expiresAt = expiresAt;
        }
    }

    /** @param clock nanoseconds, {@link System#nanoTime} in the server; tests pass their own to step time */
    public FeedbackCache(int capacity, long ttlNanos, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.clock = clock;
        int count = capacity >= SEGMENTS * 256 ? SEGMENTS : 1;
        segments = new Segment[count];
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(capacity / count + (i < capacity % count ? 1 : 0));
        }
    }

    /**
     * The ids of one request's predictions: the base (a random UUID) for a single prediction, {@code base-i} for the
     * i-th of several. Made on demand, since a batch of thousands would otherwise build thousands of strings.
     */
    public record Ids(String base, int count) {
        public String get(int i) {
            return count == 1 ? base : base + "-" + i;
        }
    }

    /** Keeps a request's predictions for feedback; returns their ids. */
    public Ids put(List<Predictor.Result> results) {
        String base = newId();
        long now = clock.getAsLong();
        segment(base).put(base, new Entry(results, now + ttlNanos), now);
        return new Ids(base, results.size());
    }

    /** The prediction for {@code id} and marks it answered, or null if it is unknown, expired or already answered. */
    public Predictor.Result take(String id) {
        String base = id;
        int index = 0;
        if (id.length() > UUID_LENGTH + 1 && id.charAt(UUID_LENGTH) == '-') {
            base = id.substring(0, UUID_LENGTH);
            String suffix = id.substring(UUID_LENGTH + 1);
            try {
                index = Integer.parseInt(suffix);
            } catch (NumberFormatException e) {
                return null;
            }
            if (!suffix.equals(Integer.toString(index))) {
                return null; // one spelling per id: "UUID-05" and "UUID-+5" are not prediction 5
            }
        }
        return segment(base).take(base, index, id.length() == base.length(), clock.getAsLong());
    }

    /** Predictions held. */
    public int size() {
        int size = 0;
        for (Segment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    private Segment segment(String base) {
        return segments.length == 1 ? segments[0] : segments[(base.hashCode() & 0x7fffffff) % segments.length];
    }

    /**
     * A version-4 UUID from a per-thread DRBG: unguessable (ids authorize feedback, so ThreadLocalRandom, whose
     * state one id reveals, will not do), and uncontended (the default SecureRandom shares one lock). The DRBG fills
     * 4 KiB at a time: one call per 256 ids, since a call per id had cost a tenth of a single-row prediction.
     */
    private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private static final class RandomBytes {
        final SecureRandom random;
        final byte[] pool = new byte[4096];
        int next = pool.length;

        RandomBytes() {
            SecureRandom drbg;
            try {
                drbg = SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                drbg = new SecureRandom();
            }
            random = drbg;
        }

        long nextLong() {
            if (next == pool.length) {
                random.nextBytes(pool);
                next = 0;
            }
            long value = (long) LONGS.get(pool, next);
            next += Long.BYTES;
            return value;
        }
    }

    private static String newId() {
        RandomBytes random = RANDOM.get();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static final class Segment {
        private final int capacity;
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        /** Predictions held in this segment (the sum of the entries' sizes). */
        private int held;

        Segment(int capacity) {
            this.capacity = capacity;
        }

        synchronized void put(String base, Entry entry, long now) {
            if (capacity == 0) {
                return;
            }
            entries.put(base, entry);
            held += entry.results.size();
            // Insertion order is expiry order: drop expired entries from the head, then the oldest over capacity. The
            // new entry itself stays even if it alone is over capacity: its ids were just handed to the client.
            Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Entry head = it.next().getValue();
                if (head != entry && (held > capacity || head.expiresAt - now <= 0)) {
                    it.remove();
                    held -= head.results.size();
                } else {
                    break;
                }
            }
        }

        synchronized Predictor.Result take(String base, int index, boolean bare, long now) {
            Entry entry = entries.get(base);
            // A bare UUID names a single prediction; UUID-i names prediction i of a batch.
            if (entry == null || bare != (entry.results.size() == 1) || index < 0 || index >= entry.results.size()
                    || (entry.taken != null && entry.taken.get(index)) || entry.expiresAt - now <= 0) {
                return null;
            }
            if (entry.taken == null) {
                entry.taken = new BitSet();
            }
            entry.taken.set(index);
            if (entry.taken.cardinality() == entry.results.size()) {
                entries.remove(base);
                held -= entry.results.size();
            }
            return entry.results.get(index);
        }

        synchronized int size() {
            return held;
        }
    }
}
