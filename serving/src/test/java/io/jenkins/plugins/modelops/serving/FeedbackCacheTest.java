package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded by predictions held and by time (a stepped clock, no sleeping); an id answers once. */
class FeedbackCacheTest {

    private static final Predictor.Result SETOSA = new Predictor.Result("setosa", new double[] {1, 0, 0}, Double.NaN);
    private static final Predictor.Result VIRGINICA = new Predictor.Result("virginica", new double[] {0, 0, 1}, Double.NaN);

    @Test
    void oldestRequestsGoWhenFull() {
        FeedbackCache cache = new FeedbackCache(3, 1_000, () -> 0);
        FeedbackCache.Ids first = cache.put(List.of(SETOSA));
        FeedbackCache.Ids second = cache.put(List.of(SETOSA, VIRGINICA));
        assertThat(cache.size()).isEqualTo(3);
        FeedbackCache.Ids third = cache.put(List.of(VIRGINICA));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.take(first.get(0))).isNull();
        assertThat(cache.take(second.get(1))).isSameAs(VIRGINICA);
        assertThat(cache.take(third.get(0))).isSameAs(VIRGINICA);
    }

    @Test
    void aRequestLargerThanTheCacheKeepsItsOwnPredictions() {
        FeedbackCache cache = new FeedbackCache(3, 1_000, () -> 0);
        FeedbackCache.Ids small = cache.put(List.of(SETOSA));
        FeedbackCache.Ids large = cache.put(List.of(SETOSA, VIRGINICA, SETOSA, VIRGINICA, SETOSA));

        assertThat(cache.take(small.get(0))).isNull();
        assertThat(cache.take(large.get(3))).isSameAs(VIRGINICA);
        cache.put(List.of(SETOSA));
        assertThat(cache.take(large.get(4))).as("evicted by the next request, as the oldest").isNull();
    }

    @Test
    void idsOfABatchShareTheRequestsUuid() {
        FeedbackCache cache = new FeedbackCache(100, 1_000, () -> 0);
        String single = cache.put(List.of(SETOSA)).get(0);
        FeedbackCache.Ids batch = cache.put(List.of(SETOSA, VIRGINICA, SETOSA));
        assertThat(single).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(batch.get(1)).isEqualTo(batch.get(0).substring(0, 36) + "-1");
        assertThat(cache.take(batch.get(1))).isSameAs(VIRGINICA);
        assertThat(cache.take(batch.get(1))).isNull();
        assertThat(cache.take(batch.get(0).substring(0, 36))).as("a bare UUID is not a batch member").isNull();
        assertThat(cache.take(batch.get(0).substring(0, 36) + "-3")).isNull();
        assertThat(cache.take(batch.get(0).substring(0, 36) + "-02")).as("one spelling per id").isNull();
        assertThat(cache.take(batch.get(0).substring(0, 36) + "-+2")).isNull();
        assertThat(cache.take(single + "-0")).isNull();
        assertThat(cache.take("not-an-id")).isNull();
        assertThat(cache.take(batch.get(0))).isSameAs(SETOSA);
        assertThat(cache.take(batch.get(2))).isSameAs(SETOSA);
        assertThat(cache.size()).as("a fully answered batch is gone").isEqualTo(1);
    }

    @Test
    void entriesExpireAfterTheTtl() {
        AtomicLong now = new AtomicLong(0);
        FeedbackCache cache = new FeedbackCache(100, 1_000, now::get);
        String early = cache.put(List.of(SETOSA)).get(0);
        now.set(600);
        String late = cache.put(List.of(SETOSA)).get(0);
        now.set(1_000);
        assertThat(cache.take(early)).isNull();
        assertThat(cache.take(late)).isSameAs(SETOSA);
        now.set(1_700);
        cache.put(List.of(SETOSA));
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anIdAnswersOnce() {
        FeedbackCache cache = new FeedbackCache(10, 1_000, () -> 0);
        String id = cache.put(List.of(SETOSA)).get(0);
        assertThat(cache.take(id)).isSameAs(SETOSA);
        assertThat(cache.take(id)).isNull();
    }

    @Test
    void sizeZeroKeepsNothing() {
        FeedbackCache cache = new FeedbackCache(0, 1_000, () -> 0);
        String id = cache.put(List.of(SETOSA)).get(0);
        assertThat(cache.take(id)).isNull();
    }

    @Test
    void largeCachesSpreadOverSegmentsAndStayBounded() {
        FeedbackCache cache = new FeedbackCache(10_000, 1_000_000, () -> 0);
        for (int i = 0; i < 5_000; i++) {
            cache.put(List.of(SETOSA, VIRGINICA, SETOSA, VIRGINICA));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(10_000).isGreaterThan(9_000);
    }
}
