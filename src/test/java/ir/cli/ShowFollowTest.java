package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.IrTester.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir show --follow} run as a person runs it in a second terminal: started, fed by other processes and clones,
 * stopped. Each test runs the command on a thread of its own and commits from other stores meanwhile.
 */
@Timeout(180)
class ShowFollowTest {
    private static final String BOB = "Bob Oncall <bob@example.com>";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<String> entryLines(Running r) {
        return r.lines().stream().filter(l -> l.startsWith("+ ")).toList();
    }

    @Test
    void printsTheStateThenEachEntryOfAnotherProcessOnceInTimelineOrderUntilStopped() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        IrTester bob = IrTester.plainDir(dir).env("IR_AUTHOR", BOB).at(t.now());

        Running follow = t.start("show", "--follow", "-i", id)
                .await(r -> r.err().contains("Following " + id), "the state");
        assertThat(follow.out()).startsWith(id + "\n").contains("Timeline (UTC)")
                .contains("Declared SEV-3: Checkout latency spike");
        int n = 12;
        for (int i = 1; i <= n; i++) {
            ok(bob.advance(Duration.ofMinutes(1)).run("log", "-i", id, "step " + i));
        }
        ok(bob.advance(Duration.ofMinutes(1)).run("severity", "-i", id, "SEV-1"));
        ok(bob.advance(Duration.ofMinutes(1)).run("status", "-i", id, "identified"));
        ok(bob.advance(Duration.ofMinutes(1)).run("role", "-i", id, "commander", BOB));
        follow.await(r -> entryLines(r).size() >= n + 3, "every entry");
        Result r = follow.stop();

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> entries = entryLines(follow);
        assertThat(entries).hasSize(n + 3);
        for (int i = 1; i <= n; i++) {
            assertThat(entries.get(i - 1)).isEqualTo("+ 2026-11-28 10:%02d:00  Bob Oncall  note        step %d"
                    .formatted(i, i));
        }
        assertThat(entries.get(n)).matches("\\+ 2026-11-28 10:13:00  Bob Oncall  severity( !)? +\\S.*SEV-3 -> SEV-1");
        assertThat(entries.get(n + 1)).contains("  status").contains("investigating -> identified");
        assertThat(entries.get(n + 2)).contains("  role  ").endsWith(BOB + " is commander");
        // the state is printed once, at the start: nothing but entries after it
        assertThat(r.out().split("Timeline \\(UTC\\)", -1)).hasSize(2);
    }

    @Test
    void jsonStreamsTheStateThenOneEventObjectPerLineWithItsId() throws Exception {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        IrTester bob = IrTester.plainDir(dir).env("IR_AUTHOR", BOB).at(t.now());

        Running follow = t.start("show", "-f", "--json").await(r -> r.lines().size() >= 1, "the state line");
        for (int i = 1; i <= 5; i++) {
            ok(bob.advance(Duration.ofMinutes(1)).run("log", "entry " + i));
        }
        follow.await(r -> r.lines().size() >= 6, "five events");
        Result r = follow.stop();
        assertThat(r.exit()).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : follow.lines()) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0).path("type").asText()).isEqualTo("state");
        assertThat(lines.get(0).path("incident").path("id").asText()).isEqualTo(id);
        assertThat(lines.get(0).path("incident").path("timeline")).hasSize(1);
        assertThat(lines.get(0).path("computed").path("events").asInt()).isEqualTo(1);
        List<String> ids = new ArrayList<>();
        t.yaml(id).path("timeline").forEach(e -> ids.add(e.path("id").asText()));
        for (int i = 1; i <= 5; i++) {
            JsonNode e = lines.get(i);
            assertThat(e.path("type").asText()).isEqualTo("event");
            assertThat(e.path("incident").asText()).isEqualTo(id);
            assertThat(e.path("event").path("id").asText()).isEqualTo(ids.get(i));
            assertThat(e.path("event").path("text").asText()).isEqualTo("entry " + i);
            assertThat(e.path("event").path("author").asText()).isEqualTo(BOB);
            assertThat(e.path("event").path("at").asText()).isEqualTo("2026-11-28T10:0" + i + ":00Z");
        }
    }

    @Test
    void entriesMergedBySyncFromAnotherCloneAppearOnceInTimelineOrder() {
        Path bare = Clones.bare(dir.resolve("remote.git"));
        IrTester alice = Clones.first(dir.resolve("alice"), bare);
        String id = alice.open("Checkout latency spike", "--severity", "SEV-2");
        ok(alice.run("sync"));
        IrTester bob = Clones.clone(bare, dir.resolve("bob"), BOB).at(alice.now());

        Running follow = alice.start("show", "--follow", "-i", id)
                .await(r -> r.err().contains("Following"), "the state");
        // Bob's three entries arrive in one merge, and one of Alice's own is logged locally before it
        ok(bob.advance(Duration.ofMinutes(3)).run("log", "-i", id, "bob third"));
        ok(bob.at(alice.now().plus(Duration.ofMinutes(1))).run("log", "-i", id, "bob first"));
        ok(bob.at(alice.now().plus(Duration.ofMinutes(2))).run("log", "-i", id, "bob second"));
        ok(bob.run("sync"));
        ok(alice.at(alice.now().plus(Duration.ofMinutes(4))).run("log", "-i", id, "alice local"));
        follow.await(r -> entryLines(r).size() >= 1, "alice's own entry");
        ok(alice.run("sync"));
        follow.await(r -> entryLines(r).size() >= 4, "the merged entries");
        ok(alice.run("sync")); // nothing new: nothing printed twice
        ok(alice.run("log", "-i", id, "after the merge"));
        follow.await(r -> entryLines(r).size() >= 5, "the last entry");
        Result r = follow.stop();

        assertThat(r.exit()).isZero();
        List<String> texts = entryLines(follow).stream().map(l -> l.substring(l.lastIndexOf("  ") + 2)).toList();
        assertThat(texts).containsExactly("alice local", "bob first", "bob second", "bob third", "after the merge");
    }

    @Test
    void aChangeNoEntrySpeaksForIsSaidOnItsOwnLine() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        Running follow = t.start("show", "--follow").await(r -> r.err().contains("Following"), "the state");
        ok(t.run("set", "summary", "Checkout failed for EU customers"));
        follow.await(r -> r.lines().stream().anyMatch(l -> l.startsWith("~ ")), "the change");
        Result r = follow.stop();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\n~ changed: summary\n");
        assertThat(t.yaml(id).path("summary").asText()).isEqualTo("Checkout failed for EU customers");
    }

    @Test
    void anotherClonesControlCharactersAreShownNotObeyed() {
        IrTester t = IrTester.workspace(dir);
        t.open("Checkout latency spike", "--severity", "SEV-3");
        Running follow = t.start("show", "--follow").await(r -> r.err().contains("Following"), "the state");
        ok(IrTester.plainDir(dir).env("IR_AUTHOR", "Mallory <m@example.com>")
                .run("log", "clear \u001B[2J screen\u009B"));
        follow.await(r -> !entryLines(r).isEmpty(), "the entry");
        Result r = follow.stop();
        assertThat(r.out()).doesNotContain("\u001B").doesNotContain("\u0007").doesNotContain("\u009B")
                .contains("clear ^[[2J screen?");
    }

    @Test
    void refusesAsOfAndAnUnknownIncidentBeforeFollowing() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        t.assertRefused(2, "ir: --follow shows what arrives from now on and --as-of what was known then",
                "show", "--follow", "--as-of", "10:00", "-i", id);
        t.assertRefused(3, "ir: no incident", "show", "--follow", "-i", "no-such-thing");
    }
}
