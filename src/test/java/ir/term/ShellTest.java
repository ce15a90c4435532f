package ir.term;

import com.fasterxml.jackson.databind.JsonNode;
import ir.cli.Cli;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives {@code ir shell} through JLine's dumb terminal, with the lines a responder types as its input. The clock
 * is fixed, so events share a time and the file orders them by id: timelines are compared as sets, commits in order.
 */
@Timeout(60)
class ShellTest {
    @TempDir
    Path dir;

    private static List<String> texts(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> out.add(e.path("text").asText()));
        return out;
    }

    @Test
    void eachEntryAndCommandIsWrittenAndCommittedInOrder() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-2");
        int before = t.commits().size();

        Result r = t.runWithInput("""
                db failover started
                /log --important --type decision roll back release 412
                /show
                failover done
                """, "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode yaml = t.yaml(id);
        assertThat(texts(yaml)).containsExactlyInAnyOrder("Declared SEV-2: Checkout latency spike", "db failover started",
                "roll back release 412", "failover done");
        JsonNode decision = null;
        for (JsonNode e : yaml.get("timeline")) {
            if (e.path("text").asText().equals("roll back release 412")) {
                decision = e;
            }
        }
        assertThat(decision.path("type").asText()).isEqualTo("decision");
        assertThat(decision.path("important").asBoolean()).isTrue();
        assertThat(decision.path("author").asText()).isEqualTo(IrTester.ALICE);
        List<RevCommit> commits = t.commits();
        assertThat(commits).hasSize(before + 3);
        assertThat(commits.get(0).getShortMessage()).isEqualTo(id + ": log note: failover done");
        assertThat(commits.get(2).getShortMessage()).isEqualTo(id + ": log note: db failover started");
        for (RevCommit c : commits.subList(0, 3)) {
            assertThat(t.changedPaths(c)).containsExactly("incidents/" + id + ".yaml");
            assertThat(c.getFullMessage()).contains("Incident: " + id);
        }
        // /show printed the live state, with the entries made before it
        assertThat(r.out()).contains("Checkout latency spike").contains("db failover started");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void entriesAreKeptVerbatimEvenWhenTheyLookLikeOptionsOrQuotes() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Disk full");

        Result r = t.runWithInput("""
                --force was not used
                don't restart the primary
                "quoted" words and !! bangs
                //var/log is full
                  padded entry  \s
                0x1F
                12:30
                1_000
                null
                yes
                last entry, so every one above was read back and rewritten
                """, "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(t.yaml(id))).containsExactlyInAnyOrder("Declared SEV-3: Disk full", "--force was not used",
                "don't restart the primary", "\"quoted\" words and !! bangs", "/var/log is full", "padded entry",
                "0x1F", "12:30", "1_000", "null", "yes", "last entry, so every one above was read back and rewritten");
    }

    @Test
    void unknownCommandIsAOneLineErrorAndTheShellGoesOn() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Payments down", "--severity", "SEV-1");
        int before = t.commits().size();

        Result r = t.runWithInput("/bogus SEV-1\n/init\n/help nosuch\nstill here\n", "shell");

        assertThat(r.out()).contains("ir: unknown command '/bogus': /help lists the commands");
        assertThat(r.out()).contains("ir: /init does not work inside the shell");
        assertThat(r.out()).contains("ir: unknown command '/nosuch': /help lists the commands");
        assertThat(r.out().lines().filter(l -> l.contains("ir: unknown command"))).hasSize(2);
        assertThat(texts(t.yaml(id))).contains("still here");
        assertThat(t.commits()).hasSize(before + 1);
        // read from a pipe, a failed line makes the run fail, so a script notices
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void aFailedEntryShowsTheErrorAndChangesNothing() {
        IrTester t = IrTester.workspace(dir);
        t.open("Payments down");
        int before = t.commits().size();

        Result r = t.runWithInput("/log --at tomorrow-ish oops\n/log --type gossip heard things\n", "shell");

        assertThat(r.out()).contains("ir: invalid time for --at 'tomorrow-ish'")
                .contains("ir: unknown entry type 'gossip'");
        assertThat(t.commits()).hasSize(before);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(t.clean()).isTrue();
    }

    @Test
    void useSwitchesTheShellToAnotherIncidentAndOpenToTheNewOne() {
        IrTester t = IrTester.workspace(dir);
        String first = t.open("Checkout latency spike");
        String second = t.open("Search is slow");

        Result r = t.runWithInput("""
                on the second
                /use checkout
                on the first
                /use
                /open Billing errors --severity SEV-2
                on the third
                """, "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(t.yaml(second))).contains("on the second");
        assertThat(texts(t.yaml(first))).contains("on the first");
        assertThat(r.out()).contains(first);
        String third = t.run("use").out().strip();
        assertThat(third).contains("billing-errors");
        assertThat(texts(t.yaml(third))).containsExactlyInAnyOrder("Declared SEV-2: Billing errors", "on the third");
    }

    @Test
    void incidentOptionChoosesTheShellsIncidentAndCommandsMayNameAnother() {
        IrTester t = IrTester.workspace(dir);
        String first = t.open("Checkout latency spike");
        String second = t.open("Search is slow");

        Result r = t.runWithInput("typed into the first\n/log -i search typed into the second\n", "shell", "-i",
                "checkout");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(t.yaml(first))).contains("typed into the first");
        assertThat(texts(t.yaml(second))).contains("typed into the second");
        // the clone's current incident is not changed by -i
        assertThat(t.run("use").out().strip()).isEqualTo(second);
    }

    @Test
    void anIncidentFileWithoutSeverityStatusOrOpenedAtDoesNotEndTheShell() {
        IrTester t = IrTester.workspace(dir);
        ir.testing.Fixtures.write(t, "2026-11-28-bare", "schema: 1\nid: 2026-11-28-bare\ntitle: bare\n");
        int before = t.commits().size();

        Result r = t.runWithInput("""
                first entry
                second entry
                """, "shell", "-i", "bare");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("internal error");
        assertThat(texts(t.yaml("2026-11-28-bare"))).containsExactlyInAnyOrder("first entry", "second entry");
        assertThat(t.commits()).hasSize(before + 2);
        // the prompt a person at a terminal sees shows what is missing as '?'
        try (var store = new ir.store.GitIncidentStore(ir.store.Workspace.discover(dir, null, null),
                ir.store.Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)));
             var terminal = new org.jline.terminal.impl.DumbTerminal("test", "dumb", java.io.InputStream
                     .nullInputStream(), java.io.OutputStream.nullOutputStream(), StandardCharsets.UTF_8)) {
            ir.env.Env env = new ir.env.Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    java.io.InputStream.nullInputStream(), t.clock(), dir, Map.of(), false);
            assertThat(new Shell(env, store, terminal, "bare", false, Cli::commandLine).prompt()).contains("bare ? ?> ");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shellOnAnUnknownIncidentRefusesToStart() {
        IrTester t = IrTester.workspace(dir);
        t.open("Checkout latency spike");
        int before = t.commits().size();

        Result r = t.runWithInput("never logged\n", "shell", "-i", "no-such-thing");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("ir: no incident matches 'no-such-thing'").hasLineCount(1);
        assertThat(t.commits()).hasSize(before);
    }

    @Test
    void ctrlCCancelsTheLineAndCtrlDLeaves() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");

        Result r = t.runWithInput("half a thought\u0003kept entry\n\u0004never logged\n", "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(t.yaml(id))).containsExactlyInAnyOrder("Declared SEV-3: Checkout latency spike", "kept entry");
    }

    @Test
    void optionsOfOneCommandDoNotLeakIntoTheNext() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");

        Result r = t.runWithInput("/log --important --type decision roll back\nplain entry\n/log another\n", "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (JsonNode e : t.yaml(id).get("timeline")) {
            String text = e.path("text").asText();
            if (text.equals("plain entry") || text.equals("another")) {
                assertThat(e.path("type").asText()).isEqualTo("note");
                assertThat(e.has("important")).isFalse();
            }
        }
        assertThat(texts(t.yaml(id))).contains("roll back", "plain entry", "another");
    }

    @Test
    void quitLeavesAndLaterLinesAreNotRead() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");

        Result r = t.runWithInput("one\n/quit\ntwo\n", "shell");

        assertThat(r.exit()).isZero();
        assertThat(texts(t.yaml(id))).contains("one").doesNotContain("two");
    }

    @Test
    void historyIsKeptPerCloneAndNeverCommitted() throws IOException {
        IrTester t = IrTester.workspace(dir);
        t.open("Checkout latency spike");

        t.runWithInput("first line\n/show\n", "shell");

        Path history = dir.resolve(".git/ir/shell_history");
        assertThat(Files.readString(history)).contains("first line").contains("/show");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void helpListsTheCommandsAndACommandsOptions() {
        IrTester t = IrTester.workspace(dir);
        t.open("Checkout latency spike");

        Result r = t.runWithInput("/help\n/help log\n", "shell");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("/show").contains("/log").contains("/quit").doesNotContain("/shell ")
                .contains("Usage: ir log");
    }

    @Test
    void withoutAnIncidentEntriesSayHowToStartOne() {
        IrTester t = IrTester.workspace(dir);
        int before = t.commits().size();

        Result r = t.runWithInput("something broke\n", "shell");

        assertThat(r.out()).contains("ir: no current incident in this clone: pass -i ID, or run 'ir use ID'");
        assertThat(t.commits()).hasSize(before);
    }

    @Test
    void anotherRespondersEntriesShowUpBetweenPromptsAndInShow() throws Exception {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");
        int before = t.commits().size();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        StringWriter out = new StringWriter();
        ir.env.Env env = new ir.env.Env(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), in,
                t.clock(), dir, Map.of("IR_AUTHOR", IrTester.ALICE), false);
        CompletableFuture<Integer> shell = CompletableFuture.supplyAsync(() -> Cli.run(env, "shell"));

        keys.write("alice was here\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        waitFor(() -> t.commits().size() == before + 1);
        Result bob = t.env("IR_AUTHOR", "Bob Oncall <bob@example.com>").run("log", "bob restarted the cache");
        assertThat(bob.exit()).as(bob.toString()).isZero();
        keys.write("alice again\n/show\n".getBytes(StandardCharsets.UTF_8));
        keys.close();

        assertThat(shell.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(texts(t.yaml(id))).containsExactlyInAnyOrder("Declared SEV-3: Checkout latency spike", "alice was here",
                "bob restarted the cache", "alice again");
        String shown = out.toString();
        assertThat(shown).contains("Bob Oncall: bob restarted the cache");
        assertThat(shown.substring(shown.lastIndexOf("Timeline"))).contains("bob restarted the cache")
                .contains("alice again");
    }

    @Test
    void twoShellsOnOneIncidentLoseNoEntry() throws Exception {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");
        int before = t.commits().size();
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 15; i++) {
            a.append("alice ").append(i).append('\n');
            b.append("bob ").append(i).append('\n');
        }
        IrTester bobs = IrTester.plainDir(dir).env("IR_AUTHOR", "Bob Oncall <bob@example.com>");

        CompletableFuture<Result> one = CompletableFuture.supplyAsync(() -> t.runWithInput(a.toString(), "shell"));
        CompletableFuture<Result> two = CompletableFuture.supplyAsync(() -> bobs.runWithInput(b.toString(), "shell"));

        assertThat(one.get(60, TimeUnit.SECONDS).exit()).isZero();
        assertThat(two.get(60, TimeUnit.SECONDS).exit()).isZero();
        List<String> texts = texts(t.yaml(id));
        assertThat(texts).hasSize(31);
        for (int i = 0; i < 15; i++) {
            assertThat(texts).contains("alice " + i, "bob " + i);
        }
        assertThat(t.commits()).hasSize(before + 30);
        assertThat(t.clean()).isTrue();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void pipedLinesGetNoPromptsNoGreetingAndNoEchoOnlyWhatTheCommandsPrint() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-2");

        Result r = t.runWithInput("db failover started\n/severity SEV-1\n/use " + id + "\n", "shell");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(t.yaml(id))).contains("db failover started");
        assertThat(r.out()).as(r.toString()).doesNotContain("> ").doesNotContain("ir shell on")
                .doesNotContain("checkout-latency-spike SEV").doesNotContain("db failover started");
        // what the commands say is all there is
        assertThat(r.out().strip().lines().toList()).as(r.toString()).allSatisfy(l -> assertThat(l)
                .containsAnyOf("SEV-1", id));
    }
}
