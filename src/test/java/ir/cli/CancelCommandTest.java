package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir cancel}: a mistaken or duplicate incident keeps its record and leaves lists, stats and reports. */
class CancelCommandTest {
    @TempDir
    Path dir;

    IrTester ir;
    String real;
    String dup;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(dir).at("2026-11-28T15:01:00Z");
        real = ir.open("Checkout latency spike", "--severity", "SEV-2");
        ir.advance(java.time.Duration.ofMinutes(2));
        dup = ir.open("Checkout slow", "--severity", "SEV-2");
        ir.advance(java.time.Duration.ofMinutes(3));
    }

    private static JsonNode last(JsonNode doc) {
        JsonNode t = doc.get("timeline");
        return t.get(t.size() - 1);
    }

    private List<String> listed(String... options) {
        List<String> args = new ArrayList<>(List.of("list", "--json"));
        args.addAll(List.of(options));
        List<String> ids = new ArrayList<>();
        ok(ir.run(args.toArray(String[]::new))).json().forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    @Test
    void cancelKeepsTheRecordWithItsReasonInOneCommit() {
        int before = ir.commits().size();

        Result r = ok(ir.run("cancel", "-i", dup, "false", "alarm:", "the", "synthetic", "check", "was", "broken"));

        assertThat(r.err()).contains(dup + " is canceled");
        JsonNode doc = ir.committedYaml(dup);
        assertThat(doc.get("status").asText()).isEqualTo("canceled");
        assertThat(doc.get("canceled").get("reason").asText()).isEqualTo("false alarm: the synthetic check was broken");
        assertThat(doc.get("canceled").has("duplicate_of")).isFalse();
        JsonNode e = last(doc);
        assertThat(e.get("type").asText()).isEqualTo("status");
        assertThat(e.get("from").asText()).isEqualTo("investigating");
        assertThat(e.get("to").asText()).isEqualTo("canceled");
        assertThat(e.get("reason").asText()).isEqualTo("false alarm: the synthetic check was broken");
        assertThat(e.get("text").asText()).isEqualTo("Canceled: false alarm: the synthetic check was broken");
        assertThat(e.get("at").asText()).isEqualTo("2026-11-28T15:06:00Z");
        List<RevCommit> commits = ir.commits();
        assertThat(commits).hasSize(before + 1);
        assertThat(commits.get(0).getShortMessage()).isEqualTo(dup + ": cancel (investigating -> canceled): false "
                + "alarm: the synthetic check was broken");
        assertThat(commits.get(0).getFullMessage()).contains("Ir-Event: status");
        assertThat(ir.changedPaths(commits.get(0))).containsExactly("incidents/" + dup + ".yaml");
        assertThat(ir.incidentFile(dup)).exists();
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void duplicateOfRecordsTheSurvivingIncidentByItsFullId() {
        ok(ir.run("cancel", "-i", dup, "--duplicate-of", "latency-spike"));

        JsonNode doc = ir.committedYaml(dup);
        assertThat(doc.get("status").asText()).isEqualTo("canceled");
        assertThat(doc.get("canceled").get("duplicate_of").asText()).isEqualTo(real);
        assertThat(doc.get("canceled").has("reason")).isFalse();
        assertThat(last(doc).get("duplicate_of").asText()).isEqualTo(real);
        assertThat(last(doc).get("text").asText()).isEqualTo("Canceled: duplicate of " + real);
        assertThat(ir.committedYaml(real).get("status").asText()).isEqualTo("investigating");
        assertThat(ok(ir.run("show", "-i", dup)).out()).contains("SEV-2 · canceled")
                .contains("canceled: duplicate of " + real);
    }

    @Test
    void cancelRefusesWhatWouldLoseTheReasonOrPointNowhere() {
        ir.assertRefused(2, "ir: say why it is canceled", "cancel", "-i", dup);
        ir.assertRefused(2, "ir: " + dup + " cannot be a duplicate of itself", "cancel", "-i", dup,
                "--duplicate-of", dup);
        ir.assertRefused(3, "ir: no incident matches 'nosuch'", "cancel", "-i", dup, "--duplicate-of", "nosuch");
        ir.assertRefused(3, "ir: 'checkout' matches 2 incidents", "cancel", "-i", dup, "--duplicate-of",
                "checkout");
        ir.assertRefused(2, "ir: to cancel " + dup + " say why: ir cancel REASON", "status", "-i", dup,
                "canceled");

        ok(ir.run("cancel", "-i", real, "opened", "by", "mistake"));
        ir.assertRefused(2, "ir: " + real + " is canceled itself", "cancel", "-i", dup, "--duplicate-of", real);
        ir.assertRefused(2, "ir: " + real + " is canceled already", "cancel", "-i", real, "again");
        ir.assertRefused(2, "ir: " + real + " is canceled: to work on it again run 'ir reopen WHY'", "status", "-i",
                real, "identified");
        ir.assertRefused(2, "ir: " + real + " is canceled: to work on it again run 'ir reopen WHY'", "resolve",
                "-i", real);
    }

    @Test
    void canceledIncidentsAreLeftOutOfListsUnlessAskedFor() {
        ok(ir.run("cancel", "-i", dup, "--duplicate-of", real));

        assertThat(listed()).containsExactly(real);
        assertThat(listed("--open")).containsExactly(real);
        assertThat(listed("--canceled")).containsExactly(dup);
        assertThat(listed("--all")).containsExactly(dup, real);
        String text = ok(ir.run("list", "--all")).out();
        assertThat(text).contains(dup).contains("canceled");
        assertThat(ok(ir.run("list")).out()).doesNotContain(dup);
    }

    @Test
    void canceledIncidentsAreLeftOutOfStatsUnlessIncluded() {
        ok(ir.run("cancel", "-i", dup, "opened", "twice"));

        JsonNode all = allRow(ok(ir.run("stats", "--json")).json());
        assertThat(all.get("incidents").asInt()).isEqualTo(1);
        assertThat(all.get("open").asInt()).isEqualTo(1);
        JsonNode included = allRow(ok(ir.run("stats", "--json", "--include-canceled")).json());
        assertThat(included.get("incidents").asInt()).isEqualTo(2);
        assertThat(included.get("open").asInt()).as("a canceled incident is not open").isEqualTo(1);
    }

    private static JsonNode allRow(JsonNode rows) {
        for (JsonNode r : rows) {
            if (r.get("severity").asText().equals("all")) {
                return r;
            }
        }
        throw new AssertionError("no 'all' row: " + rows);
    }

    @Test
    void actionItemsOfCanceledIncidentsAreLeftOutUnlessAskedFor() {
        ok(ir.run("action", "add", "-i", dup, "check", "the", "synthetic", "probe"));
        ok(ir.run("action", "add", "-i", real, "add", "a", "canary"));
        ok(ir.run("cancel", "-i", dup, "false", "alarm"));

        List<String> texts = new ArrayList<>();
        ok(ir.run("actions", "--json")).json().forEach(n -> texts.add(n.get("text").asText()));
        assertThat(texts).containsExactly("add a canary");
        texts.clear();
        ok(ir.run("actions", "--json", "--include-canceled")).json().forEach(n -> texts.add(n.get("text").asText()));
        assertThat(texts).containsExactlyInAnyOrder("add a canary", "check the synthetic probe");
        assertThat(ok(ir.run("actions", "--json", "-i", dup)).json()).hasSize(1);
    }

    @Test
    void aCanceledMajorIncidentRequiresNoPostmortem() {
        JsonNode before = ir.run("postmortem", "-i", dup, "--check", "--json").json();
        assertThat(before.get("required").asBoolean()).isTrue();

        ok(ir.run("cancel", "-i", dup, "--duplicate-of", real));

        Result check = ir.run("postmortem", "-i", dup, "--check", "--json");
        assertThat(check.json().get("required").asBoolean()).as(check.toString()).isFalse();
    }

    @Test
    void reopenBringsACanceledIncidentBack() {
        ok(ir.run("cancel", "-i", dup, "--duplicate-of", real, "same", "alert"));
        ir.advance(java.time.Duration.ofMinutes(5));

        Result r = ok(ir.run("reopen", "-i", dup, "not", "a", "duplicate:", "another", "region"));

        assertThat(r.err()).contains(dup + " is reopened: now investigating");
        JsonNode doc = ir.committedYaml(dup);
        assertThat(doc.get("status").asText()).isEqualTo("investigating");
        assertThat(doc.has("canceled")).isFalse();
        JsonNode e = last(doc);
        assertThat(e.get("from").asText()).isEqualTo("canceled");
        assertThat(e.get("text").asText()).isEqualTo("Reopened: not a duplicate: another region");
        assertThat(IrTester.timelineTexts(doc)).contains("Canceled: duplicate of " + real + ": same alert");
        assertThat(listed()).contains(dup);
    }

    @Test
    void canceledIsBuiltInEvenWhenIrYamlListsOtherStatuses() throws Exception {
        Path config = dir.resolve("ir.yaml");
        Files.writeString(config, Files.readString(config).replace("  - closed\n", ""));
        ok(ir.run("cancel", "-i", dup, "test", "incident"));

        assertThat(ir.committedYaml(dup).get("status").asText()).isEqualTo("canceled");
        Result show = ok(ir.run("show", "-i", dup));
        assertThat(show.out()).contains("canceled");
        ok(ir.run("log", "-i", dup, "a", "late", "note"));
    }
}
