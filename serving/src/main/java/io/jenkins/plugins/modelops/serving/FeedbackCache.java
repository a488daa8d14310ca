package io.jenkins.plugins.modelops.serving;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Predictions waiting for their ground truth, by prediction id: about {@code capacity} entries (the oldest go first),
 * each for {@code ttlNanos}. An id answers one feedback: {@link #take} removes it. Lock-free: every prediction passes
 * through here, from every request thread.
 */
public final class FeedbackCache {

    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Ids in insertion order, which is expiry order; may hold ids already taken (skipped when they come up). */
    private final Queue<Stamp> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();

    private record Entry(Predictor.Result result, long expiresAt) {
    }

    private record Stamp(String id, long expiresAt) {
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
        long expiresAt = now + ttlNanos;
        if (entries.put(id, new Entry(result, expiresAt)) == null) {
            size.incrementAndGet();
        }
        order.add(new Stamp(id, expiresAt));
        queued.incrementAndGet();
        // Drop expired entries from the head, then the oldest while over capacity.
        for (Stamp head = order.peek(); head != null; head = order.peek()) {
            if (size.get() <= capacity && head.expiresAt - now > 0) {
                break;
            }
            if (order.remove(head)) {
                queued.decrementAndGet();
                if (entries.remove(head.id) != null) {
                    size.decrementAndGet();
                }
            }
        }
        // The queue holds stamps of taken ids too; keep it from growing past the live entries by much.
        while (queued.get() > 2 * capacity + 64) {
            Stamp stale = order.poll();
            if (stale == null) {
                break;
            }
            queued.decrementAndGet();
            if (entries.remove(stale.id) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** The prediction for {@code id} and forgets it, or null if it is unknown, expired or already answered. */
    public Predictor.Result take(String id) {
        long now = clock.getAsLong();
        Entry entry = entries.remove(id);
        if (entry == null) {
            return null;
        }
        size.decrementAndGet();
        return entry.expiresAt - now <= 0 ? null : entry.result;
    }

    public int size() {
        return size.get();
    }
}
