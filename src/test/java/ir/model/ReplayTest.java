package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Incident time: an incident replayed from its timeline to a moment, as the responders knew it then. */
class ReplayTest {
    private static final IrConfig CONFIG = new IrConfig("SEV-3",
            List.of(new IrConfig.Severity("SEV-1", "", true), new IrConfig.Severity("SEV-2", "", true),
                    new IrConfig.Severity("SEV-3", "", false), new IrConfig.Severity("SEV-4", "", false)),
            List.of(new IrConfig.Role("commander", "IC", "", false), new IrConfig.Role("sme", "SME", "", true)),
            List.of("investigating", "identified", "monitoring", "resolved", "closed"), List.of("SEV-1"));
    private static final String ALICE = "Alice <alice@example.com>";
    private static final String BOB = "Bob <bob@example.com>";
    private static final String CAROL = "Carol <carol@example.com>";

    private static Instant t(String hhmm) {
        return Instant.parse("2015-10-21T" + hhmm + ":00Z");
    }

    /** As 'ir open --severity SEV-3 --commander Alice' writes it: the commander has no event of its own. */
    private static Incident declared() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("severity", "SEV-3");
        TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), t("15:00"), ALICE, TimelineEvent.DECLARED,
                "Declared SEV-3: checkout errors", false, attrs);
        return Incident.declare("2015-10-21-checkout", "Checkout errors", "SEV-3", "investigating", false, t("15:00"),
                e).withRole("commander", List.of(ALICE));
    }

    private static Incident note(Incident i, String at, String text) {
        return i.withEvent(new TimelineEvent(IncidentIds.eventId(), t(at), ALICE, TimelineEvent.NOTE, text, false,
                Map.of()));
    }

    /** A whole response, with milestones marked and corrected afterwards and a note backdated at the end. */
    private static Incident response() {
        Incident i = declared();
        i = Lifecycle.severity(i, CONFIG, "SEV-2", "half of checkouts fail", t("15:05"), ALICE).incident();
        i = Lifecycle.assignRole(i, CONFIG.role("commander"), BOB, t("15:10"), ALICE).incident();
        i = Lifecycle.assignRole(i, CONFIG.role("sme"), CAROL, t("15:12"), BOB).incident();
        i = Lifecycle.status(i, CONFIG, "identified", "bad config push", t("15:20"), BOB).incident();
        i = Lifecycle.status(i, CONFIG, "monitoring", null, t("15:30"), BOB).incident();
        i = Lifecycle.status(i, CONFIG, "resolved", null, t("15:40"), BOB).incident();
        i = Lifecycle.reopen(i, CONFIG, "errors are back", t("15:50"), BOB).incident();
        i = Lifecycle.status(i, CONFIG, "resolved", null, t("16:00"), BOB).incident();
        // reconstructed afterwards: when it began and when we noticed (then corrected), and a note from the logs
        i = Lifecycle.mark(i, Milestone.STARTED, t("14:50"), ALICE).incident();
        i = Lifecycle.mark(i, Milestone.DETECTED, t("15:01"), ALICE).incident();
        i = Lifecycle.mark(i, Milestone.DETECTED, t("14:58"), ALICE).incident();
        return note(i, "15:02", "error rate alert fired at 14:58 (from the pager log)");
    }

    @Test
    void severityStatusRolesAndMilestonesAreThoseOfTheMomentAsked() {
        Incident i = response();

        Incident early = Replay.asOf(i, CONFIG, t("15:03"));
        assertThat(early.severity()).isEqualTo("SEV-3");
        assertThat(early.status()).isEqualTo("investigating");
        assertThat(early.roles()).containsOnly(Map.entry("commander", List.of(ALICE)));
        assertThat(early.time(Milestone.OPENED)).isEqualTo(t("15:00"));
        assertThat(early.time(Milestone.STARTED)).as("backdated").isEqualTo(t("14:50"));
        assertThat(early.time(Milestone.DETECTED)).as("the correction, not the value it replaced")
                .isEqualTo(t("14:58"));
        assertThat(early.time(Milestone.MITIGATED)).isNull();
        assertThat(early.timeline()).extracting(TimelineEvent::text)
                .contains("error rate alert fired at 14:58 (from the pager log)")
                .noneMatch(text -> text.startsWith("Escalated"));
        assertThat(early.timeline()).allMatch(e -> !e.at().isAfter(t("15:03")));

        Incident handedOff = Replay.asOf(i, CONFIG, t("15:15"));
        assertThat(handedOff.severity()).isEqualTo("SEV-2");
        assertThat(handedOff.roles()).containsEntry("commander", List.of(BOB)).containsEntry("sme", List.of(CAROL));
        assertThat(handedOff.status()).isEqualTo("investigating");

        Incident monitoring = Replay.asOf(i, CONFIG, t("15:35"));
        assertThat(monitoring.status()).isEqualTo("monitoring");
        assertThat(monitoring.time(Milestone.MITIGATED)).isEqualTo(t("15:30"));
        assertThat(monitoring.time(Milestone.RESOLVED)).isNull();

        Incident resolved = Replay.asOf(i, CONFIG, t("15:45"));
        assertThat(resolved.status()).isEqualTo("resolved");
        assertThat(resolved.time(Milestone.RESOLVED)).isEqualTo(t("15:40"));

        Incident reopened = Replay.asOf(i, CONFIG, t("15:55"));
        assertThat(reopened.status()).isEqualTo("investigating");
        assertThat(reopened.time(Milestone.RESOLVED)).as("cleared by the reopening").isNull();
        assertThat(reopened.time(Milestone.MITIGATED)).isEqualTo(t("15:30"));
    }

    @Test
    void afterTheLastEventTheReplayIsTheIncidentItself() {
        Incident i = response();
        assertThat(Replay.asOf(i, CONFIG, t("17:00"))).isEqualTo(i);
    }

    @Test
    void aValueEditedWithoutAnEventCountsFromTheLastEventOn() {
        Incident i = response().withSeverity("SEV-1");
        assertThat(Replay.asOf(i, CONFIG, t("17:00")).severity()).isEqualTo("SEV-1");
        assertThat(Replay.asOf(i, CONFIG, t("15:06")).severity()).as("after the last severity event")
                .isEqualTo("SEV-1");
        assertThat(Replay.asOf(i, CONFIG, t("15:03")).severity()).as("declared").isEqualTo("SEV-3");
    }

    @Test
    void beforeTheDeclarationThereIsNothingToShow() {
        Incident i = response();
        assertThatThrownBy(() -> Replay.asOf(i, CONFIG, t("14:55")))
                .isInstanceOf(IrException.class)
                .hasMessageContaining("was not declared yet at 2015-10-21T14:55:00Z (declared 2015-10-21T15:00:00Z)")
                .satisfies(e -> assertThat(((IrException) e).exitCode()).isEqualTo(ExitCode.NOT_FOUND));
    }

    @Test
    void aMergedTimelineShowsEachSidesChangeAtItsTimeAndTheMergedValueFromTheMergeOn() {
        Incident base = declared();
        Incident ours = Lifecycle.severity(base, CONFIG, "SEV-2", null, t("15:05"), ALICE).incident();
        Incident theirs = Lifecycle.severity(base, CONFIG, "SEV-4", null, t("15:10"), BOB).incident();
        Incident merged = IncidentMerge.merge(base, ours, theirs, IncidentMerge.Context.of(CONFIG, t("16:00")))
                .incident();
        assertThat(merged.severity()).isEqualTo("SEV-2");
        assertThat(Replay.asOf(merged, CONFIG, t("15:01")).severity()).isEqualTo("SEV-3");
        assertThat(Replay.asOf(merged, CONFIG, t("15:07")).severity()).isEqualTo("SEV-2");
        assertThat(Replay.asOf(merged, CONFIG, t("15:30")).severity()).as("the later side's event, before the merge")
                .isEqualTo("SEV-4");
        assertThat(Replay.asOf(merged, CONFIG, t("16:00")).severity()).isEqualTo("SEV-2");
    }

    @Test
    void rolesClearedAndJoinedAreUndoneAndReplayed() {
        Incident i = declared();
        i = Lifecycle.assignRole(i, CONFIG.role("sme"), BOB, t("15:05"), ALICE).incident();
        i = Lifecycle.assignRole(i, CONFIG.role("sme"), CAROL, t("15:06"), ALICE).incident();
        i = Lifecycle.clearRole(i, CONFIG.role("sme"), BOB, t("15:20"), ALICE).incident();
        i = Lifecycle.clearRole(i, CONFIG.role("commander"), null, t("15:30"), ALICE).incident();
        assertThat(Replay.asOf(i, CONFIG, t("15:04")).roles()).containsOnly(Map.entry("commander", List.of(ALICE)));
        assertThat(Replay.asOf(i, CONFIG, t("15:10")).roles()).containsEntry("sme", List.of(BOB, CAROL));
        assertThat(Replay.asOf(i, CONFIG, t("15:25")).roles()).containsEntry("sme", List.of(CAROL))
                .containsEntry("commander", List.of(ALICE));
        assertThat(Replay.asOf(i, CONFIG, t("15:35")).roles()).containsOnly(Map.entry("sme", List.of(CAROL)));
    }

    @Test
    void impactWindowsAndDataLossAreThoseKnownAtTheMoment() {
        Incident i = declared();
        i = Phases.startWindow(i, t("14:50"), "degraded", ALICE).incident();
        i = Lifecycle.status(i, CONFIG, "monitoring", null, t("15:30"), BOB).incident();
        i = Phases.startWindow(i, t("16:00"), "full outage", BOB).incident();
        i = Phases.endWindow(i, t("17:00"), BOB).incident();
        i = Phases.dataLoss(i, t("16:00"), t("16:10"), "writes lost", ALICE).incident();

        Incident during = Replay.asOf(i, CONFIG, t("15:10"));
        assertThat(during.impactWindows()).hasSize(1);
        assertThat(during.impactWindows().get(0).open()).as("mitigated only at 15:30").isTrue();
        assertThat(during.dataLoss()).isNull();

        Incident between = Replay.asOf(i, CONFIG, t("15:45"));
        assertThat(between.impactWindows()).extracting(ImpactWindow::label).containsExactly("degraded");
        assertThat(between.impactWindows().get(0).mitigatedAt()).isEqualTo(t("15:30"));

        Incident outage = Replay.asOf(i, CONFIG, t("16:30"));
        assertThat(outage.impactWindows()).extracting(ImpactWindow::label).containsExactly("degraded", "full outage");
        assertThat(outage.impactWindows().get(1).open()).isTrue();
        assertThat(outage.dataLoss()).isEqualTo(i.dataLoss());
    }
}
