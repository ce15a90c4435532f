package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Impact windows, the data-loss window and milestone corrections, as pure functions; and how clones merge them. */
class PhasesTest {
    private static final IrConfig CONFIG = new IrConfig("SEV-3",
            List.of(new IrConfig.Severity("SEV-1", "", true), new IrConfig.Severity("SEV-2", "", true),
                    new IrConfig.Severity("SEV-3", "", false)),
            List.of(new IrConfig.Role("commander", "IC", "", false)),
            List.of("investigating", "identified", "monitoring", "resolved", "closed"), List.of("SEV-1"));

    private static Instant t(String hhmm) {
        return Instant.parse("2018-10-21T" + hhmm + ":00Z");
    }

    private static Incident incident() {
        TimelineEvent e = new TimelineEvent("declared0001", t("22:54"), "A", TimelineEvent.DECLARED, "x", false,
                Map.of());
        return Incident.declare("2018-10-21-db", "DB", "SEV-2", "investigating", false, t("22:54"), e);
    }

    private static Incident to(Incident i, String status, String at) {
        return Lifecycle.status(i, CONFIG, status, null, t(at), "A").incident();
    }

    private static TimelineEvent last(Incident i) {
        List<TimelineEvent> s = i.sortedTimeline();
        return s.get(s.size() - 1);
    }

    @Test
    void anIncidentWithoutWindowsHasTheOneItsMilestonesImply() {
        assertThat(Phases.windows(incident())).isEmpty();
        assertThat(Phases.ongoing(incident())).isTrue();
        Incident i = incident().withTime(Milestone.STARTED, t("22:52")).withTime(Milestone.MITIGATED, t("23:07"));
        assertThat(Phases.windows(i)).containsExactly(new ImpactWindow(t("22:52"), t("23:07"), null));
        // No start of impact: it is taken to begin at the declaration.
        Incident noStart = incident().withTime(Milestone.MITIGATED, t("23:07"));
        assertThat(Phases.windows(noStart)).containsExactly(new ImpactWindow(t("22:54"), t("23:07"), null));
    }

    @Test
    void recoveryAndRelapseMakeTwoWindowsAndTheMilestonesFollowThem() {
        Incident i = Lifecycle.mark(incident(), Milestone.STARTED, t("22:52"), "A").incident();
        i = to(i, "monitoring", "23:07");
        assertThat(i.impactWindows()).isEmpty();
        assertThat(i.time(Milestone.MITIGATED)).isEqualTo(t("23:07"));
        i = to(i, "investigating", "23:19");
        assertThat(i.impactWindows()).containsExactly(new ImpactWindow(t("22:52"), t("23:07"), null),
                new ImpactWindow(t("23:19"), null, null));
        assertThat(last(i).attrs()).containsEntry("window", 2).containsEntry("impact", "resumed");
        assertThat(i.time(Milestone.MITIGATED)).isEqualTo(t("23:07"));
        assertThat(Phases.ongoing(i)).isTrue();
        // identified -> monitoring -> identified: the same rule for every status before monitoring.
        i = to(to(i, "monitoring", "23:40"), "identified", "23:45");
        assertThat(i.impactWindows()).hasSize(3);
        i = to(i, "resolved", "23:59");
        assertThat(i.impactWindows().get(2)).isEqualTo(new ImpactWindow(t("23:45"), t("23:59"), null));
        assertThat(i.time(Milestone.MITIGATED)).isEqualTo(t("23:59"));
        assertThat(i.time(Milestone.STARTED)).isEqualTo(t("22:52"));
        Durations d = Durations.of(i, t("23:59"));
        assertThat(d.impact()).isEqualTo(Duration.ofMinutes(15 + 21 + 14));
        assertThat(d.toMitigate()).isEqualTo(Duration.ofMinutes(67));
        assertThat(d.impactOngoing()).isFalse();
        Phases.validate(i);
        Lifecycle.validate(i, CONFIG);
    }

    @Test
    void anOpenWindowRunsToNow() {
        Incident i = Phases.startWindow(incident(), t("22:52"), "degraded", "A").incident();
        i = Phases.endWindow(i, t("23:07"), "A").incident();
        i = Phases.startWindow(i, t("23:19"), "outage", "A").incident();
        Durations d = Durations.of(i, t("23:29"));
        assertThat(d.impact()).isEqualTo(Duration.ofMinutes(25));
        assertThat(d.impactOngoing()).isTrue();
    }

