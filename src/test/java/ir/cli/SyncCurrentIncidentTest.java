package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** After a sync that brings in one open incident, a teammate with nothing to work on can log at once. */
class SyncCurrentIncidentTest {
    private static final String BOB = "Bob Builder <bob@example.com>";

    @TempDir
    Path tmp;

    IrTester alice;
    IrTester bob;

    @BeforeEach
    void twoClones() {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        alice = Clones.first(tmp.resolve("alice"), bare);
        bob = Clones.clone(bare, tmp.resolve("bob"), BOB);
    }

    private String current(IrTester t) throws Exception {
        Path f = t.dir().resolve(".git/ir/current");
        return Files.isRegularFile(f) ? Files.readString(f).strip() : null;
    }

    @Test
    void theOneOpenIncidentASyncBringsInBecomesCurrentAndSyncSaysSo() throws Exception {
        String id = alice.open("Checkout latency spike", "--severity", "SEV-2");
        ok(alice.run("sync"));

        Result r = ok(bob.run("sync"));

        assertThat(r.err()).contains(id + " (declared in another clone) is now the current incident");
        assertThat(current(bob)).isEqualTo(id);
        ok(bob.run("log", "bob", "joined", "the", "call"));
        assertThat(IrTester.timelineTexts(bob.committedYaml(id))).contains("bob joined the call");
        assertThat(bob.clean()).isTrue();
    }

    @Test
    void jsonSaysWhichIncidentBecameCurrent() {
        String id = alice.open("Checkout latency spike");
        ok(alice.run("sync"));

        JsonNode doc = ok(bob.run("sync", "--json")).json();

        assertThat(doc.get("current").asText()).isEqualTo(id);
    }

    @Test
    void anOpenCurrentIncidentIsKept() throws Exception {
        ok(bob.run("init"));
        String mine = bob.open("Search is slow");
        alice.advance(Duration.ofMinutes(1));
        String theirs = alice.open("Checkout latency spike");
        ok(alice.run("sync"));

        Result r = ok(bob.run("sync"));

        assertThat(r.err()).doesNotContain("now the current incident");
        assertThat(current(bob)).isEqualTo(mine);
        assertThat(bob.incidentFile(theirs)).exists();
    }

    @Test
    void aResolvedCurrentIncidentGivesWayToTheNewOne() throws Exception {
        String old = alice.open("Search is slow");
        ok(alice.run("sync"));
        ok(bob.run("sync"));
        assertThat(current(bob)).isEqualTo(old);
        ok(bob.run("resolve", "index", "rebuilt"));
        ok(bob.run("sync"));
        ok(alice.run("sync"));
        alice.advance(Duration.ofMinutes(5));
        String next = alice.open("Checkout latency spike");
        ok(alice.run("sync"));

        Result r = ok(bob.run("sync"));

        assertThat(r.err()).contains(next + " (declared in another clone) is now the current incident");
        assertThat(current(bob)).isEqualTo(next);
    }

    @Test
    void twoNewOpenIncidentsAreNamedButNoneIsChosen() throws Exception {
        String one = alice.open("Search is slow");
        alice.advance(Duration.ofMinutes(1));
        String two = alice.open("Checkout latency spike");
        ok(alice.run("sync"));

        Result r = ok(bob.run("sync"));

        assertThat(r.err()).contains("New open incidents: " + two + ", " + one + " (choose one with: ir use ID)")
                .doesNotContain("now the current incident");
        assertThat(current(bob)).isNull();
    }

    @Test
    void aResolvedIncidentThatArrivesIsNotMadeCurrent() throws Exception {
        alice.open("Search is slow");
        ok(alice.run("resolve", "false", "alarm"));
        ok(alice.run("sync"));

        Result r = ok(bob.run("sync"));

        assertThat(r.err()).doesNotContain("current incident");
        assertThat(current(bob)).isNull();
    }
}
