package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN.md: rendered post-mortems of merged incidents are re-rendered after a merge, hand edits are kept. */
class SyncPostmortemTest {
    @TempDir
    Path tmp;

    @Test
    void aMergedIncidentsPostmortemIsRenderedAgainAndStaysRenderable() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout latency spike", "--severity", "SEV-2");
        assertThat(a.run("postmortem").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");

        assertThat(a.advance(Duration.ofMinutes(1)).run("log", "from alice").exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(2)).run("log", "-i", id, "from bob").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        var r = b.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();

        String md = b.read("incidents/" + id + ".md");
        assertThat(md).contains("from alice").contains("from bob");
        assertThat(md).doesNotContain("<<<<<<<");
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).isNotEmpty();
        assertThat(b.clean()).isTrue();
        // The render is recorded, so the next render is not mistaken for a hand edit.
        var again = b.run("postmortem", "-i", id);
        assertThat(again.exit()).as(again.toString()).isZero();
        var check = b.run("postmortem", "-i", id, "--check");
        assertThat(check.err() + check.out()).doesNotContain("edited by hand");
    }

    @Test
    void aPostmortemThatCannotBeRenderedAgainDoesNotStopTheSync() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout latency spike", "--severity", "SEV-2");
        Files.createDirectories(a.dir().resolve("docs"));
        Files.writeString(a.dir().resolve("docs/brief.mustache"), "{{title}}: {{#timeline}}{{event}}; {{/timeline}}\n");
        assertThat(a.run("postmortem", "--template", "docs/brief.mustache").exit()).isZero();
        // The template the post-mortem was rendered with is gone (moved, renamed, never committed).
        Files.delete(a.dir().resolve("docs/brief.mustache"));
        assertThat(a.run("sync").exit()).isZero();
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");
        String before = b.read("incidents/" + id + ".md");

        assertThat(a.advance(Duration.ofMinutes(1)).run("log", "from alice").exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(2)).run("log", "-i", id, "from bob").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        var r = b.run("sync");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("did not re-render incidents/" + id + ".md").contains("docs/brief.mustache");
        assertThat(b.yaml(id).get("timeline").toString()).contains("from alice").contains("from bob");
        assertThat(b.read("incidents/" + id + ".md")).isEqualTo(before);
        assertThat(b.clean()).isTrue();
    }

    @Test
    void aHandEditedPostmortemIsNotOverwrittenByTheMerge() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout latency spike", "--severity", "SEV-2");
        assertThat(a.run("postmortem").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");

        Path md = a.dir().resolve("incidents/" + id + ".md");
        Files.writeString(md, Files.readString(md) + "\nA paragraph Alice wrote by hand.\n");
        try (var git = org.eclipse.jgit.api.Git.open(a.dir().toFile())) {
            git.add().addFilepattern("incidents/" + id + ".md").call();
            git.commit().setMessage("hand edit").setAuthor("Alice", "alice@example.com")
                    .setCommitter("Alice", "alice@example.com").call();
        }
        assertThat(a.advance(Duration.ofMinutes(1)).run("log", "from alice").exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(2)).run("log", "-i", id, "from bob").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        assertThat(b.run("sync").exit()).isZero();
        assertThat(b.read("incidents/" + id + ".md")).contains("A paragraph Alice wrote by hand.");
    }
}
