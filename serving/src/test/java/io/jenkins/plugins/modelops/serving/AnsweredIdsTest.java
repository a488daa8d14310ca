package io.jenkins.plugins.modelops.serving;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An id answers once; the set is bounded by count and drops answers whose ids have expired (a given clock). */
class AnsweredIdsTest {

    private static AnsweredIds.Key key(long nonce, int row) {
        return new AnsweredIds.Key(nonce, row);
    }

    @Test
    void anIdAnswersOnceAndRowsOfARequestAreApart() {
        AnsweredIds answered = new AnsweredIds(10);
        assertThat(answered.firstAnswer(key(7, 0), 1_000, 0)).isTrue();
        assertThat(answered.firstAnswer(key(7, 0), 1_000, 1)).isFalse();
        assertThat(answered.firstAnswer(key(7, 1), 1_000, 1)).isTrue();
        assertThat(answered.firstAnswer(key(8, 0), 1_000, 1)).isTrue();
        assertThat(answered.size()).isEqualTo(3);
    }

    @Test
    void theOldestAnswersGoWhenFull() {
        AnsweredIds answered = new AnsweredIds(3);
        for (int row = 0; row < 4; row++) {
            assertThat(answered.firstAnswer(key(1, row), 1_000, 0)).isTrue();
        }
        assertThat(answered.size()).isEqualTo(3);
        // The documented limit of per-process replay protection: pushed out before it expired, it answers again.
        assertThat(answered.firstAnswer(key(1, 0), 1_000, 0)).isTrue();
        assertThat(answered.firstAnswer(key(1, 3), 1_000, 0)).isFalse();
    }

    @Test
    void expiredAnswersAreDropped() {
        AnsweredIds answered = new AnsweredIds(100);
        answered.firstAnswer(key(1, 0), 1_000, 0);
        answered.firstAnswer(key(2, 0), 1_600, 600);
        answered.firstAnswer(key(3, 0), 2_700, 1_700);
        assertThat(answered.size()).isEqualTo(1);
    }

    @Test
    void largeSetsSpreadOverSegmentsAndStayBounded() {
        AnsweredIds answered = new AnsweredIds(10_000);
        for (int i = 0; i < 20_000; i++) {
            answered.firstAnswer(key(i, i % 4), 1_000_000, 0);
        }
        assertThat(answered.size()).isLessThanOrEqualTo(10_000).isGreaterThan(9_000);
    }
}
