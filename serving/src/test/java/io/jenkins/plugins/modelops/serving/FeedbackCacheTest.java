package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded by size and by time (a stepped clock, no sleeping); an id answers once. */
class FeedbackCacheTest {

    private static final Predictor.Result SETOSA = new Predictor.Result("setosa", new double[] {1, 0, 0}, Double.NaN);

    @Test
    void oldestEntriesGoWhenFull() {
        FeedbackCache cache = new FeedbackCache(3, 1_000, () -> 0);
        for (int i = 0; i < 5; i++) {
            cache.put("id" + i, SETOSA);
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.take("id0")).isNull();
        assertThat(cache.take("id1")).isNull();
        assertThat(cache.take("id4")).isSameAs(SETOSA);
    }

    @Test
    void entriesExpireAfterTheTtl() {
        AtomicLong now = new AtomicLong(0);
        FeedbackCache cache = new FeedbackCache(100, 1_000, now::get);
        cache.put("early", SETOSA);
        now.set(600);
        cache.put("late", SETOSA);
        now.set(1_000);
        assertThat(cache.take("early")).isNull();
        assertThat(cache.take("late")).isSameAs(SETOSA);
        now.set(1_700);
        cache.put("later", SETOSA);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anIdAnswersOnce() {
        FeedbackCache cache = new FeedbackCache(10, 1_000, () -> 0);
        cache.put("id", SETOSA);
        assertThat(cache.take("id")).isSameAs(SETOSA);
        assertThat(cache.take("id")).isNull();
    }

    @Test
    void sizeZeroKeepsNothing() {
        FeedbackCache cache = new FeedbackCache(0, 1_000, () -> 0);
        cache.put("id", SETOSA);
        assertThat(cache.take("id")).isNull();
    }
}
