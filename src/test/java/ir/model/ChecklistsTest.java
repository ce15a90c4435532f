package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChecklistsTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final String ALICE = "Alice <alice@example.com>";

    private static IrConfig config() {
        IrConfig.Step announce = new IrConfig.Step("announce", "Announce yourself", Duration.ofMinutes(5));
        IrConfig.Step bridge = new IrConfig.Step("open-bridge", "Open a bridge", Duration.ofMinutes(10));
        IrConfig.Step evidence = new IrConfig.Step("preserve-evidence", "Preserve evidence", null);
        return new IrConfig("SEV-2", List.of(new IrConfig.Severity("SEV-1", "", true, List.of(bridge)),
                new IrConfig.Severity("SEV-2", "", true)),
                List.of(new IrConfig.Role("commander", "Incident Commander", "", false, List.of(announce)),
                        new IrConfig.Role("scribe", "Scribe", "", false)),
                List.of("investigating", "resolved"), List.of(), List.of(), List.of(), null, List.of(), null,
                List.of(new IrConfig.IncidentType("security", "", "SEV-1", List.of(evidence), List.of(), null,
                        null)));
    }

    private static Incident declared(String severity) {
        TimelineEvent d = new TimelineEvent("e0", T0, ALICE, TimelineEvent.DECLARED, "Declared", false, Map.of());
        return Incident.declare("2026-11-28-x", "X", severity, "investigating", false, T0, d);
    }

    @Test
    void slugsAreTheFirstFourWordsInLowerCase() {
        assertThat(Checklists.slug("Announce yourself on the bridge")).isEqualTo("announce-yourself-on-the");
        assertThat(Checklists.slug("Page the IC (ir page commander)!")).isEqualTo("page-the-ic-ir");
        assertThat(Checklists.slug("Déjà vu")).isEqualTo("d-j-vu");
        assertThat(Checklists.slug("???")).isEqualTo("step");
        assertThat(Checklists.slug("supercalifragilisticexpialidocious-and-more words")).hasSizeLessThanOrEqualTo(32);
    }

    @Test
    void theSnapshotIsTheUnionOfRoleSeverityAndTypeAndNeverShrinks() {
        Incident i = declared("SEV-1").withType("security").withRole("commander", List.of(ALICE));
        i = Checklists.apply(i, config(), T0);
        assertThat(i.checklist()).extracting(ChecklistItem::id)
                .containsExactly("commander.announce", "sev-1.open-bridge", "security.preserve-evidence");
        Incident again = Checklists.apply(i.withSeverity("SEV-2"), config(), T0.plusSeconds(60));
        assertThat(again.checklist()).isEqualTo(i.checklist());
    }

    @Test
    void stateComesFromTheLatestEventAndOnTimeMeansBeforeTheDueTime() {
        Incident i = Checklists.apply(declared("SEV-1").withRole("commander", List.of(ALICE)), config(), T0);
        i = Checklists.done(i, "announce", T0.plusSeconds(240), ALICE).incident();
        i = Checklists.skip(i, "open-bridge", "one room", T0.plusSeconds(600), ALICE).incident();
        List<Checklists.State> s = Checklists.states(i);
        assertThat(s.get(0).onTime()).isTrue();
        assertThat(s.get(1).state()).isEqualTo(Checklists.SKIPPED);
        assertThat(s.get(1).onTime()).as("at the due time is late").isFalse();
        List<Checklists.OnTime> report = Checklists.onTime(List.of(i), T0.plusSeconds(3600));
        assertThat(report).containsExactly(new Checklists.OnTime("commander.announce", "Announce yourself", 1, 1),
                new Checklists.OnTime("sev-1.open-bridge", "Open a bridge", 0, 1));
        Incident redone = Checklists.done(i, "open-bridge", T0.plusSeconds(700), ALICE).incident();
        assertThat(Checklists.states(redone).get(1).state()).isEqualTo(Checklists.DONE);
    }

    @Test
    void mergeUnitesBothSidesItemsSymmetrically() {
        Incident base = Checklists.apply(declared("SEV-1"), config(), T0);
        Incident ours = Checklists.addRole(base.withRole("commander", List.of(ALICE)), config().role("commander"),
                T0.plusSeconds(60));
        Incident theirs = Checklists.apply(base.withType("security"), config(), T0.plusSeconds(120));
        Incident ab = IncidentMerge.merge(base, ours, theirs).incident();
        Incident ba = IncidentMerge.merge(base, theirs, ours).incident();
        assertThat(ab).isEqualTo(ba);
        assertThat(ab.checklist()).extracting(ChecklistItem::id).containsExactlyInAnyOrder("sev-1.open-bridge",
                "commander.announce", "security.preserve-evidence");
        assertThat(ab.type()).isEqualTo("security");
    }
}
