package ir.store;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyncRetryTest {
    @TempDir
    Path tmp;

    @Test
    void aPushRejectedBecauseSomeonePushedMeanwhileIsRetriedAndPostmortemsAreRerendered() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout latency spike");
        Files.writeString(a.dir().resolve("incidents/" + id + ".md"), "# old post-mortem\n");
        try (Git git = Git.open(a.dir().toFile())) {
            PersonIdent who = new PersonIdent("Alice", "alice@example.com");
            git.add().addFilepattern("incidents/" + id + ".md").call();
            git.commit().setMessage("post-mortem").setAuthor(who).setCommitter(who).call();
        }
        assertThat(a.run("sync").exit()).isZero();
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");
        IrTester c = Clones.clone(bare, tmp.resolve("c"), "Carol <carol@example.com>");
        assertThat(a.advance(Duration.ofMinutes(1)).run("log", "a1").exit()).isZero();
        assertThat(a.run("sync").exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(2)).run("log", "-i", id, "b1").exit()).isZero();
        assertThat(c.advance(Duration.ofMinutes(3)).run("log", "-i", id, "c1").exit()).isZero();

        List<Integer> rendered = new ArrayList<>();
        SyncResult result;
        try (GitIncidentStore store = new GitIncidentStore(Workspace.at(b.dir()), Session.of(b.clock(), "Bob <bob@example.com>", Duration.ofSeconds(10)))) {
            result = store.sync(null, (merged, ours, theirs) -> {
                if (rendered.isEmpty()) {
                    // someone else pushes while this sync is between its fetch and its push
                    IrTester.Result r = c.run("sync");
                    assertThat(r.exit()).as(r.toString()).isZero();
                }
                rendered.add(merged.timeline().size());
                assertThat(ours.markdown()).isNotNull();
                assertThat(theirs.incident().id()).isEqualTo(merged.id());
                return new ir.model.PostmortemHook.Rerendered(merged, ("# " + merged.title() + "\n\n"
                        + merged.timeline().size() + " events\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }, null);
        }

        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.pushed()).isTrue();
        assertThat(result.mergedIncidents()).containsExactly(id);
        assertThat(b.read("incidents/" + id + ".md")).isEqualTo("# Checkout latency spike\n\n4 events\n");
        assertThat(b.clean()).isTrue();
        try (Git git = Git.open(bare.toFile())) {
            assertThat(git.getRepository().resolve("refs/heads/main"))
                    .isEqualTo(Git.open(b.dir().toFile()).getRepository().resolve("HEAD"));
        }
    }
}
