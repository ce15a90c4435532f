package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The status transition rules, as pure functions. */
class LifecycleTest {
    private static final IrConfig CONFIG = new IrConfig("SEV-3",
            List.of(new IrConfig.Severity("SEV-1", "", true), new IrConfig.Severity("SEV-2", "", true),
                    new IrConfig.Severity("SEV-3", "", false)),
            List.of(new IrConfig.Role("commander", "IC", "", false)),
            List.of("investigating", "identified", "monitoring", "resolved", "postmortem", "closed"),
            List.of("SEV-1"));

    private static Instant t(String hhmm) {
        return Instant.parse("2015-10-21T" + hhmm + ":00Z");
    }

    private static Incident incident() {
        TimelineEvent e = new TimelineEvent("declared0001", t("15:00"), "A", TimelineEvent.DECLARED, "x", false,
                Map.of());
        return Incident.declare("2015-10-21-x", "X", "SEV-2", "investigating", false, t("15:00"), e);
    }

    private static Incident to(Incident i, String status, String at) {
        return Lifecycle.status(i, CONFIG, status, null, t(at), "A").incident();
    }

    @Test
    void activeStatusesMayFollowEachOtherInAnyOrder() {
        Incident i = to(to(to(incident(), "monitoring", "15:10"), "investigating", "15:20"), "identified", "15:30");
        assertThat(i.status()).isEqualTo("identified");
        assertThat(i.time(Milestone.MITIGATED)).isEqualTo(t("15:10"));
    }

    @Test
    void statusesAfterResolvedNeedAResolvedIncidentAndNeverGoBack() {
        assertThatThrownBy(() -> to(incident(), "postmortem", "15:10")).hasMessageContaining("only after");
        Incident pm = to(to(incident(), "resolved", "15:10"), "postmortem", "15:20");
        Incident closed = to(pm, "closed", "15:30");
        assertThat(closed.time(Milestone.CLOSED)).isEqualTo(t("15:30"));
        assertThatThrownBy(() -> to(closed, "resolved", "15:40")).hasMessageContaining("ir reopen");
        assertThatThrownBy(() -> to(closed, "identified", "15:40")).hasMessageContaining("ir reopen");
    }

    @Test
    void reopenGoesBackToTheFirstStatusAndClearsTheResolution() {
        Incident closed = to(to(incident(), "resolved", "15:10"), "closed", "15:20");
        Change c = Lifecycle.reopen(closed, CONFIG, "it is back", t("15:30"), "A");
        assertThat(c.incident().status()).isEqualTo("investigating");
        assertThat(c.incident().time(Milestone.RESOLVED)).isNull();
        assertThat(c.incident().time(Milestone.CLOSED)).isNull();
        TimelineEvent e = c.incident().sortedTimeline().get(c.incident().timeline().size() - 1);
        assertThat(e.attr("was_closed_at")).isEqualTo("2015-10-21T15:20:00Z");
        assertThatThrownBy(() -> Lifecycle.reopen(closed, CONFIG, "too early", t("15:05"), "A"))
                .isInstanceOf(IrException.class);
    }

    @Test
    void theCloseGateWaitsForARequiredPostmortemToBeReviewed() {
        Incident resolved = to(incident().withSeverity("SEV-1"), "resolved", "15:10");
        assertThatThrownBy(() -> Lifecycle.checkCanClose(resolved, CONFIG)).isInstanceOf(IrException.class)
                .hasMessageStartingWith("2015-10-21-x cannot be closed yet: a post-mortem is required for SEV-1");
        Incident reviewed = Postmortems.withStatus(resolved, Postmortems.REVIEWED);
        Lifecycle.checkCanClose(reviewed, CONFIG);
        assertThat(Lifecycle.postmortemMissing(reviewed, CONFIG)).isEmpty();
        assertThat(Lifecycle.postmortemMissing(to(incident(), "resolved", "15:10"), CONFIG)).isEmpty();
    }

    @Test
    void milestonesMustKeepTheirOrder() {
        Incident i = incident().withTime(Milestone.STARTED, t("14:54")).withTime(Milestone.RESOLVED, t("16:30"));
        Milestones.checkOrder(i, Milestone.MITIGATED, t("16:00"));
        assertThatThrownBy(() -> Milestones.checkOrder(i, Milestone.MITIGATED, t("14:50")))
                .hasMessageContaining("mitigated at 2015-10-21T14:50:00Z would be before started");
        assertThatThrownBy(() -> Milestones.checkOrder(i, Milestone.DETECTED, t("16:40")))
                .hasMessageContaining("would be after resolved");
        assertThatThrownBy(() -> Milestones.checkAll(i.withTime(Milestone.DETECTED, t("14:00"))))
                .hasMessageContaining("detected");
    }
}
