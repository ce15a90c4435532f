package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendered post-mortems of merged incidents are re-rendered after a merge, hand edits are kept. */
class SyncPostmortemTest {
    @TempDir
    Path tmp;
    Path bare;
    IrTester a;
    IrTester b;
    String id;

    /** Alice declares an incident in clone a; {@code beforeSync} runs before her first sync (e.g. a render). */
    private void declareInA(ThrowingRunnable beforeSync) throws Exception {
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = Clones.first(tmp.resolve("a"), bare);
        id = a.open("Checkout latency spike", "--severity", "SEV-2");
        beforeSync.run();
        assertThat(a.run("sync").exit()).isZero();
        b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");
    }

    /** Both clones log to the incident, a syncs, then b syncs and merges; returns b's sync. */
    private IrTester.Result logInBothAndMergeInB() {
        assertThat(a.advance(Duration.ofMinutes(1)).run("log", "from alice").exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(2)).run("log", "-i", id, "from bob").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        IrTester.Result r = b.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aMergedIncidentsPostmortemIsRenderedAgainAndStaysRenderable() throws Exception {
        declareInA(() -> assertThat(a.run("postmortem").exit()).isZero());
        logInBothAndMergeInB();

        MarkdownDoc doc = MarkdownDoc.parse(b.read("incidents/" + id + ".md"));
        List<String> rows = new ArrayList<>();
        doc.tableAfter("Timeline").forEach(row -> rows.add(String.join(" | ", row)));
        assertThat(rows).anyMatch(r -> r.contains("from alice")).anyMatch(r -> r.contains("from bob"));
        assertThat(b.read("incidents/" + id + ".md")).doesNotContain("<<<<<<<").doesNotContain(">>>>>>>");
        assertThat(b.clean()).isTrue();
        // The render is recorded, so the next render is not mistaken for a hand edit.
        var again = b.run("postmortem", "-i", id);
        assertThat(again.exit()).as(again.toString()).isZero();
        var check = b.run("postmortem", "-i", id, "--check");
        assertThat(check.err() + check.out()).doesNotContain("edited by hand");
    }

    @Test
    void aPostmortemThatCannotBeRenderedAgainDoesNotStopTheSync() throws Exception {
        declareInA(() -> {
            Files.createDirectories(a.dir().resolve("docs"));
            Files.writeString(a.dir().resolve("docs/brief.mustache"),
                    "{{title}}: {{#timeline}}{{event}}; {{/timeline}}\n");
            assertThat(a.run("postmortem", "--template", "docs/brief.mustache").exit()).isZero();
            // The template the post-mortem was rendered with is gone (moved, renamed, never committed).
            Files.delete(a.dir().resolve("docs/brief.mustache"));
        });
        String before = b.read("incidents/" + id + ".md");

        var r = logInBothAndMergeInB();

        assertThat(r.err()).contains("did not re-render incidents/" + id + ".md").contains("docs/brief.mustache");
        List<String> texts = new ArrayList<>();
        b.yaml(id).get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).contains("from alice", "from bob");
        assertThat(b.read("incidents/" + id + ".md")).isEqualTo(before);
        assertThat(b.clean()).isTrue();
    }

    @Test
    void aTemplateThatWouldNeverFinishDoesNotStopTheSyncAndTheWarningNamesThePostmortem() throws Exception {
        declareInA(() -> assertThat(a.run("postmortem").exit()).isZero());
        // Bob's workspace holds a template nested in itself thirty deep: 3^30 steps for three events, for ever.
        Files.writeString(b.dir().resolve("templates/postmortem.md.mustache"), "{{#timeline}}".repeat(30)
                + "{{/timeline}}".repeat(30) + "\n");
        try (var git = org.eclipse.jgit.api.Git.open(b.dir().toFile())) {
            git.add().addFilepattern("templates/postmortem.md.mustache").call();
            git.commit().setMessage("a template nested in itself").setAuthor("Bob", "bob@example.com")
                    .setCommitter("Bob", "bob@example.com").call();
        }
        String before = b.read("incidents/" + id + ".md");
        long start = System.nanoTime();

        var r = logInBothAndMergeInB();

        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30.0);
        assertThat(r.err()).contains("did not re-render incidents/" + id + ".md after the merge: template "
                + "templates/postmortem.md.mustache needs more than 2,000,000 steps");
        List<String> texts = new ArrayList<>();
        b.yaml(id).get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).contains("from alice", "from bob");
        assertThat(b.read("incidents/" + id + ".md")).isEqualTo(before);
        assertThat(b.clean()).isTrue();
        // The merge was pushed: Alice gets Bob's entry with her next sync.
        assertThat(a.run("sync").exit()).isZero();
        List<String> inA = new ArrayList<>();
        a.yaml(id).get("timeline").forEach(e -> inA.add(e.get("text").asText()));
        assertThat(inA).contains("from alice", "from bob");
    }

    @Test
    void aHandEditedPostmortemIsNotOverwrittenByTheMerge() throws Exception {
        declareInA(() -> assertThat(a.run("postmortem").exit()).isZero());
        Path md = a.dir().resolve("incidents/" + id + ".md");
        Files.writeString(md, Files.readString(md) + "\nA paragraph Alice wrote by hand.\n");
        try (var git = org.eclipse.jgit.api.Git.open(a.dir().toFile())) {
            git.add().addFilepattern("incidents/" + id + ".md").call();
            git.commit().setMessage("hand edit").setAuthor("Alice", "alice@example.com")
                    .setCommitter("Alice", "alice@example.com").call();
        }

        logInBothAndMergeInB();

        assertThat(b.read("incidents/" + id + ".md")).contains("A paragraph Alice wrote by hand.");
    }
}
