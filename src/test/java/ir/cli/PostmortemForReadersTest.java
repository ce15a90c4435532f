package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Fixtures;
import ir.testing.GfmTables;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered post-mortem is a document for readers: its timeline tells the incident (no bookkeeping), each change is
 * said once, it holds no instructions for the tool, its tables are well formed, and {@code --redact} gives a public
 * version without names or e-mail addresses.
 */
class PostmortemForReadersTest {
    /** Anything that looks like an e-mail address. */
    static final Pattern ANY_EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    static final Pattern DOUBLED = Pattern.compile("(?i)(?<![\\p{L}])(\\p{L}{2,})(?:[^\\p{L}\\p{N}<>]+)\\1(?![\\p{L}])");
    static final Pattern TOOL = Pattern.compile("`ir |\\bir (open|log|set|add|action|role|postmortem|mark|status|"
            + "resolve|severity|edit)\\b|--[a-z]{3,}");
    static final String ALICE = "Alice Responder <alice@example.com>";
    static final String BOB = "Bob Builder <bob@example.com>";
    static final String CAROL = "Carol Chen <carol@example.com>";
    static final String DAVE = "Dave Ops <dave@example.com>";

    @TempDir
    Path dir;
    IrTester ir;
    String id;

    @BeforeEach
    void respond() throws IOException {
        ir = IrTester.workspace(dir).at("2026-11-28T15:01:00Z");
        Files.writeString(dir.resolve("ir.yaml"), CustomFieldsTest.FIELDS, StandardOpenOption.APPEND);
        id = ir.open("Checkout latency spike", "--severity", "SEV-2", "--as", ALICE);
        ok(ir.run("mark", "started", "--at", "14:54", "--as", ALICE));
        ir.at("2026-11-28T15:03:00Z");
        ok(ir.run("severity", "SEV-1", "--reason", "checkout failing in all regions", "--as", ALICE));
        ok(ir.run("role", "commander", BOB, "--as", ALICE));
        ok(ir.run("role", "scribe", ALICE, "--as", ALICE));
        ir.at("2026-11-28T15:30:00Z");
        ok(ir.run("role", "commander", CAROL, "--as", BOB));
        ok(ir.run("log", "Bob Builder paged dave@example.com and the DBA list <dba-team@example.com>; "
                + "ask @carol for access", "--as", CAROL));
        ok(ir.run("status", "identified", "release 412 shrank the pool", "--as", CAROL));
        ir.at("2026-11-28T15:45:00Z");
        ok(ir.run("log", "--important", "Roll back release 412 | all regions", "--as", CAROL));
        ir.at("2026-11-28T16:00:00Z");
        ok(ir.run("status", "monitoring", "rollback done", "--as", CAROL));
        ir.at("2026-11-28T16:30:00Z");
        ok(ir.run("resolve", "--as", CAROL));
        ir.at("2026-11-29T10:00:00Z");
        ok(ir.run("action", "add", "Deploy region by region", "--type", "prevent", "--owner", DAVE, "--due",
                "2026-12-12", "--as", ALICE));
        ok(ir.run("action", "add", "Alert | page the payments team\nfirst", "--type", "process", "--owner", CAROL,
                "--as", ALICE));
        ok(ir.run("set", "summary", "Carol Chen rolled back release 412 after Bob paged the team "
                + "(bob@example.com)."));
        ok(ir.run("set", "database-setup", "Owned by Dave Ops <dave@example.com>; one primary."));
        ok(ir.run("add", "broken-recovery-procedures", "the runbook said: mail alice@example.com"));
        ok(ir.run("add", "went-well", "Carol took over command quickly."));
        addMergeEvent();
    }

    /** A merge event, as ir sync writes one after concurrent changes. */
    private void addMergeEvent() {
        String path = "incidents/" + id + ".yaml";
        String yaml = ir.read(path);
        Fixtures.writeFile(ir, path, yaml.replace("\ntimeline:\n", "\ntimeline:\n" + """
                  - id: mzzzzzzzzzzz
                    at: 2026-11-28T15:31:00Z
                    author: ir merge
                    type: merge
                    text: 'concurrent changes to summary: kept A, lost B (the later change wins)'
                    field: summary
                    kept: A
                    lost: B
                """));
        Fixtures.commit(ir, path, "merge");
    }