    @Test
    void windowsAreRefusedOutOfOrder() {
        Incident i = Phases.startWindow(incident(), t("22:52"), null, "A").incident();
        assertThat(i.impactWindows()).isEmpty();
        assertThat(i.time(Milestone.STARTED)).isEqualTo(t("22:52"));
        assertThatThrownBy(() -> Phases.startWindow(Phases.startWindow(incident(), t("22:52"), null, "A")
                .incident(), t("23:00"), null, "A")).hasMessageContaining("is still open");
        Incident ended = Phases.endWindow(i, t("23:07"), "A").incident();
        assertThatThrownBy(() -> Phases.startWindow(ended, t("23:00"), null, "A"))
                .hasMessageContaining("is before impact window 1 ended (2018-10-21T23:07:00Z)");
        assertThatThrownBy(() -> Phases.endWindow(i, t("22:50"), "A"))
                .hasMessageContaining("mitigated at 2018-10-21T22:50:00Z would be before started");
        Incident resolved = to(ended, "resolved", "23:30");
        assertThatThrownBy(() -> Phases.startWindow(resolved, t("23:40"), null, "A"))
                .hasMessageContaining("reopen it with 'ir reopen WHY'");
    }

    @Test
    void correctionsAndClearsSayWhatTheyChanged() {
        Incident i = Lifecycle.mark(incident(), Milestone.DETECTED, t("22:55"), "A").incident();
        Change c = Lifecycle.mark(i, Milestone.DETECTED, t("22:53"), "A");
        assertThat(c.incident().timeline()).filteredOn(e -> e.attr("was") != null).extracting(TimelineEvent::text)
                .containsExactly("Detected (corrected from 2018-10-21T22:55:00Z)");
        assertThat(c.summary()).isEqualTo("mark detected 2018-10-21T22:53:00Z (corrected from "
                + "2018-10-21T22:55:00Z)");
        Change cleared = Lifecycle.clear(c.incident(), CONFIG, Milestone.DETECTED, t("23:30"), "A");
        assertThat(cleared.incident().time(Milestone.DETECTED)).isNull();
        assertThat(last(cleared.incident()).attrs()).containsEntry("milestone", "detected")
                .containsEntry("was", "2018-10-21T22:53:00Z").containsEntry("cleared", true);
        assertThatThrownBy(() -> Lifecycle.clear(incident(), CONFIG, Milestone.DETECTED, t("23:30"), "A"))
                .hasMessageContaining("nothing to clear");
        assertThatThrownBy(() -> Lifecycle.clear(to(incident(), "resolved", "23:00"), CONFIG, Milestone.RESOLVED,
                t("23:30"), "A")).hasMessageContaining("ir reopen WHY");
    }

    @Test
    void withoutStartedNothingEndsBeforeTheDeclarationButDetectionMay() {
        assertThatThrownBy(() -> Lifecycle.mark(incident(), Milestone.MITIGATED, t("22:50"), "A"))
                .hasMessageContaining("would be before 2018-10-21-db was declared");
        assertThatThrownBy(() -> Lifecycle.mark(incident(), Milestone.RESOLVED, t("22:50"), "A"))
                .hasMessageContaining("ir mark started --at TIME");
        Lifecycle.mark(incident(), Milestone.DETECTED, t("22:50"), "A");
        Lifecycle.mark(incident(), Milestone.ACKNOWLEDGED, t("22:50"), "A");
        Incident started = incident().withTime(Milestone.STARTED, t("22:40"));
        Lifecycle.mark(started, Milestone.MITIGATED, t("22:50"), "A");
        assertThatThrownBy(() -> Milestones.checkAll(incident().withTime(Milestone.CLOSED, t("22:00"))))
                .hasMessageContaining("closed at 2018-10-21T22:00:00Z would be before");
    }

    @Test
    void handEditedWindowsAreValidatedWithOneLineMessages() {
        Incident two = incident().withTime(Milestone.STARTED, t("22:52")).withTime(Milestone.MITIGATED, t("23:30"))
                .withImpactWindows(List.of(new ImpactWindow(t("22:52"), t("23:07"), "degraded"),
                        new ImpactWindow(t("23:19"), t("23:30"), "outage")));
        Phases.validate(two);
        assertThatThrownBy(() -> Phases.validate(two.withImpactWindows(List.of(
                new ImpactWindow(t("22:52"), t("23:20"), null), new ImpactWindow(t("23:19"), t("23:30"), null)))))
                .hasMessage("impact window 2 starts (2018-10-21T23:19:00Z) before window 1 ended "
                        + "(2018-10-21T23:20:00Z): windows are in time order and do not overlap");
        assertThatThrownBy(() -> Phases.validate(two.withImpactWindows(List.of(
                new ImpactWindow(t("22:52"), null, null), new ImpactWindow(t("23:19"), t("23:30"), null)))))
                .hasMessageContaining("only the last window may be open");
        assertThatThrownBy(() -> Phases.validate(two.withImpactWindows(List.of(
                new ImpactWindow(t("22:52"), t("22:50"), null)))))
                .hasMessageContaining("impact window 1 ends (2018-10-21T22:50:00Z) before it starts");
        assertThatThrownBy(() -> Phases.validate(two.withTime(Milestone.MITIGATED, t("23:07"))))
                .hasMessageContaining("mitigated_at (2018-10-21T23:07:00Z) must be the end of the last impact window");
        assertThatThrownBy(() -> Phases.validate(two.withDataLoss(new DataLoss(t("23:00"), t("22:00"), null))))
                .hasMessageContaining("data_loss ends");
    }

