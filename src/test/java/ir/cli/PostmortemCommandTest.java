package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Fixtures;
import ir.testing.Golden;
import ir.testing.IrTester;
import ir.testing.MarkdownDoc;
import org.commonmark.node.FencedCodeBlock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.Fixtures.REENACTED;
import static org.assertj.core.api.Assertions.assertThat;

class PostmortemCommandTest {
    private static final String MD = "incidents/" + REENACTED + ".md";
    private static final String YAML = "incidents/" + REENACTED + ".yaml";
    /** The sections the issue asks for, in document order. */
    private static final List<String> SECTIONS = List.of("Post-mortem: Checkout latency spike",
            "Time at each severity", "Summary", "Impact", "Responders", "Root causes", "Trigger", "Resolution",
            "Detection", "Action items", "Lessons learned", "What went well", "What went wrong", "Where we got lucky",
            "Timeline", "Phases");

    @TempDir
    Path dir;
    IrTester t;

    @BeforeEach
    void setUp() {
        t = IrTester.workspace(dir).at("2026-11-28T17:00:00Z");
        Fixtures.write(t, REENACTED, Fixtures.reenactedYaml());
    }

    @Test
    void renderWritesEverySectionTheTimelineInOrderAndTheImpactDurationInOneCommit() {
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo(MD);
        assertThat(t.commits()).hasSize(before + 1);
        var commit = t.commits().get(0);
        assertThat(t.changedPaths(commit)).containsExactlyInAnyOrder(MD, YAML);
        assertThat(commit.getFullMessage()).startsWith(REENACTED + ": render post-mortem\n\n")
                .contains("Incident: " + REENACTED).contains("Ir-Event: postmortem");
        assertThat(t.clean()).isTrue();

        MarkdownDoc doc = MarkdownDoc.parse(t.read(MD));
        assertThat(doc.headings()).containsSubsequence(SECTIONS);
        assertThat(doc.sectionText("Impact")).contains("Impact duration: 1h 06m (66 minutes)");
        assertThat(doc.tableWithHeader("Measure")).contains(List.of("Impact duration", "1h 06m"),
                List.of("Time to mitigate", "1h 06m"), List.of("Time to resolve", "1h 36m"));
        assertThat(doc.tableAfter("Time at each severity")).containsExactly(
                List.of("SEV-2", "2026-11-28 14:54", "2026-11-28 15:03", "9m"),
                List.of("SEV-1", "2026-11-28 15:03", "2026-11-28 16:30", "1h 27m"));
        assertThat(doc.tableAfter("Responders")).containsExactly(
                // commonmark reads <carol@example.com> as an e-mail autolink: its text is the address.
                List.of("Incident Commander", "Carol Chen carol@example.com (took over from Bob Builder "
                        + "bob@example.com)"),
                List.of("Scribe", "Alice Responder alice@example.com"));
        assertThat(doc.tableAfter("Action items")).hasSize(2).allSatisfy(row -> assertThat(row).hasSize(7))
                .first().isEqualTo(List.of("Deploy region by region with automatic rollback on p99 latency",
                        "prevent", "Bob Builder bob@example.com", "2026-12-12", "open", "",
                        "https://tracker.example.com/OPS-101"));

        List<List<String>> timeline = doc.tableAfter("Timeline");
        JsonNode events = t.yaml(REENACTED).get("timeline");
        assertThat(timeline).hasSize(events.size());
        List<String> times = timeline.stream().map(row -> row.get(0)).toList();
        assertThat(times).isSorted().first().isEqualTo("2026-11-28 14:54");
        assertThat(timeline.get(2).get(2)).isEqualTo("Severity SEV-2 → SEV-1: escalate, checkout failing in all "
                + "regions");
        assertThat(timeline.get(8)).containsExactly("2026-11-28 15:45", "Carol Chen", "❗ Roll back release 412");

        assertWellFormedMermaid(doc);

        JsonNode pm = t.yaml(REENACTED).get("postmortem");
        assertThat(pm.get("status").asText()).isEqualTo("draft");
        assertThat(pm.get("template").asText()).isEqualTo("postmortem");
        assertThat(pm.get("rendered_sha256").asText()).isEqualTo(PostmortemCommand.sha256(
                t.read(MD).getBytes(StandardCharsets.UTF_8)));
        assertThat(pm.get("rendered_at").asText()).isEqualTo("2026-11-28T17:00:00Z");
    }