    @Test
    void theTimelineTellsTheIncidentWithoutBookkeepingRows() {
        String md = ok(ir.run("postmortem", "--stdout")).out();

        List<List<String>> rows = MarkdownDoc.parse(md).tableAfter("Timeline");
        List<String> story = new ArrayList<>();
        for (JsonNode e : ir.yaml(id).get("timeline")) {
            String type = e.get("type").asText();
            if (!type.equals("action-item") && !type.equals("merge")) {
                story.add(e.get("at").asText().substring(0, 16).replace('T', ' '));
            }
        }
        assertThat(ir.yaml(id).get("timeline")).anyMatch(e -> e.get("type").asText().equals("action-item"))
                .anyMatch(e -> e.get("type").asText().equals("merge"));
        assertThat(rows).extracting(r -> r.get(0)).containsExactlyElementsOf(story);
        assertThat(rows).noneMatch(r -> r.get(2).contains("Deploy region by region"))
                .noneMatch(r -> r.get(2).contains("concurrent changes"));
        // The action items table carries them instead.
        assertThat(MarkdownDoc.parse(md).tableAfter("Action items")).extracting(r -> r.get(0))
                .contains("Deploy region by region");
    }

    @Test
    void eachChangeIsSaidOnce() {
        String md = ok(ir.run("postmortem", "--stdout")).out();

        List<String> events = MarkdownDoc.parse(md).tableAfter("Timeline").stream().map(r -> r.get(2)).toList();
        assertThat(events).contains("Impact started", "Declared SEV-2: Checkout latency spike",
                "Severity SEV-2 → SEV-1: checkout failing in all regions",
                "Status investigating → identified: release 412 shrank the pool",
                "Status identified → monitoring: rollback done", "Status monitoring → resolved");
        for (String line : withoutFences(md)) {
            Matcher m = DOUBLED.matcher(line);
            assertThat(m.find()).as("doubled word '%s' in: %s", m.hitEnd() ? "" : m.group(), line).isFalse();
        }
    }

    @Test
    void theDocumentHoldsNoInstructionsForTheTool(@TempDir Path other) {
        String full = ok(ir.run("postmortem", "--stdout")).out();
        IrTester empty = IrTester.workspace(other);
        empty.open("Search is slow");
        String blank = ok(empty.run("postmortem", "--stdout")).out();

        for (String md : List.of(full, blank)) {
            assertThat(md).doesNotContainPattern(TOOL);
            assertThat(md).containsPattern("(?m)^- \\*\\*Status:\\*\\* (Draft|In review|Reviewed)$");
        }
    }

    @Test
    void everyTableIsWellFormedGfm() {
        String md = ok(ir.run("postmortem", "--stdout")).out();

        List<GfmTables.Table> tables = GfmTables.check(md);

        assertThat(tables).extracting(t -> t.header().get(0)).contains("Severity", "Measure", "Milestone", "Role",
                "Item", "Time (UTC)");
        GfmTables.Table actions = tables.stream().filter(t -> t.header().get(0).equals("Item")).findFirst()
                .orElseThrow();
        assertThat(actions.rows()).hasSize(2);
        assertThat(actions.rows().get(1).get(0)).isEqualTo("Alert \\| page the payments team<br>first");
        assertThat(MarkdownDoc.parse(md).tableAfter("Action items").get(1).get(0))
                .isEqualTo("Alert | page the payments team<br>first");
        GfmTables.check(ok(ir.run("postmortem", "--stdout", "--redact")).out());
    }

