package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** Custom fields declared under {@code fields:} in ir.yaml: ir set/add/edit, the incident file, the post-mortem. */
class CustomFieldsTest {
    static final String FIELDS = """
            fields:
              - name: database_setup
                title: Database setup
                kind: text
                section: true
              - name: broken_recovery_procedures
                title: Broken recovery procedures
                kind: list
                section: true
              - name: publication
                title: Publication of the incident
                kind: text
              - name: ticket
            """;

    @TempDir
    Path dir;
    IrTester ir;
    String id;

    @BeforeEach
    void setUp() throws IOException {
        ir = IrTester.workspace(dir).at("2026-11-28T15:00:00Z");
        Files.writeString(dir.resolve("ir.yaml"), FIELDS, StandardOpenOption.APPEND);
        id = ir.open("Database outage", "--severity", "SEV-2");
    }

    @Test
    void setAndAddStoreDeclaredFieldsAsTopLevelKeysThatSurviveLaterRewrites() {
        int commits = ir.commits().size();

        ok(ir.run("set", "database-setup", "One primary,", "no replica in a second region."));
        ok(ir.run("add", "broken-recovery-procedures", "the restore runbook named a retired host"));
        ok(ir.runWithInput("backups were never test-restored\n", "add", "broken_recovery_procedures", "-"));
        ok(ir.run("set", "ticket", "OPS-42"));

        assertThat(ir.commits()).hasSize(commits + 4);
        assertThat(ir.commits().get(3).getShortMessage()).isEqualTo(id + ": set database-setup");
        assertThat(ir.commits().get(2).getShortMessage())
                .isEqualTo(id + ": add broken-recovery-procedures: the restore runbook named a retired host");
        assertThat(ir.changedPaths(ir.commits().get(0))).containsExactly("incidents/" + id + ".yaml");
        JsonNode y = ir.committedYaml(id);
        assertThat(y.get("database_setup").asText()).isEqualTo("One primary, no replica in a second region.");
        assertThat(strings(y.get("broken_recovery_procedures"))).containsExactly(
                "the restore runbook named a retired host", "backups were never test-restored");
        assertThat(y.get("ticket").asText()).isEqualTo("OPS-42");
        // Editing the document is not part of the incident's story.
        assertThat(y.get("timeline")).hasSize(1);

        Result again = ok(ir.run("add", "broken-recovery-procedures", "backups were never test-restored"));
        assertThat(again.err()).contains("already has it: nothing changed");
        assertThat(ir.commits()).hasSize(commits + 4);

        // Commands that rewrite the file keep the fields, values and order.
        ok(ir.run("log", "replica promoted"));
        ok(ir.run("severity", "SEV-1", "--reason", "all writes failing"));
        ok(ir.run("set", "summary", "The primary database failed."));
        JsonNode after = ir.committedYaml(id);
        assertThat(after.get("database_setup")).isEqualTo(y.get("database_setup"));
        assertThat(after.get("broken_recovery_procedures")).isEqualTo(y.get("broken_recovery_procedures"));
        assertThat(after.get("ticket").asText()).isEqualTo("OPS-42");
    }

    @Test
    void setAndAddRefuseUndeclaredFieldsAndTheWrongKindListingWhatTheyTake() {
        ir.assertRefused(2, "ir: unknown field 'database': use one of summary, impact, root-cause, trigger, "
                + "resolution, detection, title, type, database-setup, publication, ticket (lists", "set", "database",
                "x");
        ir.assertRefused(2, "ir: unknown list 'recovery': use one of went-well, went-wrong, got-lucky, tags, links, "
                + "broken-recovery-procedures (text fields", "add", "recovery", "x");
        ir.assertRefused(2, "ir: broken-recovery-procedures is a list field (ir.yaml): add entries with 'ir add "
                + "broken-recovery-procedures TEXT...'", "set", "broken-recovery-procedures", "x");
        ir.assertRefused(2, "ir: database-setup is a text field (ir.yaml): set it with 'ir set database-setup",
                "add", "database-setup", "x");
    }

    @Test
    void withoutDeclaredFieldsTheRefusalSaysWhereTeamsDeclareThem(@TempDir Path other) {
        IrTester plain = IrTester.workspace(other);
        plain.open("Search is slow");
        Result r = plain.assertRefused(2, "ir: unknown field 'database-setup'", "set", "database-setup", "x");
        assertThat(r.err()).contains("'fields:' in ir.yaml").doesNotContain("DESIGN");
    }

    @Test
    void badFieldDeclarationsAreRefusedByNameAndLine() throws IOException {
        Path yaml = dir.resolve("ir.yaml");
        String good = Files.readString(yaml);
        Files.writeString(yaml, good.replace("name: ticket", "name: summary"));
        Result r = ir.assertRefused(1, "ir: ir.yaml: field 'summary' in 'fields' (line ", "severity", "SEV-1");
        assertThat(r.err()).contains("'summary' is a key ir itself uses in the incident file");

        Files.writeString(yaml, good.replace("kind: list", "kind: table"));
        ir.assertRefused(1, "ir: ir.yaml: field 'broken_recovery_procedures' in 'fields' (line ", "severity", "SEV-1");

        Files.writeString(yaml, good + "  - name: ticket\n");
        Result twice = ir.assertRefused(1, "ir: ir.yaml: field 'ticket'", "severity", "SEV-1");
        assertThat(twice.err()).contains("declared twice");
    }