    @Test
    void builtInPostmortemTemplateMatchesItsGoldenFile() {
        IrTester.Result r = t.run("postmortem", "--stdout");

        assertThat(r.exit()).as(r.toString()).isZero();
        Golden.check("postmortem-reenacted.md", r.out());
    }

    @Test
    void builtInUpdateTemplateMatchesItsGoldenFile() {
        t.at("2026-11-28T15:50:00Z");
        Fixtures.write(t, "2026-11-28-ongoing", Fixtures.reenactedYaml().replace(REENACTED, "2026-11-28-ongoing")
                .replaceAll("(?m)^(mitigated_at|resolved_at): .*\\n", "").replace("status: resolved", "status: "
                        + "identified").replaceAll("(?s)  - id: e09status.*", ""));

        IrTester.Result r = t.run("postmortem", "--template", "update", "--stdout");

        assertThat(r.exit()).as(r.toString()).isZero();
        Golden.check("update-ongoing.md", r.out());
        MarkdownDoc doc = MarkdownDoc.parse(r.out());
        assertThat(doc.headings()).containsExactly("Incident update: Checkout latency spike", "Impact",
                "What we know and what we are doing", "Next update");
        assertThat(doc.sectionText("Impact")).contains("Impact so far: 56m, ongoing.");
        assertThat(doc.sectionText("Next update")).contains("By 16:20 UTC (every 30 minutes");
        assertThat(t.commits().get(0).getShortMessage()).isEqualTo("fixture 2026-11-28-ongoing");
    }

    @Test
    void emptyIncidentRendersGuidanceInEverySectionAndMatchesItsGoldenFile() {
        t.at("2026-11-28T10:00:00Z");
        String id = t.open("Search is slow", "--severity", "SEV-3", "--id", "2026-11-28-search-is-slow");
        t.at("2026-11-28T10:30:00Z");

        IrTester.Result r = t.run("postmortem", "-i", id, "--stdout");

        assertThat(r.exit()).as(r.toString()).isZero();
        Golden.check("postmortem-empty.md", r.out());
        MarkdownDoc doc = MarkdownDoc.parse(r.out());
        assertThat(doc.headings()).containsSubsequence("Summary", "Impact", "Responders", "Root causes", "Trigger",
                "Resolution", "Detection", "Action items", "What went well", "What went wrong", "Where we got lucky",
                "Timeline", "Phases");
        assertThat(doc.sectionText("Summary")).contains("in two or three sentences");
        assertThat(doc.sectionText("Root causes")).contains("not who did what");
        assertThat(doc.sectionText("Action items")).contains("an owner and a due date");
        // A document for readers, not a manual of the tool.
        assertThat(r.out()).doesNotContainPattern("(?m)`ir |\\bir (set|add|action|role|postmortem)\\b");
        assertThat(doc.sectionText("Impact")).contains("Impact duration: 30m (30 minutes), still ongoing");
        assertThat(doc.tableAfter("Timeline")).hasSize(1);
        assertWellFormedMermaid(doc);
    }

    @Test
    void hostileTextCannotBreakTablesOrTheMermaidBlockAndIsNotHtmlEscaped() {
        String hostile = Fixtures.reenactedYaml()
                .replace("title: Checkout latency spike", "title: 'Checkout ``` spike: <b>bold</b> | end'")
                .replace("text: Payment service connection pool is saturated",
                        "text: \"pool | saturated\\nsecond line <script>alert(1)</script> `code` and ```\\n```\"")
                .replace("text: Roll back release 412", "text: 'a \\| b & \"quoted\" ``` fence'")
                .replace("summary: |-\n", "summary: |-\n  ```\n  unclosed fence from a pasted log\n");

        Fixtures.write(t, REENACTED, hostile);

        IrTester.Result r = t.run("postmortem");
        assertThat(r.exit()).as(r.toString()).isZero();
        String md = t.read(MD);
        MarkdownDoc doc = MarkdownDoc.parse(md);

        List<List<String>> timeline = doc.tableAfter("Timeline");
        assertThat(timeline).hasSize(11).allSatisfy(row -> assertThat(row).hasSize(3));
        // The two fences of the text became one code span inside the cell: the row and the table stay intact.
        assertThat(timeline.get(5).get(2)).startsWith("pool | saturated<br>second line <script>alert(1)</script> "
                + "code and ");
        assertThat(md).contains("| pool \\| saturated<br>second line <script>alert(1)</script> `code` and ```<br>``` |");
        assertThat(timeline.get(8).get(2)).contains("a \\| b & \"quoted\" ``` fence");
        assertThat(md).contains("<script>alert(1)</script>").doesNotContain("&lt;").doesNotContain("&amp;")
                .contains("# Post-mortem: Checkout ``` spike: <b>bold</b> | end");

        List<FencedCodeBlock> mermaid = doc.fences("mermaid");
        assertThat(mermaid).hasSize(1);
        assertThat(mermaid.get(0).getLiteral()).doesNotContain("`").contains("title Checkout spike b bold /b end");
        assertWellFormedMermaid(doc);
        // The pasted fence in the summary was closed where the summary ends, not by the Mermaid block.
        assertThat(doc.headings()).containsSubsequence(SECTIONS.subList(2, SECTIONS.size()));
        assertThat(doc.allFences().get(0).getLiteral()).isEqualTo("unclosed fence from a pasted log\n"
                + "Checkout requests timed out for 66 minutes after release 412 shrank the payment\n"
                + "service's connection pool. Rolling back the release ended the impact.\n");
    }

