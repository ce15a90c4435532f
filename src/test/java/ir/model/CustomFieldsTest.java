package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CustomFieldsTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final IrConfig.Field SETUP = new IrConfig.Field("database_setup", "Database setup",
            IrConfig.Field.Kind.TEXT, true);
    private static final IrConfig.Field BROKEN = new IrConfig.Field("broken_recovery_procedures",
            "Broken recovery procedures", IrConfig.Field.Kind.LIST, true);

    private static Incident base() {
        return Incident.declare("2026-11-28-db", "Database down", "SEV-3", "investigating", false, T0,
                new TimelineEvent("declared0001", T0, "Alice <a@example.com>", TimelineEvent.DECLARED, "declared",
                        false, Map.of()));
    }

    private static TimelineEvent note(String id, int minute) {
        return new TimelineEvent(id, T0.plusSeconds(60L * minute), "Alice <a@example.com>", TimelineEvent.NOTE,
                "note", false, Map.of());
    }

    @Test
    void entriesBothClonesAddToACustomListAreAllKeptWithoutAMergeEvent() {
        Incident b = CustomFields.withList(base(), BROKEN, List.of("runbook named a retired host"));
        Incident o = CustomFields.withList(b, BROKEN, List.of("runbook named a retired host",
                "backups never test-restored")).withEvent(note("o1", 5));
        Incident t = CustomFields.withList(b, BROKEN, List.of("runbook named a retired host",
                "no restore drill")).withEvent(note("t1", 6));

        Incident m = IncidentMerge.merge(b, o, t).incident();
        Incident swapped = IncidentMerge.merge(b, t, o).incident();

        assertThat(CustomFields.list(m, BROKEN)).containsExactly("runbook named a retired host",
                "backups never test-restored", "no restore drill");
        assertThat(swapped).isEqualTo(m);
        assertThat(m.timeline()).noneMatch(e -> TimelineEvent.MERGE.equals(e.type()));
    }

    @Test
    void aCustomTextChangedInBothClonesIsMergedLikeAnyTextTheLaterChangeWins() {
        Incident b = CustomFields.withText(base(), SETUP, "one primary");
        Incident o = CustomFields.withText(b, SETUP, "one primary, one replica").withEvent(note("o1", 5));
        Incident t = CustomFields.withText(b, SETUP, "one primary, no replica").withEvent(note("t1", 9));

        Incident m = IncidentMerge.merge(b, o, t).incident();

        assertThat(CustomFields.text(m, SETUP)).isEqualTo("one primary, no replica");
        assertThat(m.timeline()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(TimelineEvent.MERGE);
            assertThat(e.attr("field")).isEqualTo("database_setup");
            assertThat(e.attr("lost")).isEqualTo("one primary, one replica");
        });
    }

    @Test
    void aFieldOnlyOneCloneSetIsKept() {
        Incident b = base();
        Incident o = CustomFields.withText(b, SETUP, "one primary").withEvent(note("o1", 5));
        Incident t = CustomFields.withList(b, BROKEN, List.of("no restore drill")).withEvent(note("t1", 6));

        Incident m = IncidentMerge.merge(b, o, t).incident();

        assertThat(CustomFields.text(m, SETUP)).isEqualTo("one primary");
        assertThat(CustomFields.list(m, BROKEN)).containsExactly("no restore drill");
    }

    @Test
    void namesTheFileAlreadyUsesAreReserved() {
        assertThat(CustomFields.problem("database-setup")).isNull();
        assertThat(CustomFields.problem("Database_Setup")).isNull();
        for (String taken : List.of("summary", "root-cause", "went_well", "tags", "timeline", "postmortem",
                "started_at", "impact_windows", "data_loss")) {
            assertThat(CustomFields.problem(taken)).as(taken).contains("ir itself uses");
        }
        assertThat(CustomFields.problem("1st")).contains("lowercase letter");
        assertThat(CustomFields.problem("a/b")).contains("lowercase letter");
        assertThat(CustomFields.defaultTitle("database_setup")).isEqualTo("Database setup");
    }

    @Test
    void undeclaredKeysAreThoseNeitherIrNorIrYamlKnows() {
        IrConfig config = new IrConfig("SEV-3", List.of(new IrConfig.Severity("SEV-3", "minor", false)),
                List.of(new IrConfig.Role("commander", "Incident Commander", "", false)),
                List.of("investigating", "resolved"), List.of(), List.of(SETUP));
        Incident i = base().withExtra(Map.of("database_setup", "x", "postmortem", Map.of("status", "draft"),
                "sumary", "typo"));
        assertThat(CustomFields.undeclared(i, config)).containsExactly("sumary");
    }
}
