package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChecksTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final IrConfig CONFIG = new IrConfig("SEV-3", List.of(new IrConfig.Severity("SEV-1", "", true),
            new IrConfig.Severity("SEV-3", "", false)), List.of(new IrConfig.Role("commander", "IC", "", false)),
            List.of("investigating", "resolved"), List.of("SEV-1"));

    private static Incident incident() {
        TimelineEvent declared = new TimelineEvent("e1", T0, "a", TimelineEvent.DECLARED, "x", false, Map.of());
        return Incident.declare("2026-11-27-x", "X", "SEV-3", "investigating", false, T0, declared);
    }

    @Test
    void milestonesOutOfOrderAreAFindingWithoutADueTime() {
        Incident i = incident().withTime(Milestone.STARTED, T0.plusSeconds(600))
                .withTime(Milestone.MITIGATED, T0.plusSeconds(300));
        List<Checks.Finding> f = Checks.due(i, CONFIG, T0.plusSeconds(900));
        assertThat(f).extracting(Checks.Finding::rule).containsExactly(Checks.MILESTONES);
        assertThat(f.get(0).dueSince()).isNull();
        assertThat(f.get(0).message()).startsWith("milestones out of order: ");
    }

    @Test
    void businessDaysSkipTheWeekend() {
        assertThat(Checks.plusBusinessDays(Instant.parse("2026-11-27T10:00:00Z"), 5))
                .isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
        assertThat(Checks.plusBusinessDays(Instant.parse("2026-11-28T10:00:00Z"), 1))
                .isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    }

    @Test
    void recordedFindsTheUpdateEventsAChangeAdded() {
        Incident before = incident();
        TimelineEvent u = Updates.event("e2", T0, "a", Updates.PUBLIC, Updates.INITIAL, null, "text");
        TimelineEvent note = new TimelineEvent("e3", T0, "a", TimelineEvent.NOTE, "n", false, Map.of());
        Incident after = before.withEvent(u).withEvent(note);
        assertThat(Updates.recorded(before, after)).containsExactly(u);
        assertThat(Updates.recorded(after, after)).isEmpty();
        assertThat(Updates.isUpdate(u)).isTrue();
        assertThat(Updates.isUpdate(note)).isFalse();
    }

    @Test
    void publicKindFollowsTheState() {
        Incident i = incident();
        assertThat(Updates.publicKind(i, CONFIG)).isEqualTo(Updates.INITIAL);
        i = i.withEvent(Updates.event("e2", T0, "a", Updates.PUBLIC, Updates.INITIAL, null, "t"));
        assertThat(Updates.publicKind(i, CONFIG)).isEqualTo(Updates.UPDATE);
        assertThat(Updates.publicKind(i.withStatus("identified"), CONFIG)).isEqualTo(Updates.SCOPING);
        assertThat(Updates.publicKind(i.withStatus("resolved"), CONFIG)).isEqualTo(Updates.RESOLUTION);
    }

    @Test
    void durationsParse() {
        assertThat(Cadence.parseDuration("1h30m")).isEqualTo(java.time.Duration.ofMinutes(90));
        assertThat(Cadence.parseDuration("20m")).isEqualTo(java.time.Duration.ofMinutes(20));
        assertThat(Cadence.parseDuration("soon")).isNull();
        assertThat(Cadence.parseDuration("")).isNull();
    }
}