    @Test
    void theHelperCatchesBrokenTables() {
        String good = "| a | b |\n|---|---|\n| 1 | 2 |\n";
        assertThat(GfmTables.check(good)).hasSize(1);
        for (String bad : List.of("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", "| a | b |\n|---|---|---|\n| 1 | 2 |\n",
                "| a | b |\n|---|---|\n| 1 | two\nlines |\n", "| a | b |\n|---|---|\n| 1 | x | y |\n")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> GfmTables.check(bad)).as(bad)
                    .isInstanceOf(AssertionError.class);
        }
        assertThat(GfmTables.check("```\n| a |\n|---|\n| 1 | 2 |\n```\n")).isEmpty();
    }

    @Test
    void redactShowsPeopleAsTheirRoleOrInitialsWithNoAddressAnywhereAndWritesNothing() {
        Map<String, String> before = ir.snapshot();
        int commits = ir.commits().size();

        Result r = ok(ir.run("postmortem", "--redact"));

        String md = r.out();
        assertThat(ANY_EMAIL.matcher(md).find()).as(md).isFalse();
        assertThat(md).doesNotContain("Alice", "Bob", "Carol", "Dave", "Builder", "Chen", "Responder <", "Ops <");
        MarkdownDoc doc = MarkdownDoc.parse(md);
        // Alice alone was scribe; Bob and Carol were both commander, so they get initials; Dave held no role.
        assertThat(doc.tableAfter("Responders")).containsExactly(List.of("Incident Commander", "CC (took over from BB)"),
                List.of("Scribe", "Scribe"));
        assertThat(md).contains("- **Authors:** CC, Scribe, BB\n");
        assertThat(doc.tableAfter("Action items")).extracting(row -> row.get(2)).containsExactly("DO", "CC");
        assertThat(doc.sectionText("Summary")).contains("CC rolled back release 412 after BB paged the team");
        assertThat(doc.sectionText("Database setup")).contains("Owned by DO; one primary.");
        assertThat(doc.sectionText("Broken recovery procedures")).contains("the runbook said: mail Scribe");
        assertThat(doc.tableAfter("Timeline")).anySatisfy(row -> assertThat(row).containsExactly("2026-11-28 15:30",
                "CC", "BB paged DO and the DBA list; ask @carol for access"));
        assertThat(doc.tableAfter("Timeline")).extracting(row -> row.get(2))
                .contains("Role: Scribe assigned", "Role: commander handed off from BB to CC");
        assertThat(ir.snapshot()).isEqualTo(before);
        assertThat(ir.commits()).hasSize(commits);

        assertThat(ok(ir.run("postmortem", "--redact", "--stdout")).out()).isEqualTo(md);
        String update = ok(ir.run("postmortem", "--redact", "--template", "update")).out();
        assertThat(ANY_EMAIL.matcher(update).find()).as(update).isFalse();
    }

    @Test
    void redactDropsAddressesATemplateItselfHolds() throws IOException {
        Files.writeString(dir.resolve("templates/public.md.mustache"), "Contact: press@example.com, "
                + "Ops <ops@example.com>\n{{#roles}}{{people}};{{/roles}}\n");
        String out = ok(ir.run("postmortem", "--redact", "--template", "public")).out();
        assertThat(out).isEqualTo("Contact: [address removed], Ops\nCC;Scribe;\n");
    }

    @Test
    void checkWithRedactLooksAtThePublicVersionAndChangesNothing() {
        Map<String, String> before = ir.snapshot();

        Result r = ir.run("postmortem", "--check", "--redact");

        assertThat(r.out()).contains("warning: the redacted post-mortem mentions @carol")
                .doesNotContain("still shows an e-mail address");
        assertThat(ir.snapshot()).isEqualTo(before);
        ir.assertRefused(2, "ir: --redact prints the public version and never writes a file", "postmortem",
                "--redact", "--force");
        ir.assertRefused(2, "ir: --redact prints the public version and never writes a file", "postmortem",
                "--redact", "--status", "reviewed");
    }

    private static List<String> withoutFences(String md) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : md.lines().toList()) {
            if (line.startsWith("```")) {
                in = !in;
            } else if (!in) {
                out.add(line);
            }
        }
        return out;
    }
}
