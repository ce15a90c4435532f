package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DrillTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static Drill.Inject say(int k, String after) {
        return new Drill.Inject(k, Cadence.parseDuration(after), Drill.Kind.SAY, null, null, "Support", "hi " + k,
                List.of(), 0);
    }

    private static Drill.Inject reveal(int k, String... words) {
        return new Drill.Inject(k, Duration.ofMinutes(5), Drill.Kind.REVEAL, null, null, null, "answer " + k,
                List.of(words), 0);
    }

    private static Drill.Scenario scenario(Drill.Inject... injects) {
        return new Drill.Scenario("s", "S", "SEV-2", null, null, List.of(injects), Drill.Expect.NONE, "d");
    }

    @Test
    void injectsFallDueAtTheirOffsetDividedByTheSpeedAndRevealsWaitToBeAsked() {
        Drill.Scenario sc = scenario(say(0, "1m"), say(1, "10m"), reveal(2, "deploy"));
        Drill.State s = new Drill.State("drills/s.yaml", "d", 10, null, T0, List.of(), null);
        assertThat(Drill.due(sc, s, T0.plusSeconds(5))).isEmpty();
        assertThat(Drill.due(sc, s, T0.plusSeconds(6))).extracting(Drill.Inject::index).containsExactly(0);
        assertThat(Drill.due(sc, s, T0.plusSeconds(600))).extracting(Drill.Inject::index).containsExactly(0, 1);
        Drill.State delivered = s.deliver(List.of(0));
        assertThat(Drill.due(sc, delivered, T0.plusSeconds(600))).extracting(Drill.Inject::index).containsExactly(1);
        assertThat(Drill.due(sc, delivered.end(T0.plusSeconds(1)), T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void aSeedMovesOffsetsByAtMostATenthTheSameWayEachTime() {
        Drill.Inject x = say(3, "10m");
        Duration a = Drill.offset(x, 7L);
        assertThat(Drill.offset(x, 7L)).isEqualTo(a);
        assertThat(a).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));
        assertThat(Drill.offset(x, null)).isEqualTo(Duration.ofMinutes(10));
        assertThat(List.of(1L, 2L, 3L, 4L).stream().map(seed -> Drill.offset(x, seed)).distinct().count())
                .isGreaterThan(1);
    }

    @Test
    void aQuestionGetsTheRevealSharingMostWordsAndAPhraseNeedsAllItsWords() {
        Drill.Scenario sc = scenario(reveal(0, "deploy", "release"), reveal(1, "status page", "provider"));
        Drill.State s = new Drill.State("drills/s.yaml", "d", 1, null, T0, List.of(), null);
        assertThat(Drill.answer(sc, s, "What was in the last RELEASE?").index()).isZero();
        assertThat(Drill.answer(sc, s, "does the provider have a status page").index()).isEqualTo(1);
        assertThat(Drill.answer(sc, s, "is there a status")).isNull();
        assertThat(Drill.answer(sc, s, "what time is it")).isNull();
    }
}
