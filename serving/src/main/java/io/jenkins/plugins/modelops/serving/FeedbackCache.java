package io.jenkins.plugins.modelops.serving;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Predictions waiting for their ground truth, by prediction id: at most {@code capacity} entries (the oldest go
 * first), each for {@code ttlNanos}. An id answers one feedback: {@link #take} removes it.
 */
public final class FeedbackCache {

    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    private record Entry(Predictor.Result result, long expiresAt) {
    }

    /** @param clock nanoseconds, {@link System#nanoTime} in the server; tests pass their own to step time */
    public FeedbackCache(int capacity, long ttlNanos, LongSupplier clock) {
        this.capacity = capacity;
        this.ttlNanos = ttlNanos;
        this.clock = clock;
    }

    public void put(String id, Predictor.Result result) {
        if (capacity == 0) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (entries) {
            entries.put(id, new Entry(result, now + ttlNanos));
            // Insertion order is expiry order: drop expired entries from the head, then the oldest over capacity.
            Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Entry> head = it.next();
                if (entries.size() > capacity || head.getValue().expiresAt - now <= 0) {
                    it.remove();
                } else {
                    break;
                }
            }
        }
    }

    /** The prediction for {@code id} and forgets it, or null if it is unknown, expired or already answered. */
    public Predictor.Result take(String id) {
        long now = clock.getAsLong();
        Entry entry;
        synchronized (entries) {
            entry = entries.remove(id);
        }
        return entry == null || entry.expiresAt - now <= 0 ? null : entry.result;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