    @Test
    void htmlTheTextOpensButNeverClosesCannotHideTheRestOfTheDocument() {
        // An unclosed <!-- or <script> at a line start opens a CommonMark HTML block that runs to its end marker:
        // left open, every later section and the Mermaid diagram would vanish into it.
        assertThat(t.run("set", "summary", "<!-- pasted from the status page\nCheckout was down").exit()).isZero();
        assertThat(t.run("set", "root-cause", "<script>\nconsole.log(pool)").exit()).isZero();
        assertThat(t.run("add", "went-well", "<!-- a list item").exit()).isZero();

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isZero();
        String md = t.read(MD);
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).containsSubsequence(SECTIONS);
        assertThat(doc.tableAfter("Timeline")).hasSize(11);
        assertWellFormedMermaid(doc);
        assertThat(md).contains("<!-- pasted from the status page\nCheckout was down\n-->\n")
                .contains("<script>\nconsole.log(pool)\n</script>\n");
    }

    @Test
    void workspaceTemplateOverridesTheBuiltInOne() {
        Fixtures.writeFile(t, "templates/postmortem.md.mustache", "# Our format: {{title}}\n\nImpact {{impact_duration}}"
                + "\n{{#actions}}* {{text}} ({{owner}})\n{{/actions}}");
        Fixtures.writeFile(t, "templates/update.md.mustache", "UPDATE {{severity}} {{status}}\n");

        IrTester.Result pm = t.run("postmortem", "--stdout");
        IrTester.Result update = t.run("postmortem", "--template", "update", "--stdout");

        assertThat(pm.exit()).as(pm.toString()).isZero();
        assertThat(pm.out()).isEqualTo("# Our format: Checkout latency spike\n\nImpact 1h 06m\n"
                + "* Deploy region by region with automatic rollback on p99 latency (Bob Builder <bob@example.com>)\n"
                + "* Page the payments team for checkout latency alerts (Carol Chen <carol@example.com>)\n");
        assertThat(update.out()).isEqualTo("UPDATE SEV-1 resolved\n");
    }

    @Test
    void builtInTemplateIsUsedWhenTheWorkspaceHasNoCopy() throws IOException {
        assertThat(t.read("templates/postmortem.md.mustache")).isEqualTo(new String(
                ir.render.BuiltinTemplates.read("postmortem"), StandardCharsets.UTF_8));
        String fromCopy = t.run("postmortem", "--stdout").out();
        Files.delete(dir.resolve("templates/postmortem.md.mustache"));

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("from template built-in postmortem");
        assertThat(t.read(MD)).isEqualTo(fromCopy);
    }

    @Test
    void aCustomTemplateNameIsLookedUpInTemplatesAndPartialsComeFromThere() {
        Fixtures.writeFile(t, "templates/exec.md.mustache", "{{> header}}\nFor execs: {{title}}\n");
        Fixtures.writeFile(t, "templates/header.md.mustache", "ACME confidential");

        IrTester.Result r = t.run("postmortem", "--template", "exec", "--stdout");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("ACME confidential\nFor execs: Checkout latency spike\n");
    }

    @Test
    void templateFileInsideTheWorkspaceIsUsedAndOneOutsideIsRefused(@TempDir Path elsewhere) throws IOException {
        Fixtures.writeFile(t, "docs/short.mustache", "{{id}}: {{severity}}\n");
        Path outside = elsewhere.resolve("evil.mustache");
        Files.writeString(outside, "{{title}}");
        Files.createDirectories(dir.resolve("templates"));
        Files.createSymbolicLink(dir.resolve("templates/linked.md.mustache"), outside);
        int before = t.commits().size();

        IrTester.Result inside = t.run("postmortem", "--template", "docs/short.mustache", "--stdout");
        IrTester.Result absolute = t.run("postmortem", "--template", outside.toString());
        IrTester.Result dotdot = t.run("postmortem", "--template",
                dir.relativize(outside).toString());
        IrTester.Result link = t.run("postmortem", "--template", "linked");

        assertThat(inside.exit()).as(inside.toString()).isZero();
        assertThat(inside.out()).isEqualTo(REENACTED + ": SEV-1\n");
        for (IrTester.Result r : List.of(absolute, dotdot)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("ir: template ").contains("is outside the workspace").hasLineCount(1);
        }
        assertThat(link.exit()).as(link.toString()).isEqualTo(1);
        assertThat(link.err()).isEqualTo("ir: refusing to read templates/linked.md.mustache: it is a symbolic link; "
                + "ir reads only regular files inside the workspace\n");
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
    }

    @Test
    void aTemplateOrPartialLinkedIntoDotGitIsRefusedSoTheClonesConfigIsNeverRendered() throws IOException {
        // The rendered document is committed and pushed by 'ir sync': .git/config may hold a remote URL with a token.
        Files.delete(dir.resolve("templates/update.md.mustache"));
        Files.createSymbolicLink(dir.resolve("templates/update.md.mustache"), Path.of("../.git/config"));
        Files.createSymbolicLink(dir.resolve("templates/head.md.mustache"), Path.of("../.git/HEAD"));
        Fixtures.writeFile(t, "templates/withhead.md.mustache", "{{> head}}\n");
        int before = t.commits().size();

        IrTester.Result named = t.run("postmortem", "--template", "update");
        IrTester.Result file = t.run("postmortem", "--template", ".git/config", "--stdout");
        IrTester.Result partial = t.run("postmortem", "--template", "withhead", "--stdout");

        assertThat(file.exit()).as(file.toString()).isEqualTo(2);
        assertThat(file.err()).startsWith("ir: template ").contains("leads into the git directory").hasLineCount(1);
        assertThat(named.err()).startsWith("ir: refusing to read templates/update.md.mustache: it is a symbolic link");
        assertThat(partial.err()).startsWith("ir: refusing to read templates/head.md.mustache: it is a symbolic link");
        for (IrTester.Result r : List.of(named, file, partial)) {
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).hasLineCount(1);
            assertThat(r.out()).doesNotContain("[core]").doesNotContain("refs/heads");
        }
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
    }

    @Test
    void partialsCannotReachFilesOutsideTheTemplatesDirectory() {
        Fixtures.writeFile(t, "secret.md.mustache", "SECRET");
        for (String partial : List.of("../secret", "/etc/passwd", "../../../../etc/hostname")) {
            Fixtures.writeFile(t, "templates/sneaky.md.mustache", "before {{> " + partial + "}} after");

            IrTester.Result r = t.run("postmortem", "--template", "sneaky", "--stdout");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("ir: template templates/sneaky.md.mustache, line 1, includes '")
                    .contains("a partial must be a plain name").hasLineCount(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void templateSyntaxErrorIsOneLineWithTheTemplateNameAndLine() {
        Fixtures.writeFile(t, "templates/postmortem.md.mustache", "# {{title}}\n\n{{#summary}}\nno end\n");
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: template templates/postmortem.md.mustache, line ").contains("summary")
                .hasLineCount(1);
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
    }

    @Test
    void unknownTemplateIsRefusedWithTheValidNames() {
        IrTester.Result r = t.run("postmortem", "--template", "nope", "--stdout");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("ir: unknown template 'nope': use one of postmortem, update, update-internal, "
                + "update-exec, update-public, drill-debrief, a file in templates/ (templates/nope.md.mustache) or a path to a .mustache file in the workspace\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void templatesSeeOnlyTheirDataNotJavaMethods() {
        Fixtures.writeFile(t, "templates/probe.md.mustache",
                "[{{#title}}{{class}}{{bytes}}{{length}}{{/title}}][{{actions.size}}][{{getClass}}]\n");

        IrTester.Result r = t.run("postmortem", "--template", "probe", "--stdout");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("[][][]\n");
    }

    @Test
    void templateThatWouldExpandWithoutBoundIsStopped() {
        Fixtures.writeFile(t, "templates/bomb.md.mustache", "{{#timeline}}{{#timeline}}{{#timeline}}{{#timeline}}"
                + "{{#timeline}}{{#timeline}}{{#timeline}}{{event}}{{/timeline}}{{/timeline}}{{/timeline}}{{/timeline}}"
                + "{{/timeline}}{{/timeline}}{{/timeline}}");
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem", "--template", "bomb");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: template templates/bomb.md.mustache needs more than").hasLineCount(1);
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
    }

    @Test
    void aTimelineNestedFiveDeepInItselfFailsWithinSecondsWritesNothingAndReleasesTheLock() {
        StringBuilder yaml = new StringBuilder(Fixtures.reenactedYaml());
        for (int e = 0; e < 500; e++) {
            yaml.append(String.format("""
                      - id: n%05dnote0000
                        at: 2026-11-28T16:%02d:%02dZ
                        author: Bob Builder <bob@example.com>
                        type: note
                        text: entry %d of a long incident
                    """, e, 31 + e / 60, e % 60, e));
        }
        Fixtures.write(t, REENACTED, yaml.toString());
        Fixtures.writeFile(t, "templates/bomb.md.mustache", "{{#timeline}}{{#timeline}}{{#timeline}}{{#timeline}}"
                + "{{#timeline}}{{/timeline}}{{/timeline}}{{/timeline}}{{/timeline}}{{/timeline}}\n");
        int before = t.commits().size();
        long start = System.nanoTime();

        IrTester.Result r = t.run("postmortem", "--template", "bomb");

        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10.0);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: template templates/bomb.md.mustache needs more than 2,000,000 steps to "
                + "render").hasLineCount(1);
        assertThat(r.out()).isEmpty();
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
        // The workspace lock was released: the next command runs at once, and the built-in template still renders.
        IrTester.Result log = t.run("log", "the post-mortem template is broken");
        assertThat(log.exit()).as(log.toString()).isZero();
        IrTester.Result ok = t.run("postmortem");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(MarkdownDoc.parse(t.read(MD)).tableAfter("Timeline")).hasSize(500 + 11 + 1);
    }

    @Test
    void handEditIsNotOverwrittenWithoutForce() throws IOException {
        assertThat(t.run("postmortem").exit()).isZero();
        String edited = t.read(MD) + "\n## Notes from the review meeting\n\nAgreed on two more actions.\n";
        Files.writeString(dir.resolve(MD), edited);
        String yaml = t.read(YAML);
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).startsWith("ir: " + MD + " was edited by hand since ir last rendered it: ir will not "
                + "overwrite it.").contains("ir postmortem --force").hasLineCount(1);
        assertThat(t.read(MD)).isEqualTo(edited);
        assertThat(t.read(YAML)).isEqualTo(yaml);
        assertThat(t.commits()).hasSize(before);
    }

    @Test
    void aCheckoutWithCrlfLineEndingsIsNotTakenForAHandEdit() throws IOException {
        assertThat(t.run("postmortem").exit()).isZero();
        Files.writeString(dir.resolve(MD), t.read(MD).replace("\n", "\r\n"));

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.read(MD)).doesNotContain("\r\n");
    }

    @Test
    void forceReplacesAHandEditInOneCommit() throws IOException {
        assertThat(t.run("postmortem").exit()).isZero();
        String rendered = t.read(MD);
        Files.writeString(dir.resolve(MD), "scribbles\n");
        Fixtures.commit(t, MD, "hand edit");
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem", "--force");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.read(MD)).isEqualTo(rendered);
        assertThat(t.commits()).hasSize(before + 1);
        assertThat(t.clean()).isTrue();
    }

    @Test
    void aMarkdownFileIrDidNotWriteIsNotOverwritten() throws IOException {
        Files.writeString(dir.resolve(MD), "# Our own notes\n");
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem");

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).startsWith("ir: " + MD + " was not written by ir: ir will not overwrite it.")
                .hasLineCount(1);
        assertThat(t.read(MD)).isEqualTo("# Our own notes\n");
        assertThat(t.commits()).hasSize(before);
    }

    @Test
    void renderingAgainWithoutChangesMakesNoCommitAndChangesAfterAnEditOfTheYaml() {
        assertThat(t.run("postmortem").exit()).isZero();
        int before = t.commits().size();

        IrTester.Result again = t.run("postmortem");

        assertThat(again.exit()).isZero();
        assertThat(again.err()).contains("is up to date");
        assertThat(t.commits()).hasSize(before);

        Fixtures.write(t, REENACTED, t.read(YAML).replace("trigger: The 14:50 deploy", "trigger: The 14:49 deploy"));
        IrTester.Result changed = t.run("postmortem");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(t.read(MD)).contains("The 14:49 deploy");
        assertThat(t.commits()).hasSize(before + 2);
    }

    @Test
    void stdoutPrintsTheDocumentAndWritesNothing() {
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem", "--stdout");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("# Post-mortem: Checkout latency spike\n");
        assertThat(dir.resolve(MD)).doesNotExist();
        assertThat(t.commits()).hasSize(before);
        assertThat(t.yaml(REENACTED).has("postmortem")).isFalse();
    }

    @Test
    void checkOfAFreshMajorIncidentListsWhatIsMissingAndExitsOne() {
        String id = t.open("Payments down", "--severity", "SEV-2", "--id", "2026-11-28-payments-down");
        int before = t.commits().size();

        IrTester.Result r = t.run("postmortem", "-i", id, "--check");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("Post-mortem of " + id + ": incomplete (11 problems, 0 warnings)\n")
                .contains("  missing: summary is empty").contains("  missing: root cause is empty")
                .contains("  missing: no action items").contains("  missing: no lessons learned")
                .contains("  missing: started_at is not set")
                .contains("  missing: a post-mortem is required for SEV-2 (ir.yaml postmortem.required_for) but "
                        + "incidents/" + id + ".md is not written: ir postmortem");
        assertThat(t.commits()).hasSize(before);
    }

    @Test
    void checkOfTheWrittenReenactedPostmortemIsCompleteAndExitsZero() {
        IrTester.Result unwritten = t.run("postmortem", "--check");
        assertThat(t.run("postmortem").exit()).isZero();

        IrTester.Result r = t.run("postmortem", "--check");

        assertThat(unwritten.exit()).isEqualTo(1);
        assertThat(unwritten.out()).contains("is not written");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Post-mortem of " + REENACTED + ": complete (0 problems, 0 warnings)\n");
    }

    @Test
    void checkWarnsWhenTheDocumentIsOutOfDateOrEditedByHand() throws IOException {
        assertThat(t.run("postmortem").exit()).isZero();
        Fixtures.write(t, REENACTED, t.read(YAML).replace("trigger: The 14:50 deploy", "trigger: The 14:49 deploy"));

        IrTester.Result stale = t.run("postmortem", "--check");
        Files.writeString(dir.resolve(MD), t.read(MD) + "notes\n");
        IrTester.Result edited = t.run("postmortem", "--check");

        assertThat(stale.exit()).isZero();
        assertThat(stale.out()).contains("(0 problems, 1 warning)").contains("  warning: " + MD + " is out of date: "
                + "the incident changed since it was rendered; run 'ir postmortem'");
        assertThat(edited.exit()).isZero();
        assertThat(edited.out()).contains("  warning: " + MD + " was edited by hand since ir rendered it");
    }

    @Test
    void checkFlagsActionItemsWithoutOwnerOrTypeAndBlamefulWording() {
        Fixtures.write(t, REENACTED, Fixtures.reenactedYaml()
                .replace("    type: process\n    owner: Carol Chen <carol@example.com>\n", "")
                .replace("root_cause: Release 412", "root_cause: Bob should have tested it. Release 412")
                .replace("  - The deploy went to every region at once.", "  - It was Carol's fault for being "
                        + "careless with the alert."));
        assertThat(t.run("postmortem").exit()).isZero();

        IrTester.Result r = t.run("postmortem", "--check");
        IrTester.Result json = t.run("postmortem", "--check", "--json");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("  missing: action item b3n8p5r2z6 ('Page the payments team for checkout "
                        + "latency alerts') has no owner and no type")
                .contains("  warning: blame-prone wording in root_cause: 'Bob should have tested it.' puts 'should "
                        + "have' next to Bob")
                .contains("  warning: blame-prone wording in went_wrong[1]");
        assertThat(json.exit()).isEqualTo(1);
        JsonNode doc = json.json();
        assertThat(doc.get("complete").asBoolean()).isFalse();
        assertThat(doc.get("required").asBoolean()).isTrue();
        assertThat(doc.get("written").asBoolean()).isTrue();
        assertThat(doc.get("problems")).hasSize(1);
        assertThat(doc.get("problems").get(0).get("field").asText()).isEqualTo("actions");
        assertThat(doc.get("warnings")).hasSize(2);
    }

    @Test
    void blamefulWordingAloneWarnsButDoesNotMakeThePostmortemIncomplete() {
        Fixtures.write(t, REENACTED, Fixtures.reenactedYaml()
                .replace("root_cause: Release 412", "root_cause: Carol Chen was careless. Release 412"));
        assertThat(t.run("postmortem").exit()).isZero();

        IrTester.Result r = t.run("postmortem", "--check");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Post-mortem of " + REENACTED + ": complete (0 problems, 1 warning)")
                .contains("puts 'careless' next to Carol");
    }

    @Test
    void statusRecordsAnEventInOneCommitAndKeepsTheDocumentsStatusLineTrue() {
        assertThat(t.run("postmortem").exit()).isZero();
        int before = t.commits().size();
        int events = t.yaml(REENACTED).get("timeline").size();
        t.at("2026-11-30T09:00:00Z");

        IrTester.Result r = t.run("postmortem", "--status", "in-review");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.commits()).hasSize(before + 1);
        var commit = t.commits().get(0);
        assertThat(commit.getShortMessage()).isEqualTo(REENACTED + ": post-mortem in-review");
        assertThat(commit.getFullMessage()).contains("Ir-Event: postmortem");
        assertThat(t.changedPaths(commit)).containsExactlyInAnyOrder(YAML, MD);
        JsonNode y = t.yaml(REENACTED);
        assertThat(y.get("postmortem").get("status").asText()).isEqualTo("in-review");
        assertThat(y.get("timeline")).hasSize(events + 1);
        JsonNode event = y.get("timeline").get(events);
        assertThat(event.get("type").asText()).isEqualTo("postmortem");
        assertThat(event.get("from").asText()).isEqualTo("draft");
        assertThat(event.get("to").asText()).isEqualTo("in-review");
        assertThat(event.get("at").asText()).isEqualTo("2026-11-30T09:00:00Z");
        assertThat(t.read(MD)).contains("- **Status:** In review\n");
        // The review is not part of the incident's story: the timeline table keeps one row per incident event.
        assertThat(MarkdownDoc.parse(t.read(MD)).tableAfter("Timeline")).hasSize(events);
        assertThat(t.run("postmortem").err()).contains("is up to date");

        IrTester.Result reviewed = t.run("postmortem", "--status", "reviewed");
        assertThat(reviewed.exit()).isZero();
        assertThat(t.yaml(REENACTED).get("postmortem").get("status").asText()).isEqualTo("reviewed");
        assertThat(t.read(MD)).contains("- **Status:** Reviewed\n");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void aTemplateFileIsRecordedRelativeToTheWorkspaceAndReusedFromASubdirectory() {
        Fixtures.writeFile(t, "docs/brief.mustache", "{{title}}: {{postmortem_status_label}}\n");
        Fixtures.commit(t, "docs/brief.mustache", "our template");
        t.cwd(dir.resolve("docs"));
        assertThat(t.run("postmortem", "--template", "brief.mustache").exit()).isZero();
        assertThat(t.yaml(REENACTED).get("postmortem").get("template").asText()).isEqualTo("docs/brief.mustache");

        t.cwd(dir.resolve("incidents"));
        IrTester.Result r = t.run("postmortem", "--status", "in-review");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.read(MD)).isEqualTo("Checkout latency spike: In review\n");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void aTemplateNameRecordedInTheIncidentFileCannotMakeAnIgnoredLocalFileTheTemplate() throws IOException {
        // The incident file may come from a clone: its recorded template must not turn .env into a committed document.
        assertThat(t.run("postmortem").exit()).isZero();
        Fixtures.writeFile(t, ".env", "AWS_SECRET=hunter2\n");
        Fixtures.writeFile(t, ".gitignore", ".env\n");
        Fixtures.commit(t, ".gitignore", "ignore .env");
        Files.writeString(dir.resolve(YAML), t.read(YAML).replace("template: postmortem", "template: .env"));
        Fixtures.commit(t, YAML, "from a clone");
        Files.createSymbolicLink(dir.resolve("templates/leak.md.mustache"), Path.of("../.env"));
        String before = t.read(MD);

        IrTester.Result status = t.run("postmortem", "--status", "in-review");
        IrTester.Result file = t.run("postmortem", "--template", ".env", "--stdout");
        IrTester.Result link = t.run("postmortem", "--template", "leak", "--stdout");

        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.err()).contains("did not re-render " + MD + ": template .env is not a .mustache file");
        assertThat(t.read(MD)).isEqualTo(before).doesNotContain("hunter2");
        assertThat(file.exit()).as(file.toString()).isEqualTo(2);
        assertThat(file.err()).startsWith("ir: template ").contains("is not a .mustache file").hasLineCount(1);
        assertThat(link.exit()).as(link.toString()).isEqualTo(1);
        assertThat(link.err()).startsWith("ir: refusing to read templates/leak.md.mustache: it is a symbolic link")
                .hasLineCount(1);
        for (IrTester.Result r : List.of(file, link)) {
            assertThat(r.out()).doesNotContain("hunter2");
        }
    }

    @Test
    void closingAnIncidentThatNeedsAPostmortemWaitsUntilItIsReviewed() {
        int before = t.commits().size();

        IrTester.Result refused = t.run("status", "closed");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).startsWith("ir: " + REENACTED + " cannot be closed yet: a post-mortem is required "
                + "for SEV-1 incidents (ir.yaml postmortem.required_for) and " + REENACTED + "'s is not written")
                .hasLineCount(1);
        assertThat(t.commits()).hasSize(before);

        assertThat(t.run("postmortem").exit()).isZero();
        assertThat(t.run("postmortem", "--status", "in-review").exit()).isZero();
        assertThat(t.run("status", "closed").err()).contains("'s is 'in-review'");
        assertThat(t.run("postmortem", "--status", "reviewed").exit()).isZero();

        IrTester.Result closed = t.run("status", "closed");

        assertThat(closed.exit()).as(closed.toString()).isZero();
        assertThat(t.yaml(REENACTED).get("status").asText()).isEqualTo("closed");
    }

    @Test
    void statusOfAHandEditedDocumentLeavesTheDocumentAloneAndSaysSo() throws IOException {
        assertThat(t.run("postmortem").exit()).isZero();
        Files.writeString(dir.resolve(MD), t.read(MD) + "hand notes\n");

        IrTester.Result r = t.run("postmortem", "--status", "reviewed");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("was edited by hand: update its status line yourself");
        assertThat(t.read(MD)).endsWith("hand notes\n").contains("**Status:** Draft");
        assertThat(t.changedPaths(t.commits().get(0))).containsExactly(YAML);
    }

    @Test
    void statusReviewedBeforeThePostmortemIsWrittenIsRefusedAndChangesNothing() {
        int before = t.commits().size();
        String yaml = t.read(YAML);

        IrTester.Result r = t.run("postmortem", "--status", "reviewed");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("ir: there is no post-mortem to review: " + MD + " is not written; run 'ir "
                + "postmortem' first\n");
        assertThat(t.commits()).hasSize(before);
        assertThat(t.read(YAML)).isEqualTo(yaml);
    }

    @Test
    void unknownStatusAndMisusedOptionsAreRefusedAndChangeNothing() {
        int before = t.commits().size();

        IrTester.Result status = t.run("postmortem", "--status", "approved");
        IrTester.Result json = t.run("postmortem", "--json");
        IrTester.Result mixed = t.run("postmortem", "--check", "--force");

        assertThat(status.exit()).isEqualTo(2);
        assertThat(status.err()).isEqualTo("ir: unknown post-mortem status 'approved': use one of draft, in-review, "
                + "reviewed\n");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err()).startsWith("ir: --json goes with --check").hasLineCount(1);
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).startsWith("ir: --check only reads").hasLineCount(1);
        assertThat(t.commits()).hasSize(before);
        assertThat(dir.resolve(MD)).doesNotExist();
    }

    @Test
    void unknownIncidentIsRefusedWithExitThree() {
        IrTester.Result r = t.run("postmortem", "-i", "nothing-like-this");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("ir: no incident matches 'nothing-like-this'").hasLineCount(1);
    }

    @Test
    void helpShowsAnExample() {
        IrTester.Result r = t.run("postmortem", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Example").contains("ir postmortem --check").contains("--template");
    }

    /** One fenced mermaid block: a Gantt chart whose every line is a directive, a section, a task or a milestone. */
    static void assertWellFormedMermaid(MarkdownDoc doc) {
        List<FencedCodeBlock> blocks = doc.fences("mermaid");
        assertThat(blocks).hasSize(1);
        List<String> lines = new ArrayList<>(blocks.get(0).getLiteral().lines().toList());
        assertThat(lines.get(0)).isEqualTo("gantt");
        String date = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}";
        for (String line : lines.subList(1, lines.size())) {
            assertThat(line).matches("    (title [^`:#;]+|dateFormat YYYY-MM-DD HH:mm:ss|axisFormat %H:%M"
                    + "|section [^`:#;]+|[^`:#;]+ :(crit, )?p\\d+, " + date + ", " + date
                    + "|[A-Z][a-z]+ :milestone, m\\d, " + date + ", 0m)");
        }
        assertThat(lines).anyMatch(l -> l.startsWith("    section Impact"));
    }
}
