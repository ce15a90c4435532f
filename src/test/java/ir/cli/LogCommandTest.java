package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogCommandTest {
    @TempDir
    Path tmp;
    IrTester ir;
    String id;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:01:00Z");
        id = ir.open("Checkout latency spike", "--severity", "SEV-2");
        ir.advance(Duration.ofMinutes(2));
    }

    @Test
    void logAppendsToTheCurrentIncidentAndCommitsOnlyItsFile() {
        var r = ir.run("log", "database", "failover", "started");
        assertThat(r.exit()).as(r.toString()).isZero();

        JsonNode last = lastEvent();
        assertThat(last.get("text").asText()).isEqualTo("database failover started");
        assertThat(last.get("type").asText()).isEqualTo("note");
        assertThat(last.get("at").asText()).isEqualTo("2026-11-28T15:03:00Z");
        assertThat(last.get("author").asText()).isEqualTo(IrTester.ALICE);
        assertThat(last.has("important")).isFalse();
        RevCommit c = ir.commits().get(0);
        assertThat(c.getShortMessage()).isEqualTo(id + ": log note: database failover started");
        assertThat(c.getFullMessage()).endsWith("Incident: " + id + "\nIr-Event: note\n");
        assertThat(ir.changedPaths(c)).containsExactly("incidents/" + id + ".yaml");
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void atBackdatesAndTheTimelineStaysInTimeOrder() {
        ir.run("log", "now-ish");
        var r = ir.run("log", "-i", "2026-11-28-check", "alert", "fired", "--at", "-10m", "--type", "alert");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> times = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        ir.yaml(id).get("timeline").forEach(e -> {
            times.add(e.get("at").asText());
            texts.add(e.get("text").asText());
        });
        assertThat(times).containsExactly("2026-11-28T14:53:00Z", "2026-11-28T15:01:00Z", "2026-11-28T15:03:00Z");
        assertThat(texts.get(0)).isEqualTo("alert fired");
    }

    @Test
    void entriesLoggedWithinOneSecondKeepTheOrderTheyWereLoggedIn() {
        List<String> logged = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            logged.add("step " + n);
            assertThat(ir.run("log", "step " + n).exit()).isZero();
        }
        List<String> texts = new ArrayList<>();
        ir.yaml(id).get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).containsSubsequence(logged);
        List<String> shown = new ArrayList<>();
        ir.run("show", "--json").json().get("timeline").forEach(e -> shown.add(e.get("text").asText()));
        assertThat(shown).containsSubsequence(logged);
    }

    @Test
    void acceptsEveryDocumentedTimeFormat() {
        ir.run("log", "a", "--at", "2026-11-28T14:54:00Z");
        ir.run("log", "b", "--at", "2026-11-28T23:50+09:00");
        ir.run("log", "c", "--at", "2026-11-28 14:40");
        ir.run("log", "d", "--at", "14:30");
        ir.run("log", "e", "--at", "-2h");
        ir.run("log", "f", "--at", "-1d");
        List<String> times = new ArrayList<>();
        ir.yaml(id).get("timeline").forEach(e -> times.add(e.get("text").asText() + "@" + e.get("at").asText()));
        assertThat(times).contains("a@2026-11-28T14:54:00Z", "b@2026-11-28T14:50:00Z", "c@2026-11-28T14:40:00Z",
                "d@2026-11-28T14:30:00Z", "e@2026-11-28T13:03:00Z", "f@2026-11-27T15:03:00Z");
    }

    @Test
    void localTimesUseTheClockZone() {
        ir.zone(java.time.ZoneId.of("Europe/Paris"));
        ir.run("log", "paris", "--at", "15:30");
        assertThat(lastEventWithText("paris").get("at").asText()).isEqualTo("2026-11-28T14:30:00Z");
    }

    @Test
    void dashReadsMultiLineTextFromStdinAndKeepsIt() {
        var r = ir.runWithInput("pod-1 CrashLoopBackOff\npod-2 Running\n\n", "log", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(lastEvent().get("text").asText()).isEqualTo("pod-1 CrashLoopBackOff\npod-2 Running");
        assertThat(ir.read("incidents/" + id + ".yaml")).contains("text: |-\n      pod-1 CrashLoopBackOff\n");
    }

    @Test
    void importantAndTypeAreRecorded() {
        ir.run("log", "--important", "--type", "decision", "roll", "back");
        JsonNode last = lastEvent();
        assertThat(last.get("important").asBoolean()).isTrue();
        assertThat(last.get("type").asText()).isEqualTo("decision");
        assertThat(ir.commits().get(0).getFullMessage()).contains("Ir-Event: decision");
    }

    @Test
    void globalOptionsWorkAfterTheSubcommand() {
        var r = ir.run("log", "from bob", "--as", "Bob <bob@example.com>");
        assertThat(r.exit()).isZero();
        assertThat(lastEventWithText("from bob").get("author").asText()).isEqualTo("Bob <bob@example.com>");
        assertThat(ir.commits().get(0).getAuthorIdent().getName()).isEqualTo("Bob");
        var r2 = ir.run("--as", "Carol <carol@example.com>", "log", "from carol");
        assertThat(r2.exit()).isZero();
        assertThat(lastEventWithText("from carol").get("author").asText()).isEqualTo("Carol <carol@example.com>");
    }

    @Test
    void textThatLooksLikeYamlSurvivesARoundTrip() {
        String tricky = "key: value # not a comment, \"quoted\" 'single' - dash [x] {y} & *star !tag %pct @at `tick`";
        ir.run("log", tricky);
        ir.run("log", "yes");
        ir.run("log", "123");
        assertThat(lastEventWithText(tricky)).isNotNull();
        assertThat(lastEventWithText("yes").get("text").isTextual()).isTrue();
        assertThat(lastEventWithText("123").get("text").isTextual()).isTrue();
    }

    @Test
    void unknownKeysArePreservedOnRewrite() throws Exception {
        String file = ir.read("incidents/" + id + ".yaml");
        file = file.replace("timeline:", "future_field:\n  nested: [1, 2]\n  flag: true\ntimeline:")
                .replace("    type: declared\n", "    type: declared\n    future_attr: kept\n    future_count: 3\n"
                        + "    future_weight: 1.5\n    future_flag: true\n");
        java.nio.file.Files.writeString(ir.incidentFile(id), file);
        ir.run("log", "after upgrade");
        JsonNode doc = ir.yaml(id);
        assertThat(doc.get("future_field").get("nested")).hasSize(2);
        assertThat(doc.get("future_field").get("flag").asBoolean()).isTrue();
        assertThat(doc.get("timeline").get(0).get("future_attr").asText()).isEqualTo("kept");
        JsonNode declared = doc.get("timeline").get(0);
        assertThat(declared.get("future_count").isInt()).as(declared.toString()).isTrue();
        assertThat(declared.get("future_count").asInt()).isEqualTo(3);
        assertThat(declared.get("future_weight").isDouble()).as(declared.toString()).isTrue();
        assertThat(declared.get("future_flag").isBoolean()).as(declared.toString()).isTrue();
    }

    @Test
    void userUnrelatedChangesAreNeitherCommittedNorDisturbed() throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("notes.txt"), "work in progress\n");
        java.nio.file.Files.writeString(tmp.resolve("ir.yaml"), ir.read("ir.yaml") + "# my edit\n");
        try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
            java.nio.file.Files.writeString(tmp.resolve("staged.txt"), "staged\n");
            git.add().addFilepattern("staged.txt").call();
        }
        ir.run("log", "while the user works");
        assertThat(ir.changedPaths(ir.commits().get(0))).containsExactly("incidents/" + id + ".yaml");
        try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
            var status = git.status().call();
            assertThat(status.getUntracked()).contains("notes.txt");
            assertThat(status.getModified()).containsExactly("ir.yaml");
            assertThat(status.getAdded()).containsExactly("staged.txt");
            assertThat(status.getChanged()).isEmpty();
        }
        assertThat(ir.read("ir.yaml")).endsWith("# my edit\n");
    }

    @Test
    void refusesEmptyEntry() {
        ir.assertRefused(2, "ir: the entry is empty", "log", " ");
        ir.assertRefusedWithInput("\n\n", 2, "ir: the entry is empty", "log", "-");
    }

    @Test
    void refusesUnknownType() {
        ir.assertRefused(2, "ir: unknown entry type 'gossip': use one of note, action, decision, alert, comms",
                "log", "--type", "gossip", "x");
    }

    @Test
    void refusesBadTime() {
        ir.assertRefused(2, "ir: invalid time for --at '25:99'", "log", "x", "--at", "25:99");
        ir.assertRefused(2, "ir: invalid time for --at 'soon'", "log", "x", "--at", "soon");
    }

    @Test
    void refusesUnknownIncident() {
        ir.assertRefused(3, "ir: no incident matches 'nope'", "log", "-i", "nope", "x");
    }

    @Test
    void refusesAmbiguousPrefixListingTheCandidates() {
        ir.open("Checkout errors");
        var r = ir.assertRefused(3, "ir: '2026-11-28-check' matches 2 incidents", "log", "-i", "2026-11-28-check", "x");
        assertThat(r.err()).contains("2026-11-28-checkout-errors").contains("2026-11-28-checkout-latency-spike");
    }

    @Test
    void refusesAnEmptyIncidentRatherThanUsingTheCurrentOne() {
        ir.assertRefused(2, "ir: -i is empty: give an incident ID", "log", "-i", "", "x");
        ir.assertRefused(2, "ir: -i is empty", "log", "--incident", " ", "x");
    }

    @Test
    void uniqueSubstringSelects() {
        ir.open("Payments down");
        var r = ir.run("log", "-i", "latency", "found it");
        assertThat(r.exit()).isZero();
        assertThat(lastEventWithText("found it")).isNotNull();
    }

    @Test
    void refusesWithoutCurrentIncident() throws Exception {
        java.nio.file.Files.delete(tmp.resolve(".git/ir/current"));
        ir.assertRefused(3, "ir: no current incident in this clone", "log", "x");
    }

    private JsonNode lastEvent() {
        JsonNode t = ir.yaml(id).get("timeline");
        return t.get(t.size() - 1);
    }

    private JsonNode lastEventWithText(String text) {
        JsonNode found = null;
        for (JsonNode e : ir.yaml(id).get("timeline")) {
            if (text.equals(e.get("text").asText())) {
                found = e;
            }
        }
        return found;
    }
}
