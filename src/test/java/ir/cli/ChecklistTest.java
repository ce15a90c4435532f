package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Clones;
import ir.testing.GfmTables;
import ir.testing.IrTester;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** Checklists per role, severity and type (docs/checklists.md), with the default ir.yaml that ir init writes. */
class ChecklistTest {
    private static final String BOB = "Bob <bob@example.com>";

    @TempDir
    Path tmp;
    IrTester ir;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp.resolve("ws"));
    }

    private static List<String> ids(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("checklist").forEach(x -> out.add(x.get("id").asText()));
        return out;
    }

    private JsonNode item(IrTester t, String id, String item) {
        for (JsonNode x : ok(t.run("checklist", "-i", id, "--json")).json().get("items")) {
            if (x.get("id").asText().equals(item)) {
                return x;
            }
        }
        throw new AssertionError("no item " + item);
    }

    @Test
    void aSev1SecurityIncidentGetsTheCommandersTheSeveritysAndTheTypesItems() {
        String id = ir.open("Leaked API key", "--type", "security", "--commander", IrTester.ALICE);
        JsonNode y = ir.yaml(id);
        assertThat(y.get("type").asText()).isEqualTo("security");
        assertThat(y.get("severity").asText()).as("the type's default severity").isEqualTo("SEV-1");
        assertThat(ids(y)).containsExactly(
                "commander.announce", "commander.appoint-deputy-scribe", "commander.size-up",
                "commander.decide-public-comms", "commander.bring-in-experts", "commander.regular-status",
                "sev-1.page-commander", "sev-1.open-bridge", "sev-1.first-public-post",
                "security.restrict-channel", "security.preserve-evidence", "security.rotate-credentials",
                "security.involve-legal");
        JsonNode first = y.get("checklist").get(0);
        assertThat(first.get("role").asText()).isEqualTo("commander");
        assertThat(first.get("within").asText()).isEqualTo("5m");
        assertThat(first.get("added_at").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(y.get("checklist").get(6).get("severity").asText()).isEqualTo("SEV-1");
        assertThat(y.get("checklist").get(9).get("type").asText()).isEqualTo("security");

        // A role taken later adds its items then, due from that moment; ir role shows them to the person.
        ir.advance(Duration.ofMinutes(3));
        var r = ok(ir.run("role", "scribe", BOB));
        assertThat(r.out()).contains("Scribe checklist for " + BOB).contains("scribe.keep-timeline")
                .contains("(due 2026-11-28 10:13Z)");
        JsonNode scribe = item(ir, id, "scribe.keep-timeline");
        assertThat(scribe.get("added_at").asText()).isEqualTo("2026-11-28T10:03:00Z");
        assertThat(scribe.get("due_at").asText()).isEqualTo("2026-11-28T10:13:00Z");
        assertThat(ok(ir.run("checklist", "--role", "scribe")).out().lines()).hasSize(3);

        // Editing ir.yaml later rewrites no history: the snapshot stays.
        List<String> before = ids(ir.yaml(id));
        String yaml = ir.read("ir.yaml").replace("      - {id: rotate-credentials, text: Rotate the credentials that "
                + "may be exposed}\n", "");
        assertThat(yaml).isNotEqualTo(ir.read("ir.yaml"));
        write("ir.yaml", yaml);
        ok(ir.run("log", "still investigating"));
        assertThat(ids(ir.yaml(id))).isEqualTo(before);
        assertThat(ok(ir.run("checklist")).out()).contains("security.rotate-credentials");
    }

    @Test
    void aTypeSetLaterAndAnEscalationAddTheirItems() {
        String id = ir.open("Checkout slow", "--severity", "SEV-3");
        assertThat(ir.yaml(id).has("checklist")).as("SEV-3 and no roles: no steps").isFalse();
        ir.advance(Duration.ofMinutes(1));
        ok(ir.run("set", "type", "outage"));
        assertThat(ir.yaml(id).get("type").asText()).isEqualTo("outage");
        assertThat(ir.yaml(id).get("severity").asText()).as("the severity stays").isEqualTo("SEV-3");
        ok(ir.run("severity", "SEV-2"));
        assertThat(ids(ir.yaml(id))).containsExactly("outage.confirm-impact", "outage.recent-changes",
                "sev-2.page-commander", "sev-2.open-bridge");
        assertThat(ok(ir.run("show")).out()).contains("type: outage").contains("checklist: 0 of 4 done (ir checklist)");
        ir.assertRefused(2, "ir: unknown incident type 'nope': use one of outage, security", "set", "type", "nope");
        ir.assertRefused(2, "ir: unknown incident type 'nope'", "open", "x", "--type", "nope");
    }

    @Test
    void itemsDoneAndSkippedInTwoClonesMerge() {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout down", "--severity", "SEV-2", "--commander", IrTester.ALICE);
        ok(a.run("sync"));
        IrTester b = Clones.clone(bare, tmp.resolve("b"), BOB);

        a.advance(Duration.ofMinutes(2));
        ok(a.run("checklist", "done", "announce"));
        ok(a.run("set", "type", "outage"));
        b.advance(Duration.ofMinutes(3));
        ok(b.run("checklist", "-i", id, "skip", "sev-2.open-bridge", "the", "team", "is", "in", "one", "room"));
        ok(b.run("role", "-i", id, "scribe", "me"));

        ok(a.run("sync"));
        ok(b.run("sync"));
        ok(a.run("sync"));
        assertThat(a.read("incidents/" + id + ".yaml")).isEqualTo(b.read("incidents/" + id + ".yaml"));
        List<String> merged = ids(a.yaml(id));
        assertThat(merged).contains("commander.announce", "sev-2.open-bridge", "outage.confirm-impact",
                "scribe.keep-timeline").doesNotHaveDuplicates();
        for (IrTester t : List.of(a, b)) {
            JsonNode done = item(t, id, "commander.announce");
            assertThat(done.get("state").asText()).isEqualTo("done");
            assertThat(done.get("by").asText()).isEqualTo(IrTester.ALICE);
            assertThat(done.get("on_time").asBoolean()).isTrue();
            JsonNode skipped = item(t, id, "sev-2.open-bridge");
            assertThat(skipped.get("state").asText()).isEqualTo("skipped");
            assertThat(skipped.get("by").asText()).isEqualTo(BOB);
            assertThat(skipped.get("reason").asText()).isEqualTo("the team is in one room");
            assertThat(item(t, id, "scribe.keep-timeline").get("state").asText()).isEqualTo("open");
        }
    }

    @Test
    void checkFlagsAnItemPastItsWithin() {
        String id = ir.open("Search down", "--severity", "SEV-4", "--type", "outage");
        ir.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(ir.run("check").exit()).isZero();
        ir.advance(Duration.ofSeconds(1));
        var r = ir.run("check", "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode f = r.json().get("findings").get(0);
        assertThat(f.get("rule").asText()).isEqualTo("checklist");
        assertThat(f.get("subject").asText()).isEqualTo("outage.confirm-impact");
        assertThat(f.get("due_since").asText()).isEqualTo("2026-11-28T10:10:00Z");
        assertThat(r.json().get("findings")).hasSize(1);
        assertThat(ok(ir.run("checklist")).out()).contains("[!] outage.confirm-impact");

        ok(ir.run("checklist", "done", "confirm-impact", "--at", "2026-11-28T10:09:00Z"));
        assertThat(ir.run("check").exit()).isZero();
        assertThat(item(ir, id, "outage.confirm-impact").get("on_time").asBoolean()).isTrue();
        ir.advance(Duration.ofMinutes(6));
        var late = ir.run("check");
        assertThat(late.exit()).isEqualTo(1);
        assertThat(late.out()).contains("checklist  checklist step outage.recent-changes");
        ok(ir.run("checklist", "skip", "recent-changes", "no deploys this week"));
        assertThat(ir.run("check").exit()).isZero();
        assertThat(item(ir, id, "outage.recent-changes").get("on_time").asBoolean()).isFalse();
    }

    @Test
    void thePostmortemHasAChecklistTableAndItsEventsStayOutOfTheTimeline() {
        String id = ir.open("Leaked API key", "--type", "security", "--commander", IrTester.ALICE);
        ir.advance(Duration.ofMinutes(2));
        ok(ir.run("checklist", "done", "announce"));
        ok(ir.run("checklist", "skip", "first-public-post", "no customer data exposed"));
        ok(ir.run("log", "key revoked"));
        String md = ok(ir.run("postmortem", "--stdout")).out();
        GfmTables.check(md);
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).contains("Checklist");
        List<List<String>> rows = doc.tableAfter("Checklist");
        assertThat(rows).hasSize(13);
        // (The person's address is an autolink: its text has no angle brackets.)
        String alice = "Alice Responder alice@example.com";
        assertThat(rows.get(0)).containsExactly("Announce yourself as incident commander on the bridge and in the "
                + "channel", "commander", "2026-11-28 10:05", "done", alice, "2026-11-28 10:02", "");
        assertThat(rows).anySatisfy(row -> assertThat(row).containsExactly(
                "Post the first public status update", "SEV-1 (severity)",
                "2026-11-28 10:15", "skipped", alice, "2026-11-28 10:02", "no customer data exposed"));
        assertThat(rows).anySatisfy(row -> assertThat(row.get(3)).isEqualTo("not done"));
        List<String> timeline = new ArrayList<>();
        doc.tableAfter("Timeline").forEach(row -> timeline.add(String.join(" | ", row)));
        assertThat(timeline).anyMatch(t -> t.contains("key revoked")).noneMatch(t -> t.contains("Done:"))
                .noneMatch(t -> t.contains("Skipped:"));
        // The public version names who did a step by their role, like everywhere else in it.
        String redacted = ok(ir.run("postmortem", "--redact")).out();
        assertThat(MarkdownDoc.parse(redacted).tableAfter("Checklist").get(0).get(4)).isEqualTo("Incident Commander");
        assertThat(redacted).doesNotContain("alice@example.com");
        assertThat(id).isNotBlank();
    }

    @Test
    void aMalformedChecklistIsReportedByKeyAndLine() {
        write("ir.yaml", """
                severities: [SEV-1, SEV-2]
                statuses: [investigating, resolved, closed]
                postmortem: {required_for: [SEV-1]}
                roles:
                  - name: commander
                    checklist:
                      - Announce yourself
                      - {text: Size up, within: soon}
                """);
        ir.assertRefused(1, "ir: ir.yaml: 'roles.commander.checklist[2]' at line 8: 'within' is 'soon', not a "
                + "duration", "list");
        write("ir.yaml", """
                severities:
                  - name: SEV-1
                    checklist: open a bridge
                statuses: [investigating, resolved]
                """);
        ir.assertRefused(1, "ir: ir.yaml: 'severities.SEV-1.checklist' at line 3: must be a list of steps", "list");
        write("ir.yaml", """
                severities: [SEV-1]
                statuses: [investigating, resolved]
                types:
                  - name: outage
                    checklist:
                      - {text: Confirm impact, within: 5m, owner: me}
                """);
        ir.assertRefused(1, "ir: ir.yaml: 'types.outage.checklist[1]' at line 6: unknown key 'owner'", "list");
        write("ir.yaml", """
                severities: [SEV-1]
                statuses: [investigating, resolved]
                types:
                  - name: outage
                    severity: SEV-9
                """);
        ir.assertRefused(1, "ir: ir.yaml: 'types.outage.severity' at line 5: 'SEV-9' is not one of SEV-1", "list");
    }

    @Test
    void stepsWithoutAnIdGetASlugAndAnIrYamlWithoutTheNewKeysStaysValid() {
        write("ir.yaml", """
                severities: [SEV-1, SEV-2]
                statuses: [investigating, resolved, closed]
                postmortem: {required_for: [SEV-1]}
                roles:
                  - name: commander
                    checklist:
                      - Announce yourself on the bridge now please
                      - Announce yourself on the bridge again
                  - name: scribe
                """);
        String id = ir.open("Queue backlog", "--severity", "SEV-2", "--commander", "me");
        assertThat(ids(ir.yaml(id))).containsExactly("commander.announce-yourself-on-the",
                "commander.announce-yourself-on-the-2");
        ir.assertRefused(2, "ir: checklist item 'announce' is ambiguous: use one of "
                + "commander.announce-yourself-on-the, commander.announce-yourself-on-the-2", "checklist", "done",
                "announce");
        ir.assertRefused(2, "ir: say why the step is skipped", "checklist", "skip",
                "commander.announce-yourself-on-the");
        ok(ir.run("checklist", "done", "commander.announce-yourself-on-the-2"));
        ir.assertRefused(2, "ir: commander.announce-yourself-on-the-2 is already done", "checklist", "done",
                "commander.announce-yourself-on-the-2");

        // An ir.yaml written before checklists (roles without steps, no types) is still valid and asks nothing.
        write("ir.yaml", "severities: [SEV-1, SEV-2]\nroles: [commander, scribe]\n"
                + "statuses: [investigating, resolved]\n");
        String plain = ir.open("No steps", "--severity", "SEV-1", "--commander", "me");
        assertThat(ir.yaml(plain).has("checklist")).isFalse();
        assertThat(ir.yaml(plain).has("type")).isFalse();
        var r = ok(ir.run("checklist", "-i", plain));
        assertThat(r.err()).contains("has no checklist steps");
        ir.assertRefused(2, "ir: " + plain + " has no checklist", "checklist", "-i", plain, "done", "x");
    }

    @Test
    void jsonOutputParsesWithAStableShape() {
        String id = ir.open("Leaked API key", "--type", "security");
        JsonNode doc = ok(ir.run("checklist", "--json")).json();
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("version", "incident", "type", "items");
        assertThat(doc.get("incident").asText()).isEqualTo(id);
        assertThat(doc.get("type").asText()).isEqualTo("security");
        List<String> itemKeys = new ArrayList<>();
        doc.get("items").get(0).fieldNames().forEachRemaining(itemKeys::add);
        assertThat(itemKeys).containsExactly("id", "text", "scope", "owner", "within", "added_at", "due_at", "state",
                "by", "at", "reason", "on_time");
        assertThat(doc.get("items").get(0).get("id").asText()).isEqualTo("sev-1.page-commander");
    }

    @Test
    void theShellShowsTheChecklistOfARoleTaken() {
        ir.open("Checkout down", "--severity", "SEV-3");
        var r = ok(ir.runWithInput("/role scribe Bob <bob@example.com>\n", "shell"));
        assertThat(r.out()).contains("Scribe checklist for " + BOB).contains("scribe.keep-timeline");
    }

    @Test
    void aTypesOwnPostmortemAndUpdateTemplatesAreUsed() {
        write("ir.yaml", ir.read("ir.yaml").replace("""
                  - name: security
                    description: Suspected unauthorized access, leaked credentials or exposed data
                """, """
                  - name: security
                    postmortem_template: docs/security.mustache
                    update_template: docs/security-update.mustache
                    description: Suspected unauthorized access, leaked credentials or exposed data
                """));
        write("docs/security.mustache", "Security review: {{title}}\n");
        write("docs/security-update.mustache", "Security update for {{title}}\n");
        ir.open("Leaked API key", "--type", "security");
        assertThat(ok(ir.run("postmortem", "--stdout")).out()).isEqualTo("Security review: Leaked API key\n");
        assertThat(ok(ir.run("update", "--audience", "internal", "--dry-run", "rotating")).out())
                .contains("Security update for Leaked API key");
        ir.open("Checkout down", "--type", "outage");
        assertThat(ok(ir.run("postmortem", "--stdout")).out()).contains("## Checklist");
    }

    private void write(String relative, String text) {
        try {
            Files.createDirectories(ir.dir().resolve(relative).getParent());
            Files.writeString(ir.dir().resolve(relative), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
