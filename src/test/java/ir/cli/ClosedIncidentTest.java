package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A closed incident changes only on purpose: a late note and action-item bookkeeping are recorded with a warning,
 * anything else needs --force (and warns too), and 'ir reopen' is the way back to work.
 */
class ClosedIncidentTest {
    @TempDir
    Path dir;

    IrTester ir;
    String id;

    @BeforeEach
    void closedIncident() throws Exception {
        ir = IrTester.workspace(dir).at("2026-11-28T15:00:00Z");
        // a team status after closed, so that a status change of a closed incident is possible at all
        Path config = dir.resolve("ir.yaml");
        Files.writeString(config, Files.readString(config).replace("  - closed\n", "  - closed\n  - archived\n"));
        id = ir.open("Search is slow", "--severity", "SEV-3");
        ir.advance(Duration.ofMinutes(30));
        ok(ir.run("resolve", "index rebuilt"));
        ir.advance(Duration.ofDays(2));
        ok(ir.run("status", "closed"));
        ir.advance(Duration.ofDays(3));
    }

    private static String[] args(String command) {
        List<String> a = new ArrayList<>();
        for (String w : command.split(" ")) {
            a.add(w.replace('_', ' '));
        }
        return a.toArray(String[]::new);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "severity SEV-2 | escalate SEV-3 -> SEV-2",
            "role commander Bob_<bob@example.com> | role commander: Bob <bob@example.com>",
            "mark detected --at 2026-11-28T14:58:00Z | mark detected 2026-11-28T14:58:00Z",
            "set summary The_index_was_stale | set summary",
            "add went-well paging_worked | add went-well: paging worked",
            "status archived | status closed -> archived",
            "cancel opened_by_mistake | cancel (closed -> canceled): opened by mistake"})
    void aChangeToTheRecordIsRefusedWithoutForceAndMadeWithIt(String command, String summary) {
        ir.assertRefused(2, "ir: " + id + " is closed: '" + summary + "' would change its record; add --force to "
                + "change it anyway, or 'ir reopen WHY' to work on it again", args(command));

        List<String> forced = new ArrayList<>(List.of(args(command)));
        forced.add("--force");
        int before = ir.commits().size();
        Result r = ok(ir.run(forced.toArray(String[]::new)));

        assertThat(r.err()).contains("ir: warning: " + id + " is closed: '" + summary + "' changed its record "
                + "(--force)");
        assertThat(ir.commits()).hasSize(before + 1);
        assertThat(ir.commits().get(0).getShortMessage()).isEqualTo(id + ": " + summary);
    }

    @Test
    void theChangesAreInTheFileOnlyWithForce() {
        ok(ir.run("severity", "SEV-2", "--force"));
        ok(ir.run("set", "summary", "The index was stale", "--force"));

        JsonNode doc = ir.committedYaml(id);
        assertThat(doc.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(doc.get("summary").asText()).isEqualTo("The index was stale");
        assertThat(doc.get("status").asText()).isEqualTo("closed");
    }

    @Test
    void aLateNoteIsRecordedWithAWarningAndNoForce() {
        Result r = ok(ir.run("log", "customer", "confirmed", "the", "fix"));

        assertThat(r.err()).contains("ir: warning: " + id + " is closed: late entry added all the same");
        assertThat(IrTester.timelineTexts(ir.committedYaml(id))).contains("customer confirmed the fix");
        ok(ir.run("log", "--type", "decision", "keep", "the", "new", "index"));
    }

    @Test
    void actionItemBookkeepingNeedsNoForce() {
        Result add = ok(ir.run("action", "add", "alert", "on", "index", "age", "--owner", "Bob"));
        assertThat(add.err()).contains("ir: warning: " + id + " is closed: action item recorded all the same");
        String action = ir.committedYaml(id).get("actions").get(0).get("id").asText();

        Result done = ok(ir.run("action", "done", action));

        assertThat(done.err()).contains("is closed: action item recorded all the same");
        assertThat(ir.committedYaml(id).get("actions").get(0).get("status").asText()).isEqualTo("done");
    }

    @Test
    void reopenIsTheWayBackAndNeedsNoForceNorWarns() {
        Result r = ok(ir.run("reopen", "the", "slowness", "is", "back"));

        assertThat(r.err()).doesNotContain("warning");
        assertThat(ir.committedYaml(id).get("status").asText()).isEqualTo("investigating");
        Result sev = ok(ir.run("severity", "SEV-2"));
        assertThat(sev.err()).doesNotContain("warning");
    }

    @Test
    void aResolvedIncidentIsNotGuarded() throws Exception {
        String other = ir.open("Another one");
        ok(ir.run("resolve", "-i", other));

        Result r = ok(ir.run("set", "-i", other, "summary", "fine"));

        assertThat(r.err()).doesNotContain("warning");
    }
}
