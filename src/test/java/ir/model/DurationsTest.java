package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The durations {@code ir show}, the post-mortem and the stats use. */
class DurationsTest {
    private static Instant t(String hhmm) {
        return Instant.parse("2015-10-21T" + hhmm + ":00Z");
    }

    private static Incident declared(String at, String severity) {
        TimelineEvent e = new TimelineEvent("declared0001", t(at), "A", TimelineEvent.DECLARED, "x", false, Map.of());
        return Incident.declare("2015-10-21-x", "X", severity, "investigating", false, t(at), e);
    }

    private static TimelineEvent severity(String at, String from, String to) {
        return new TimelineEvent("sev" + at.replace(":", ""), t(at), "A", TimelineEvent.SEVERITY, null, false,
                Map.of("from", from, "to", to));
    }

    @Test
    void eachDurationRunsBetweenTheRightMilestones() {
        Incident i = declared("15:01", "SEV-2").withTime(Milestone.STARTED, t("14:54"))
                .withTime(Milestone.DETECTED, t("14:58")).withTime(Milestone.ACKNOWLEDGED, t("15:00"))
                .withTime(Milestone.MITIGATED, t("16:00")).withTime(Milestone.RESOLVED, t("16:30"));
        Durations d = Durations.of(i, t("17:00"));
        assertThat(d.toDetect()).isEqualTo(Duration.ofMinutes(4));
        assertThat(d.toAcknowledge()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.toMitigate()).isEqualTo(Duration.ofMinutes(66));
        assertThat(d.toResolve()).isEqualTo(Duration.ofMinutes(96));
        assertThat(d.impact()).isEqualTo(Duration.ofMinutes(66));
        assertThat(d.impactOngoing()).isFalse();
        assertThat(d.named().keySet()).containsExactly("time_to_detect", "time_to_acknowledge", "time_to_mitigate",
                "time_to_resolve", "impact_duration");
    }

    @Test
    void impactRunsToNowWhileNotMitigated() {
        Incident i = declared("15:01", "SEV-2").withTime(Milestone.STARTED, t("14:54"));
        Durations d = Durations.of(i, t("15:30"));
        assertThat(d.impact()).isEqualTo(Duration.ofMinutes(36));
        assertThat(d.impactOngoing()).isTrue();
        assertThat(d.toMitigate()).isNull();
        assertThat(d.named()).doesNotContainKey("time_to_mitigate");
    }

    @Test
    void timeAtSeverityStartsAtImpactAndEndsAtResolution() {
        Incident i = declared("15:01", "SEV-1").withTime(Milestone.STARTED, t("14:54"))
                .withTime(Milestone.RESOLVED, t("16:30"))
                .withEvent(severity("15:03", "SEV-2", "SEV-1"));
        // The declaration says SEV-1 (the current value); the first change says it was SEV-2 before.
        Durations d = Durations.of(i, t("18:00"));
        assertThat(d.timeAtSeverity()).containsExactly(Map.entry("SEV-2", Duration.ofMinutes(9)),
                Map.entry("SEV-1", Duration.ofMinutes(87)));
    }

    @Test
    void timeAtSeverityStartsAtTheDeclarationWhenImpactBeganLaterAndSumsRepeatedLevels() {
        Incident i = declared("15:00", "SEV-3").withTime(Milestone.STARTED, t("15:10"))
                .withEvent(severity("15:20", "SEV-3", "SEV-2")).withEvent(severity("15:30", "SEV-2", "SEV-3"));
        Durations d = Durations.of(i, t("15:45"));
        assertThat(d.timeAtSeverity()).containsExactly(Map.entry("SEV-3", Duration.ofMinutes(35)),
                Map.entry("SEV-2", Duration.ofMinutes(10)));
        assertThat(d.severities()).extracting(Durations.SeverityPeriod::severity)
                .isEqualTo(List.of("SEV-3", "SEV-2", "SEV-3"));
    }
}
