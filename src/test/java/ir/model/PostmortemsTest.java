package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PostmortemsTest {
    static final IrConfig CONFIG = new IrConfig("SEV-3", List.of(new IrConfig.Severity("SEV-1", "critical", true),
            new IrConfig.Severity("SEV-2", "major", true), new IrConfig.Severity("SEV-3", "minor", false)),
            List.of(new IrConfig.Role("commander", "Incident Commander", "", false)),
            List.of("investigating", "identified", "monitoring", "resolved", "closed"), List.of("SEV-1", "SEV-2"));
    static final Instant T = Instant.parse("2026-11-28T15:00:00Z");

    static Incident incident(String severity, boolean drill, TimelineEvent... events) {
        Incident i = Incident.declare("2026-11-28-x", "X", severity, "resolved", drill, T,
                new TimelineEvent("e0declared", T, "Alice <a@x>", TimelineEvent.DECLARED, "declared", false, Map.of()));
        for (TimelineEvent e : events) {
            i = i.withEvent(e);
        }
        return i;
    }

    static TimelineEvent severity(String from, String to) {
        return new TimelineEvent("e1sev", T.plusSeconds(60), "Alice <a@x>", TimelineEvent.SEVERITY, null, false,
                Map.of("from", from, "to", to));
    }

    @Test
    void aPostmortemIsRequiredForTheWorstSeverityTheIncidentHeld() {
        assertThat(Postmortems.required(incident("SEV-3", false), CONFIG)).isFalse();
        assertThat(Postmortems.required(incident("SEV-2", false), CONFIG)).isTrue();
        Incident downgraded = incident("SEV-3", false, severity("SEV-1", "SEV-3"));
        assertThat(Postmortems.worstSeverity(downgraded, CONFIG)).isEqualTo("SEV-1");
        assertThat(Postmortems.required(downgraded, CONFIG)).isTrue();
    }

    @Test
    void blameInAnEntryIsFoundWhenAnotherEntryHasTheSameSecond() {
        Incident i = incident("SEV-3", false,
                new TimelineEvent("e1blame", T.plusSeconds(60), "Alice <a@x>", TimelineEvent.NOTE,
                        "Alice should have checked the config", false, Map.of()),
                new TimelineEvent("e2other", T.plusSeconds(60), "Alice <a@x>", TimelineEvent.NOTE,
                        "rolling back", false, Map.of()));

        assertThat(Postmortems.blame(i)).singleElement().satisfies(f -> assertThat(f.message())
                .contains("'should have' next to Alice"));
    }

    @Test
    void theMergeAuthorIsNotAPersonForTheBlameCheck() {
        Incident i = incident("SEV-3", false,
                new TimelineEvent("m1merge", T.plusSeconds(60), IncidentMerge.MERGE_AUTHOR, TimelineEvent.MERGE,
                        "concurrent changes to severity", false, Map.of()))
                .withText(TextField.RESOLUTION, "The config merge failed to apply, so we rolled back.");

        assertThat(Postmortems.blame(i)).isEmpty();
    }

    @Test
    void drillsNeverRequireAPostmortem() {
        assertThat(Postmortems.required(incident("SEV-1", true), CONFIG)).isFalse();
        assertThat(Postmortems.closeBlocker(incident("SEV-1", true), CONFIG)).isEmpty();
    }

    @Test
    void closingIsBlockedUntilARequiredPostmortemIsReviewed() {
        Incident i = incident("SEV-1", false);

        assertThat(Postmortems.closeBlocker(i, CONFIG)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("a post-mortem is required for SEV-1 incidents (ir.yaml postmortem.required_for) and "
                        + "2026-11-28-x's is not written").contains("ir postmortem --status reviewed"));
        Incident inReview = Postmortems.withStatus(i, Postmortems.IN_REVIEW);
        assertThat(Postmortems.closeBlocker(inReview, CONFIG)).hasValueSatisfying(m -> assertThat(m)
                .contains("is 'in-review'"));
        Incident reviewed = Postmortems.withStatus(i, Postmortems.REVIEWED);
        assertThat(Postmortems.reviewed(reviewed)).isTrue();
        assertThat(Postmortems.closeBlocker(reviewed, CONFIG)).isEmpty();
        assertThat(Postmortems.closeBlocker(incident("SEV-3", false), CONFIG)).isEmpty();
    }

    @Test
    void renderStateKeepsTheReviewStatusAndOtherKeys() {
        Incident i = incident("SEV-1", false).withExtra(Map.of("postmortem", Map.of("status", "in-review",
                "reviewer", "Dana"), "other", "kept"));

        Incident next = Postmortems.withRendered(i, "abc", T, "postmortem");

        assertThat(Postmortems.status(next)).isEqualTo("in-review");
        assertThat(Postmortems.renderedSha256(next)).isEqualTo("abc");
        assertThat(Postmortems.renderedTemplate(next)).isEqualTo("postmortem");
        assertThat(Postmortems.state(next)).containsEntry("reviewer", "Dana")
                .containsEntry("rendered_at", "2026-11-28T15:00:00Z");
        assertThat(next.extra()).containsEntry("other", "kept");
        assertThat(Postmortems.status(Postmortems.withRendered(incident("SEV-1", false), "abc", T, "x")))
                .isEqualTo("draft");
    }

    @Test
    void statusParsingAcceptsCommonSpellingsAndRefusesOthers() {
        assertThat(Postmortems.parseStatus(" In_Review ")).isEqualTo("in-review");
        assertThat(Postmortems.parseStatus("reviewed")).isEqualTo("reviewed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Postmortems.parseStatus("done"))
                .isInstanceOf(IrException.class).hasMessage("unknown post-mortem status 'done': use one of draft, "
                        + "in-review, reviewed");
    }

    @Test
    void actionItemsNeedAnOwnerAndAKnownType() {
        Incident i = incident("SEV-3", false).withActions(List.of(
                new ActionItem("a1", "Add an alert", "prevent", "Bob", null, null, null, Map.of()),
                new ActionItem("a2", "Fix the runbook", "fix", "Bob", null, null, null, Map.of()),
                new ActionItem("a3", "Talk to vendor", null, null, null, null, null, Map.of())));

        List<String> problems = Postmortems.check(i, CONFIG, true).stream().filter(f -> f.field().equals("actions"))
                .map(Postmortems.Finding::message).toList();

        assertThat(problems).containsExactly(
                "action item a2 ('Fix the runbook') has the unknown type 'fix': use one of mitigate, prevent, "
                        + "process, other",
                "action item a3 ('Talk to vendor') has no owner and no type (mitigate, prevent, process, other)");
    }

    @Test
    void blameNeedsAPersonNextToABlamingWord() {
        Incident i = incident("SEV-2", false).withRole("commander", List.of("Bob Builder <bob@example.com>"))
                .withText(TextField.ROOT_CAUSE, "The deploy had no canary. Bob should have caught it.")
                .withText(TextField.TRIGGER, "A careless config push with no review step.")
                .withText(TextField.DETECTION, "Bob saw the alert. She forgot to page the team.");

        List<Postmortems.Finding> warnings = Postmortems.blame(i);

        assertThat(warnings).extracting(Postmortems.Finding::field).containsExactly("root_cause", "detection");
        assertThat(warnings.get(0).message()).contains("'Bob should have caught it.' puts 'should have' next to Bob");
        assertThat(warnings.get(1).message()).contains("puts 'forgot to' next to a person");
        assertThat(warnings).allMatch(w -> !w.problem());
    }
}