    @Test
    void postmortemRendersSectionFieldsAfterDetectionAndTemplatesSeeEveryFieldByName() throws IOException {
        ok(ir.run("set", "database-setup", "One primary | no replica.\n\nFailover was manual."));
        ok(ir.run("add", "broken-recovery-procedures", "the restore runbook named a retired host"));
        ok(ir.run("add", "broken-recovery-procedures", "backups were never test-restored"));
        ok(ir.run("set", "publication", "Published on the status page two days later."));

        Result r = ok(ir.run("postmortem", "--stdout"));

        MarkdownDoc doc = MarkdownDoc.parse(r.out());
        assertThat(doc.headings()).containsSubsequence("Detection", "Database setup", "Broken recovery procedures",
                "Action items");
        // section: false is for templates that ask for it by name, not a section of the default document.
        assertThat(doc.headings()).doesNotContain("Publication of the incident", "Ticket");
        assertThat(doc.sectionText("Database setup")).contains("One primary | no replica.", "Failover was manual.");
        assertThat(doc.sectionText("Broken recovery procedures"))
                .contains("the restore runbook named a retired host", "backups were never test-restored");
        assertThat(r.out()).contains("- the restore runbook named a retired host\n- backups were never "
                + "test-restored\n");
        GfmTables.check(r.out());

        Files.writeString(dir.resolve("templates/brief.md.mustache"), "{{publication}}\n"
                + "{{#custom_sections}}{{name}}={{title}}:{{#has_text}}{{text}}{{/has_text}}"
                + "{{#items}}[{{text}}]{{/items}};{{/custom_sections}}\n"
                + "{{#has_broken_recovery_procedures}}{{#broken_recovery_procedures}}<{{text}}>"
                + "{{/broken_recovery_procedures}}{{/has_broken_recovery_procedures}}\n"
                + "ticket={{ticket}}.\n");
        Result brief = ok(ir.run("postmortem", "--template", "brief", "--stdout"));
        assertThat(brief.out()).isEqualTo("Published on the status page two days later.\n"
                + "database_setup=Database setup:One primary | no replica.\n\nFailover was manual.;"
                + "broken_recovery_procedures=Broken recovery procedures:[the restore runbook named a retired host]"
                + "[backups were never test-restored];\n"
                + "<the restore runbook named a retired host><backups were never test-restored>\n"
                + "ticket=.\n");
    }

    @Test
    void anEmptySectionFieldRendersItsHeadingWithAPlaceholder() {
        Result r = ok(ir.run("postmortem", "--stdout"));
        MarkdownDoc doc = MarkdownDoc.parse(r.out());
        assertThat(doc.headings()).contains("Database setup", "Broken recovery procedures");
        assertThat(doc.sectionText("Database setup").strip()).isEqualTo("Not written yet.");
        assertThat(doc.sectionText("Broken recovery procedures").strip()).isEqualTo("Not written yet.");
    }

    @Test
    void editKeepsUndeclaredKeysWithAWarningAndAcceptsDeclaredOnesSilently() throws Exception {
        int commits = ir.commits().size();
        Path script = dir.resolveSibling(dir.getFileName() + "-edit.sh");
        Files.writeString(script, "#!/bin/sh\nprintf 'sumary: oops\\nticket: OPS-7\\nbroken_recovery_procedures:\\n"
                + "  - no runbook for a full restore\\n' >> \"$1\"\n");
        ir.env("EDITOR", "sh " + script);

        Result r = ok(ir.run("edit"));

        assertThat(r.err()).contains("warning: unknown key 'sumary' kept as it is")
                .contains("docs/incident-format.md").doesNotContain("'ticket'").doesNotContain("broken_recovery")
                .doesNotContain("DESIGN");
        assertThat(ir.commits()).hasSize(commits + 1);
        JsonNode y = ir.committedYaml(id);
        assertThat(y.get("sumary").asText()).isEqualTo("oops");
        assertThat(y.get("ticket").asText()).isEqualTo("OPS-7");
        assertThat(strings(y.get("broken_recovery_procedures"))).containsExactly("no runbook for a full restore");

        // The declared list goes on with ir add; the unknown key rides along unchanged, without another warning.
        Result add = ok(ir.run("add", "broken-recovery-procedures", "restores were never timed"));
        assertThat(add.err()).doesNotContain("warning");
        JsonNode after = ir.committedYaml(id);
        assertThat(after.get("sumary").asText()).isEqualTo("oops");
        assertThat(strings(after.get("broken_recovery_procedures"))).containsExactly(
                "no runbook for a full restore", "restores were never timed");
    }

    @Test
    void noUserFacingTextPointsAtTheDesignNotes() throws IOException {
        List<Path> roots = List.of(Path.of("src/main"), Path.of("README.md"), Path.of("docs"), Path.of("templates"));
        List<String> hits = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (var files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        String s = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                        if (s.contains("DESIGN.md") || s.contains("../shared")) {
                            hits.add(f.toString());
                        }
                    }
                }
            }
        }
        assertThat(hits).isEmpty();
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(x -> out.add(x.asText()));
        return out;
    }
}
