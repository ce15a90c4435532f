package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** Each response-lifecycle command, and each of its refusals, against a real repository. */
class LifecycleCommandsTest {
    @TempDir
    Path dir;

    IrTester ir;
    String id;

    @BeforeEach
    void openIncident() {
        ir = IrTester.workspace(dir).at("2015-10-21T15:01:30Z");
        id = ir.open("Sonnet search down", "--severity", "SEV-2", "--at", "15:01");
        ir.at("2015-10-21T15:30:00Z");
    }

    /** Runs a command that must be refused: exit code, one-line message, and no file or commit changed. */
    private Result refused(int exit, String message, String... args) {
        String before = ir.read("incidents/" + id + ".yaml");
        int commits = ir.commits().size();
        Result r = ir.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.err()).as(r.toString()).startsWith("ir: ").contains(message);
        assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(ir.read("incidents/" + id + ".yaml")).isEqualTo(before);
        assertThat(ir.commits()).hasSize(commits);
        assertThat(ir.clean()).isTrue();
        return r;
    }

    private RevCommit head() {
        return ir.commits().get(0);
    }

    private JsonNode lastEvent() {
        JsonNode t = ir.yaml(id).get("timeline");
        return t.get(t.size() - 1);
    }

    private int events() {
        return ir.yaml(id).get("timeline").size();
    }

    // ---- severity ----------------------------------------------------------------------------------------------

    @Test
    void severityEscalatesWithFromToEventAndEscalateCommit() {
        ok(ir.run("severity", "1", "--reason", "all regions", "--at", "15:03"));
        assertThat(ir.yaml(id).get("severity").asText()).isEqualTo("SEV-1");
        JsonNode e = lastEvent();
        assertThat(e.get("type").asText()).isEqualTo("severity");
        assertThat(e.get("from").asText()).isEqualTo("SEV-2");
        assertThat(e.get("to").asText()).isEqualTo("SEV-1");
        assertThat(e.get("at").asText()).isEqualTo("2015-10-21T15:03:00Z");
        assertThat(e.get("text").asText()).contains("all regions");
        assertThat(head().getFullMessage()).startsWith(id + ": escalate SEV-2 -> SEV-1\n")
                .contains("Incident: " + id).contains("Ir-Event: severity");
        assertThat(ir.changedPaths(head())).containsExactly("incidents/" + id + ".yaml");
    }

    @Test
    void severityDowngradeSaysDowngrade() {
        ok(ir.run("severity", "SEV-4"));
        assertThat(head().getShortMessage()).isEqualTo(id + ": downgrade SEV-2 -> SEV-4");
    }

    @Test
    void severityRefusesUnknownLevelAndListsValidOnes() {
        refused(2, "unknown severity 'SEV-9': use one of SEV-1, SEV-2, SEV-3, SEV-4, SEV-5", "severity", "SEV-9");
    }

    @Test
    void severityRefusesTheSameLevel() {
        refused(2, "is already SEV-2", "severity", "SEV-2");
    }

    @Test
    void severityRefusesBadAndFutureTimes() {
        refused(2, "invalid time for --at 'yesterday-ish'", "severity", "1", "--at", "yesterday-ish");
        refused(2, "is in the future", "severity", "1", "--at", "2015-10-21T18:00:00Z");
    }

    @Test
    void severityRefusesATimeBeforeTheLastSeverityChange() {
        ok(ir.run("severity", "1", "--at", "15:10"));
        refused(2, "before the last severity change", "severity", "3", "--at", "15:05");
    }

    @Test
    void severityRefusesATimeBeforeTheDeclaration() {
        refused(2, "was declared (2015-10-21T15:01:00Z) as SEV-2", "severity", "1", "--at", "14:59");
    }

    @Test
    void severityRefusesUnknownIncident() {
        refused(3, "no incident matches 'nope'", "severity", "1", "-i", "nope");
    }

    // ---- roles -------------------------------------------------------------------------------------------------

    @Test
    void roleAssignsThenHandsOffWithFromAndTo() {
        ok(ir.run("role", "commander", "Alice <alice@example.com>", "--at", "15:10"));
        JsonNode assign = lastEvent();
        assertThat(assign.get("type").asText()).isEqualTo("role");
        assertThat(assign.get("role").asText()).isEqualTo("commander");
        assertThat(assign.get("to").asText()).isEqualTo("Alice <alice@example.com>");
        assertThat(assign.has("from")).isFalse();

        ok(ir.run("role", "Commander", "Bob", "<bob@example.com>", "--at", "15:20"));
        assertThat(ir.yaml(id).get("roles").get("commander").asText()).isEqualTo("Bob <bob@example.com>");
        JsonNode handoff = lastEvent();
        assertThat(handoff.get("from").asText()).isEqualTo("Alice <alice@example.com>");
        assertThat(handoff.get("to").asText()).isEqualTo("Bob <bob@example.com>");
        assertThat(head().getShortMessage()).isEqualTo(id + ": hand off commander Alice <alice@example.com> -> "
                + "Bob <bob@example.com>");
    }

    @Test
    void roleWithMultipleHoldersAddsPeopleAndClearRemovesOne() {
        ok(ir.run("role", "sme", "Carol", "--at", "15:10"));
        ok(ir.run("role", "sme", "Dan", "--at", "15:11"));
        JsonNode sme = ir.yaml(id).get("roles").get("sme");
        assertThat(sme.isArray()).isTrue();
        assertThat(sme.get(0).asText()).isEqualTo("Carol");
        assertThat(sme.get(1).asText()).isEqualTo("Dan");
        ok(ir.run("role", "--clear", "sme", "Carol"));
        assertThat(ir.yaml(id).get("roles").get("sme").asText()).isEqualTo("Dan");
        assertThat(lastEvent().get("from").asText()).isEqualTo("Carol");
        ok(ir.run("role", "--clear", "sme"));
        assertThat(ir.yaml(id).has("roles")).isFalse();
    }

    @Test
    void roleMeIsTheResponder() {
        ok(ir.run("role", "commander", "me"));
        assertThat(ir.yaml(id).get("roles").get("commander").asText()).isEqualTo(IrTester.ALICE);
    }

    @Test
    void roleRefusesUnknownRoleAndListsValidOnes() {
        refused(2, "unknown role 'pilot': use one of commander, deputy, scribe, sme, customer-liaison, "
                + "internal-liaison", "role", "pilot", "Alice");
    }

    @Test
    void roleRefusesMissingPersonSameHolderAndClearingAnEmptyRole() {
        refused(2, "say who takes scribe", "role", "scribe");
        ok(ir.run("role", "scribe", "Bob <bob@example.com>"));
        refused(2, "already holds scribe", "role", "scribe", "bob <BOB@example.com>");
        refused(2, "nobody holds deputy", "role", "--clear", "deputy");
        refused(2, "Zed does not hold scribe", "role", "--clear", "scribe", "Zed");
    }

    // ---- status, resolve, reopen ---------------------------------------------------------------------------

    @Test
    void monitoringEndsTheImpactAndGoingBackOpensANewWindow() {
        ok(ir.run("status", "monitoring", "--at", "15:20", "rolled", "back"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("status").asText()).isEqualTo("monitoring");
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T15:20:00Z");
        JsonNode e = lastEvent();
        assertThat(e.get("from").asText()).isEqualTo("investigating");
        assertThat(e.get("to").asText()).isEqualTo("monitoring");
        assertThat(e.get("text").asText()).isEqualTo("monitoring: rolled back");
        assertThat(head().getShortMessage()).isEqualTo(id + ": status investigating -> monitoring: rolled back");

        ok(ir.run("status", "investigating", "--at", "15:22", "it came back"));
        assertThat(lastEvent().get("window").asInt()).isEqualTo(2);
        assertThat(ir.yaml(id).get("mitigated_at").asText()).isEqualTo("2015-10-21T15:20:00Z");
        ok(ir.run("status", "monitoring", "--at", "15:25"));
        y = ir.yaml(id);
        // The last mitigation; the first window ran from the declaration, as no start of impact was marked.
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T15:25:00Z");
        assertThat(y.get("started_at").asText()).isEqualTo("2015-10-21T15:01:00Z");
        assertThat(y.get("impact_windows")).hasSize(2);
        assertThat(y.get("impact_windows").get(1).get("started_at").asText()).isEqualTo("2015-10-21T15:22:00Z");
    }

    @Test
    void resolveSetsResolvedAtAndClosedFollowsIt() {
        ok(ir.run("mark", "mitigated", "--at", "15:10"));
        ok(ir.run("resolve", "--at", "15:25", "all", "clear"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("status").asText()).isEqualTo("resolved");
        assertThat(y.get("resolved_at").asText()).isEqualTo("2015-10-21T15:25:00Z");
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T15:10:00Z");
        // A SEV-2 needs its post-mortem reviewed before it is closed (ir.yaml postmortem.required_for).
        refused(2, "cannot be closed yet: a post-mortem is required for SEV-2", "status", "closed");
        ok(ir.run("postmortem"));
        ok(ir.run("postmortem", "--status", "reviewed"));
        ok(ir.run("status", "closed"));
        y = ir.yaml(id);
        assertThat(y.get("status").asText()).isEqualTo("closed");
        assertThat(y.get("closed_at").asText()).isEqualTo("2015-10-21T15:30:00Z");
    }

    @Test
    void resolvingWithoutAMitigationEndsTheImpactThen() {
        ok(ir.run("mark", "started", "--at", "14:54"));
        ok(ir.run("resolve", "--at", "15:24"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T15:24:00Z");
        assertThat(y.get("resolved_at").asText()).isEqualTo("2015-10-21T15:24:00Z");
        JsonNode d = ok(ir.run("show", "--json")).json().get("computed").get("durations");
        assertThat(d.get("impact_duration").get("minutes").asLong()).isEqualTo(30);
        assertThat(d.get("time_to_mitigate").get("minutes").asLong()).isEqualTo(30);
    }

    @Test
    void statusRefusesClosedBeforeResolved() {
        refused(2, "it can be closed only after 'ir resolve'", "status", "closed");
    }

    @Test
    void statusRefusesUnknownStatusSameStatusAndTimesBeforeTheDeclaration() {
        refused(2, "unknown status 'fixed': use one of investigating, identified, monitoring, resolved, closed",
                "status", "fixed");
        refused(2, "is already investigating", "status", "investigating");
        refused(2, "before " + id + " was declared", "status", "identified", "--at", "14:00");
        refused(2, "invalid time for --at", "status", "identified", "--at", "25:99");
    }

    @Test
    void statusRefusesLeavingResolvedExceptByReopen() {
        ok(ir.run("resolve"));
        refused(2, "run 'ir reopen WHY'", "status", "investigating");
        refused(2, "is already resolved", "resolve");
    }

    @Test
    void reopenRecordsWhyAndClearsResolution() {
        ok(ir.run("status", "monitoring", "--at", "15:10"));
        ok(ir.run("resolve", "--at", "15:20"));
        ir.advance(Duration.ofMinutes(5));
        ok(ir.run("reopen", "errors", "are", "back"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("status").asText()).isEqualTo("investigating");
        assertThat(y.has("resolved_at")).isFalse();
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T15:10:00Z");
        JsonNode e = lastEvent();
        assertThat(e.get("type").asText()).isEqualTo("status");
        assertThat(e.get("text").asText()).isEqualTo("Reopened: errors are back");
        assertThat(e.get("from").asText()).isEqualTo("resolved");
        assertThat(e.get("was_resolved_at").asText()).isEqualTo("2015-10-21T15:20:00Z");
        assertThat(head().getShortMessage()).isEqualTo(id + ": reopen (resolved -> investigating): errors are back");
    }

    @Test
    void reopenRefusesWithoutAReasonAndWhenNotResolved() {
        refused(2, "not resolved or closed: nothing to reopen", "reopen", "why", "not");
        ok(ir.run("resolve"));
        refused(2, "say why it is reopened", "reopen");
    }

    // ---- milestones --------------------------------------------------------------------------------------------

    @Test
    void markSetsAMilestoneWithAnEventAtThatTime() {
        ok(ir.run("mark", "started", "--at", "14:54"));
        assertThat(ir.yaml(id).get("started_at").asText()).isEqualTo("2015-10-21T14:54:00Z");
        JsonNode first = ir.yaml(id).get("timeline").get(0);
        assertThat(first.get("type").asText()).isEqualTo("milestone");
        assertThat(first.get("milestone").asText()).isEqualTo("started");
        assertThat(first.get("at").asText()).isEqualTo("2015-10-21T14:54:00Z");
        ok(ir.run("mark", "detected_at", "--at", "2015-10-21T16:58:00+02:00"));
        assertThat(ir.yaml(id).get("detected_at").asText()).isEqualTo("2015-10-21T14:58:00Z");
        assertThat(head().getFullMessage()).contains("Ir-Event: milestone");
        Result r = ok(ir.run("mark", "resolved", "--at", "15:20"));
        assertThat(r.err()).contains("still investigating");
        assertThat(ir.yaml(id).get("status").asText()).isEqualTo("investigating");
    }

    @Test
    void markRefusesOutOfOrderMilestones() {
        ok(ir.run("mark", "started", "--at", "14:54"));
        refused(2, "mitigated at 2015-10-21T14:50:00Z would be before started (2015-10-21T14:54:00Z)",
                "mark", "mitigated", "--at", "14:50");
        ok(ir.run("mark", "mitigated", "--at", "15:20"));
        refused(2, "started at 2015-10-21T15:25:00Z would be after mitigated", "mark", "started", "--at", "15:25");
        refused(2, "resolved at 2015-10-21T15:10:00Z would be before mitigated", "resolve", "--at", "15:10");
    }

    @Test
    void markRefusesUnknownMilestonesAndBadTimes() {
        refused(2, "unknown milestone 'fixed': use one of started, detected, acknowledged, mitigated, resolved",
                "mark", "fixed");
        refused(2, "unknown milestone 'closed'", "mark", "closed");
        refused(2, "invalid time for --at '2015-13-45 10:00'", "mark", "started", "--at", "2015-13-45 10:00");
    }

    // ---- set and add -------------------------------------------------------------------------------------------

    @Test
    void setKeepsMultiLineTextFromStdinAndAddsNoEvent() {
        int events = events();
        ok(ir.runWithInput("Search failed for everyone.\n\nSecond paragraph.\n", "set", "root-cause", "-"));
        assertThat(ir.yaml(id).get("root_cause").asText()).isEqualTo("Search failed for everyone.\n\n"
                + "Second paragraph.");
        assertThat(events()).isEqualTo(events);
        assertThat(head().getFullMessage()).startsWith(id + ": set root-cause\n").contains("Ir-Event: set");
        assertThat(ir.read("incidents/" + id + ".yaml")).contains("root_cause: |");
        ok(ir.run("set", "title", "Sonnet", "search", "outage"));
        assertThat(ir.yaml(id).get("title").asText()).isEqualTo("Sonnet search outage");
        assertThat(events()).isEqualTo(events);
    }

    @Test
    void setRefusesUnknownFieldsAndEmptyValues() {
        refused(2, "unknown field 'went-well'", "set", "went-well", "x");
        refused(2, "the value is empty", "set", "summary", " ");
    }

    @Test
    void addAppendsToListsWithoutDuplicatesOrEvents() {
        int events = events();
        ok(ir.run("add", "went-well", "rollback", "took", "two", "minutes"));
        ok(ir.run("add", "tags", "search", "corpus"));
        int commits = ir.commits().size();
        ok(ir.run("add", "tag", "search"));
        assertThat(ir.commits()).hasSize(commits);
        ok(ir.run("add", "links", "https://example.com/a"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("went_well").get(0).asText()).isEqualTo("rollback took two minutes");
        assertThat(y.get("tags").size()).isEqualTo(2);
        assertThat(y.get("links").get(0).asText()).isEqualTo("https://example.com/a");
        assertThat(events()).isEqualTo(events);
        assertThat(head().getFullMessage()).contains("Ir-Event: add");
    }

    @Test
    void addRefusesUnknownLists() {
        refused(2, "unknown list 'summary'", "add", "summary", "x");
    }

    // ---- edit --------------------------------------------------------------------------------------------------

    private String editor(String name, String script) throws Exception {
        Path f = dir.resolve("..").resolve(dir.getFileName() + "-" + name + ".sh").normalize();
        java.nio.file.Files.writeString(f, "#!/bin/sh\n" + script + "\n");
        return "sh " + f;
    }

    @Test
    void editCommitsAValidEditWithoutAnEvent() throws Exception {
        int events = events();
        ir.env("EDITOR", editor("ok", "sed -i 's/^title: .*/title: Edited title\\nsummary: From the editor/' \"$1\""));
        ok(ir.run("edit"));
        JsonNode y = ir.yaml(id);
        assertThat(y.get("title").asText()).isEqualTo("Edited title");
        assertThat(y.get("summary").asText()).isEqualTo("From the editor");
        assertThat(events()).isEqualTo(events);
        assertThat(head().getFullMessage()).startsWith(id + ": edit\n");
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void editCannotCloseAnIncidentWhoseRequiredPostmortemIsNotReviewed() throws Exception {
        ok(ir.run("resolve", "--at", "15:25", "all", "clear"));
        ir.env("EDITOR", editor("close", "sed -i 's/^status: .*/status: closed/' \"$1\""));
        refused(2, "invalid: " + id + " cannot be closed yet: a post-mortem is required for SEV-2", "edit");
        assertThat(ir.yaml(id).get("status").asText()).isEqualTo("resolved");
    }

    @Test
    void editPrefersVisualOverEditor() throws Exception {
        ir.env("EDITOR", "false");
        ir.env("VISUAL", editor("visual", "sed -i 's/^severity: .*/severity: SEV-1/' \"$1\""));
        ok(ir.run("edit"));
        assertThat(ir.yaml(id).get("severity").asText()).isEqualTo("SEV-1");
    }

    @Test
    void editRefusesInvalidYamlAndKeepsTheEditedText() throws Exception {
        ir.env("EDITOR", editor("bad", "printf 'title: [unclosed\\n' >> \"$1\""));
        Result r = refused(2, "invalid:", "edit");
        assertThat(r.err()).doesNotContain("restore it with git");
        String kept = r.err().substring(r.err().indexOf("--from ") + 7, r.err().lastIndexOf("')"));
        assertThat(Path.of(kept)).exists().startsWith(dir.resolve(".git/ir"));
        assertThat(java.nio.file.Files.readString(Path.of(kept))).endsWith("title: [unclosed\n");

        // Fixing the kept text and saving it commits it.
        ir.env("EDITOR", editor("fix", "sed -i -e '/^title: \\[unclosed/d' -e 's/^title: .*/title: Fixed/' \"$1\""));
        ok(ir.run("edit", "--from", kept));
        assertThat(ir.yaml(id).get("title").asText()).isEqualTo("Fixed");
    }

    @Test
    void editRefusesUnknownSeverityAndOutOfOrderMilestones() throws Exception {
        ir.env("EDITOR", editor("sev", "sed -i 's/^severity: .*/severity: SEV-9/' \"$1\""));
        refused(2, "unknown severity 'SEV-9'", "edit");
        ok(ir.run("mark", "started", "--at", "14:54"));
        ir.env("EDITOR", editor("order", "sed -i 's/^started_at: .*/started_at: 2015-10-21T16:00:00Z\\n"
                + "mitigated_at: 2015-10-21T15:00:00Z/' \"$1\""));
        refused(2, "would be before started", "edit");
    }

    @Test
    void editRefusesWithoutAnEditorOrWhenTheEditorFails() {
        ir.env("EDITOR", null).env("VISUAL", null);
        refused(2, "no editor: set $EDITOR", "edit");
        ir.env("EDITOR", "false");
        refused(1, "the editor exited with status 1: nothing changed", "edit");
    }

    @Test
    void editWithNoChangesCommitsNothing() {
        ir.env("EDITOR", "true");
        int commits = ir.commits().size();
        Result r = ok(ir.run("edit"));
        assertThat(r.err()).contains("no changes");
        assertThat(ir.commits()).hasSize(commits);
    }

    // ---- action items ----------------------------------------------------------------------------------------

    @Test
    void actionAddRecordsTheItemAndAnEvent() {
        Result r = ok(ir.run("action", "add", "alert", "on", "search", "errors", "--owner", "Bob", "--due",
                "2015-11-04", "--type", "prevent", "--link", "https://jira.example.com/OPS-1"));
        String actionId = r.out().strip();
        JsonNode a = ir.yaml(id).get("actions").get(0);
        assertThat(a.get("id").asText()).isEqualTo(actionId);
        assertThat(a.get("text").asText()).isEqualTo("alert on search errors");
        assertThat(a.get("type").asText()).isEqualTo("prevent");
        assertThat(a.get("owner").asText()).isEqualTo("Bob");
        assertThat(a.get("due").asText()).isEqualTo("2015-11-04");
        assertThat(a.get("status").asText()).isEqualTo("open");
        assertThat(a.get("link").asText()).isEqualTo("https://jira.example.com/OPS-1");
        assertThat(lastEvent().get("type").asText()).isEqualTo("action-item");
        assertThat(lastEvent().get("action").asText()).isEqualTo(actionId);
        assertThat(head().getFullMessage()).contains("Ir-Event: action-item");
    }

    @Test
    void actionOwnerMeIsTheResponder() {
        ok(ir.run("action", "add", "write", "the", "runbook", "--owner", "me"));
        assertThat(ir.yaml(id).get("actions").get(0).get("owner").asText()).isEqualTo(IrTester.ALICE);
        ok(ir.run("action", "add", "page", "the", "team", "--owner", "James Jameson"));
        List<String> mine = ok(ir.run("actions", "--owner", "me")).out().lines().toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0)).contains("write the runbook");
    }

    @Test
    void actionDoneFindsAnItemByPrefixAcrossIncidents() {
        String actionId = ok(ir.run("action", "add", "fix", "it")).out().strip();
        ir.open("Another one");
        ir.advance(Duration.ofMinutes(1));
        ok(ir.run("action", "done", actionId.substring(0, 5)));
        assertThat(ir.yaml(id).get("actions").get(0).get("status").asText()).isEqualTo("done");
        assertThat(lastEvent().get("status").asText()).isEqualTo("done");
        refused(2, "is already done", "action", "done", actionId);
    }

    @Test
    void actionRefusesBadInput() {
        refused(2, "unknown action type 'later'", "action", "add", "x", "--type", "later");
        refused(2, "invalid date for --due 'soon'", "action", "add", "x", "--due", "soon");
        refused(3, "no action item 'zzz'", "action", "done", "zzz");
        refused(2, "the action item is empty", "action", "add", " ");
    }

    @Test
    void actionDoneRefusesAnAmbiguousPrefix() {
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            ids.add(ok(ir.run("action", "add", "item " + n)).out().strip());
        }
        String prefix = null;
        for (String a : ids) {
            for (String b : ids) {
                if (a != b && a.charAt(0) == b.charAt(0)) {
                    prefix = a.substring(0, 1);
                }
            }
        }
        assertThat(prefix).isNotNull();
        refused(3, "matches", "action", "done", prefix);
    }

    @Test
    void actionsListsAcrossIncidentsWithOverdueMarked() {
        ok(ir.run("action", "add", "late", "one", "--owner", "Bob <bob@example.com>", "--due", "2015-10-01"));
        String other = ir.open("Second incident");
        ok(ir.run("action", "add", "-i", other, "later", "one", "--owner", "Carol", "--due", "+7d"));
        String doneId = ok(ir.run("action", "add", "-i", other, "finished")).out().strip();
        ok(ir.run("action", "done", doneId));

        Result all = ok(ir.run("actions"));
        List<String> lines = all.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("OVERDUE").contains(id).contains("late one");
        assertThat(lines.get(1)).doesNotContain("OVERDUE").contains("2015-10-28").contains(other);
        assertThat(lines.get(2)).startsWith("[x]");

        JsonNode json = ok(ir.run("actions", "--open", "--json")).json();
        assertThat(json.size()).isEqualTo(2);
        assertThat(json.get(0).get("incident").asText()).isEqualTo(id);
        assertThat(json.get(0).get("overdue").asBoolean()).isTrue();
        assertThat(json.get(1).get("overdue").asBoolean()).isFalse();

        JsonNode mine = ok(ir.run("actions", "-i", other, "--json")).json();
        assertThat(mine.size()).isEqualTo(2);
        refused(3, "no incident matches 'nope'", "actions", "-i", "nope");

        JsonNode bob = ok(ir.run("actions", "--owner", "BOB", "--json")).json();
        assertThat(bob.size()).isEqualTo(1);
        assertThat(bob.get(0).get("text").asText()).isEqualTo("late one");
    }

    // ---- history and show --as-of ------------------------------------------------------------------------------

    @Test
    void historyListsTheIncidentsCommitsOldestFirst() {
        ok(ir.run("severity", "1"));
        ir.advance(Duration.ofMinutes(1));
        ok(ir.run("log", "something"));
        ir.open("Unrelated");
        JsonNode h = ok(ir.run("history", "-i", id, "--json")).json();
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.get(0).get("subject").asText()).startsWith(id + ": declare");
        assertThat(h.get(0).get("event").asText()).isEqualTo("declared");
        assertThat(h.get(0).get("author").asText()).isEqualTo(IrTester.ALICE);
        assertThat(h.get(0).get("at").asText()).isEqualTo("2015-10-21T15:01:30Z");
        assertThat(h.get(2).get("at").asText()).isEqualTo("2015-10-21T15:31:00Z");
        assertThat(h.get(2).get("commit").asText()).isEqualTo(ir.commits().get(1).getName());
        refused(3, "no incident matches 'nope'", "history", "-i", "nope");
    }

    @Test
    void showAsOfACommitOrATimeShowsTheIncidentAsItWas() {
        ir.at("2015-10-21T15:10:00Z");
        ok(ir.run("severity", "1"));
        ir.at("2015-10-21T15:20:00Z");
        ok(ir.run("status", "identified"));
        String declared = ok(ir.run("history", "--json")).json().get(0).get("commit").asText();

        JsonNode atCommit = ok(ir.run("show", "--json", "--as-of", declared.substring(0, 10))).json();
        assertThat(atCommit.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(atCommit.get("computed").get("as_of").asText()).isEqualTo("2015-10-21T15:01:30Z");

        JsonNode atTime = ok(ir.run("show", "--json", "--as-of", "15:15")).json();
        assertThat(atTime.get("severity").asText()).isEqualTo("SEV-1");
        assertThat(atTime.get("status").asText()).isEqualTo("investigating");

        Result text = ok(ir.run("show", "--as-of", "15:15"));
        assertThat(text.out()).contains("SEV-1 · investigating");
        assertThat(text.err()).contains("As of");
    }

    @Test
    void showAsOfRefusesUnknownCommitsAndTimesBeforeTheIncident() {
        refused(3, "no commit 'deadbeef1234'", "show", "--as-of", "deadbeef1234");
        refused(3, "was not declared yet at 2015-10-21T14:00:00Z", "show", "--as-of", "14:00");
    }

    // ---- help --------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"severity", "role", "status", "resolve", "reopen", "mark", "set", "add", "edit",
            "action", "action add", "action done", "actions", "history", "show"})
    void everyCommandHasHelpWithAnExample(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Result r = ok(ir.run(args.toArray(new String[0])));
        assertThat(r.out()).contains("Example").contains("  ir " + command.split(" ")[0]);
    }
}