    @Test
    void dataLossIsRecordedCorrectedAndClearedAsEvents() {
        Change c = Phases.dataLoss(incident(), t("22:52"), t("22:54"), "writes", "A");
        assertThat(c.incident().dataLoss()).isEqualTo(new DataLoss(t("22:52"), t("22:54"), "writes"));
        assertThat(c.eventType()).isEqualTo(Phases.DATA_LOSS);
        assertThat(c.incident().sortedTimeline().get(0).type()).isEqualTo(Phases.DATA_LOSS);
        assertThatThrownBy(() -> Phases.dataLoss(c.incident(), t("22:52"), t("22:54"), "writes", "A"))
                .hasMessageContaining("nothing to change");
        Incident cleared = Phases.clearDataLoss(c.incident(), t("23:30"), "A").incident();
        assertThat(cleared.dataLoss()).isNull();
        assertThat(last(cleared).attr("was")).isEqualTo("2018-10-21T22:52:00Z..2018-10-21T22:54:00Z: writes");
    }

    // ---- merging across clones -----------------------------------------------------------------------------

    private static IncidentMerge.Result both(Incident b, Incident o, Incident t) {
        IncidentMerge.Result r = IncidentMerge.merge(b, o, t);
        IncidentMerge.Result swapped = IncidentMerge.merge(b, t, o);
        assertThat(swapped.incident()).as("the merge is symmetric").isEqualTo(r.incident());
        return r;
    }

    @Test
    void windowsOpenedInOneCloneAndLabelledInAnotherAreBothKept() {
        Incident base = to(Lifecycle.mark(incident(), Milestone.STARTED, t("22:52"), "A").incident(), "monitoring",
                "23:07");
        Incident ours = to(base, "investigating", "23:19");
        Incident theirs = Phases.label(base, 1, "degraded", "B").incident();
        Incident m = both(base, ours, theirs).incident();
        assertThat(m.impactWindows()).containsExactly(new ImpactWindow(t("22:52"), t("23:07"), "degraded"),
                new ImpactWindow(t("23:19"), null, null));
        assertThat(m.time(Milestone.STARTED)).isEqualTo(t("22:52"));
        assertThat(m.time(Milestone.MITIGATED)).isEqualTo(t("23:07"));
        Phases.validate(m);
    }

    @Test
    void twoClonesOpeningTheSameRelapseGetOneWindow() {
        Incident base = to(Lifecycle.mark(incident(), Milestone.STARTED, t("22:52"), "A").incident(), "monitoring",
                "23:07");
        Incident ours = Phases.startWindow(base, t("23:19"), "outage", "A").incident();
        Incident theirs = Phases.startWindow(base, t("23:21"), null, "B").incident();
        Incident m = both(base, ours, theirs).incident();
        assertThat(m.impactWindows()).containsExactly(new ImpactWindow(t("22:52"), t("23:07"), null),
                new ImpactWindow(t("23:19"), null, "outage"));
        Phases.validate(m);
    }

    @Test
    void aCorrectedFirstStartReplacesTheOldOneAndEndsStayPut() {
        Incident base = Phases.startWindow(incident(), t("22:52"), "degraded", "A").incident();
        base = Phases.endWindow(base, t("23:07"), "A").incident();
        Incident ours = Lifecycle.mark(base, Milestone.STARTED, t("22:50"), "A").incident();
        Incident theirs = Phases.startWindow(base, t("23:19"), null, "B").incident();
        Incident m = both(base, ours, theirs).incident();
        assertThat(m.impactWindows()).containsExactly(new ImpactWindow(t("22:50"), t("23:07"), "degraded"),
                new ImpactWindow(t("23:19"), null, null));
        assertThat(m.time(Milestone.STARTED)).isEqualTo(t("22:50"));
        Phases.validate(m);
    }

    @Test
    void dataLossMergesAsOneValue() {
        Incident base = incident();
        Incident ours = Phases.dataLoss(base, t("22:52"), t("22:54"), null, "A").incident();
        Incident theirs = base.withEvent(new TimelineEvent("note00000001", t("23:00"), "B", TimelineEvent.NOTE,
                "n", false, Map.of()));
        assertThat(both(base, ours, theirs).incident().dataLoss()).isEqualTo(ours.dataLoss());
        Incident theirsToo = Phases.dataLoss(base, t("22:51"), t("22:54"), null, "B").incident();
        IncidentMerge.Result r = both(base, ours, theirsToo);
        assertThat(r.incident().dataLoss()).isNotNull();
        assertThat(r.incident().timeline()).anyMatch(e -> TimelineEvent.MERGE.equals(e.type())
                && "data_loss".equals(e.attr("field")));
    }
}
