package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SyncPolicyTest {
    private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");
    private final SyncPolicy p = SyncPolicy.DEFAULT;

    private static SyncPolicy.Inputs in(Instant lastCommit, int unpushed, Instant lastAttempt, int failures,
                                        Instant lastUse, boolean open, boolean problem) {
        return new SyncPolicy.Inputs(lastCommit, unpushed, lastAttempt, failures, lastUse, open, problem);
    }

    @Test
    void aCommitIsPushedOneDebounceAfterIt() {
        SyncPolicy.Decision d = p.next(T, in(T, 1, null, 0, T, false, false));
        assertThat(d.at()).isEqualTo(T.plusSeconds(1));
        assertThat(p.next(T.plusSeconds(5), in(T, 1, null, 0, T, false, false)).at()).isEqualTo(T.plusSeconds(5));
    }

    @Test
    void anActiveWorkspaceFetchesEveryIntervalAndAnInactiveOneRests() {
        Instant last = T.minusSeconds(1);
        assertThat(p.next(T, in(null, 0, last, 0, T, true, false)).at()).isEqualTo(last.plusSeconds(3));
        // used 31 minutes ago: nothing to do
        assertThat(p.next(T, in(null, 0, last, 0, T.minus(Duration.ofMinutes(31)), true, false)).isIdle()).isTrue();
        // no open incident and no use since the last attempt: nothing to do either
        assertThat(p.next(T, in(null, 0, last, 0, last.minusSeconds(1), false, false)).isIdle()).isTrue();
        assertThat(p.hasWork(T, in(null, 0, last, 0, last.minusSeconds(1), false, false))).isFalse();
        assertThat(p.hasWork(T, in(null, 2, last, 0, last.minusSeconds(1), false, false))).isTrue();
    }

    @Test
    void aUseSinceTheLastAttemptIsCaughtUpWithOneFetchEvenWithNoOpenIncident() {
        Instant last = T.minusSeconds(1);
        // a teammate's first command in a quiet clone: one fetch (an incident declared elsewhere may arrive)
        assertThat(p.next(T, in(null, 0, last, 0, T, false, false)).at()).isEqualTo(last.plusSeconds(3));
        assertThat(p.next(T, in(null, 0, null, 0, T, false, false)).at()).isEqualTo(T);
        assertThat(p.hasWork(T, in(null, 0, last, 0, T, false, false))).isTrue();
        // once that fetch is done (the attempt after the use), the quiet clone rests
        Instant after = T.plusSeconds(3);
        assertThat(p.next(after, in(null, 0, after, 0, T, false, false)).isIdle()).isTrue();
        assertThat(p.hasWork(after, in(null, 0, after, 0, T, false, false))).isFalse();
    }

    @Test
    void failuresBackOffExponentiallyUpToAMinute() {
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoff(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.backoff(100)).isEqualTo(Duration.ofSeconds(60));
        Instant attempt = T.minusSeconds(1);
        assertThat(p.next(T, in(T.minusSeconds(30), 1, attempt, 4, T, true, false)).at())
                .isEqualTo(attempt.plusSeconds(8));
    }

    @Test
    void aProblemThatNeedsAPersonIsNeverRetriedByTheClock() {
        SyncPolicy.Inputs i = in(T, 3, T.minusSeconds(100), 0, T, true, true);
        assertThat(p.next(T.plusSeconds(3600), i).isIdle()).isTrue();
        assertThat(p.hasWork(T, i)).isFalse();
    }
}
