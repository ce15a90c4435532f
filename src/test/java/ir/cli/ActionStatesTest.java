package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.MarkdownDoc;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** Action items through their states: ir action set, done dates, won't-do reasons, ir actions and the post-mortem. */
class ActionStatesTest {
    @TempDir
    Path dir;

    IrTester ir;
    String id;

    @BeforeEach
    void openIncident() {
        ir = IrTester.workspace(dir).at("2015-10-21T15:01:30Z");
        id = ir.open("Sonnet search down", "--severity", "SEV-2", "--at", "15:01");
        ir.at("2015-10-21T16:00:00Z");
    }

    private String add(String... words) {
        List<String> args = new ArrayList<>(List.of("action", "add"));
        args.addAll(List.of(words));
        return ok(ir.run(args.toArray(String[]::new))).out().strip();
    }

    private JsonNode item(String actionId) {
        for (JsonNode a : ir.yaml(id).get("actions")) {
            if (a.get("id").asText().equals(actionId)) {
                return a;
            }
        }
        throw new AssertionError("no action item " + actionId);
    }

    private JsonNode lastEvent() {
        JsonNode t = ir.yaml(id).get("timeline");
        return t.get(t.size() - 1);
    }

    @Test
    void actionSetChangesSeveralFieldsInOneCommitWithAnEventThatSaysWhatChanged() {
        String a = add("load", "test", "new", "corpora", "--owner", "Bob <bob@example.com>");
        int commits = ir.commits().size();
        ir.advance(Duration.ofMinutes(5));
        ok(ir.run("action", "set", a.substring(0, 6), "--status", "in progress", "--owner", "me", "--due",
                "2015-11-01", "--link", "https://tracker.example.com/OPS-7"));
        assertThat(ir.commits()).hasSize(commits + 1);
        JsonNode item = item(a);
        assertThat(item.get("status").asText()).isEqualTo("in-progress");
        assertThat(item.get("owner").asText()).isEqualTo(IrTester.ALICE);
        assertThat(item.get("due").asText()).isEqualTo("2015-11-01");
        assertThat(item.get("link").asText()).isEqualTo("https://tracker.example.com/OPS-7");
        assertThat(item.get("added_at").asText()).isEqualTo("2015-10-21T16:00:00Z");
        assertThat(item.has("done_at")).isFalse();
        JsonNode e = lastEvent();
        assertThat(e.get("type").asText()).isEqualTo("action-item");
        assertThat(e.get("action").asText()).isEqualTo(a);
        assertThat(e.get("status").asText()).isEqualTo("in-progress");
        assertThat(e.get("was_status").asText()).isEqualTo("open");
        assertThat(e.get("owner").asText()).isEqualTo(IrTester.ALICE);
        assertThat(e.get("text").asText()).contains("status open -> in-progress").contains("due 2015-11-01");
        RevCommit head = ir.commits().get(0);
        assertThat(head.getFullMessage()).startsWith(id + ": action set: load test new corpora: status open -> "
                + "in-progress").contains("Ir-Event: action-item");

        ok(ir.run("action", "set", a, "--owner", "none", "--due", "none", "--text", "load test every corpus"));
        item = item(a);
        assertThat(item.has("owner")).isFalse();
        assertThat(item.has("due")).isFalse();
        assertThat(item.get("text").asText()).isEqualTo("load test every corpus");
        assertThat(item.get("status").asText()).isEqualTo("in-progress");
    }

    @Test
    void doneRecordsTheDoneDateAndReopeningClearsIt() {
        String a = add("fix", "the", "runbook");
        ir.advance(Duration.ofDays(3));
        ok(ir.run("action", "done", a));
        assertThat(item(a).get("status").asText()).isEqualTo("done");
        assertThat(item(a).get("done_at").asText()).isEqualTo("2015-10-24T16:00:00Z");
        ir.assertRefused(2, "ir: action item " + a + " is already done (2015-10-24T16:00:00Z)", "action", "done", a);

        ok(ir.run("action", "set", a, "--status", "open"));
        assertThat(item(a).get("status").asText()).isEqualTo("open");
        assertThat(item(a).has("done_at")).isFalse();

        ok(ir.run("action", "set", a, "--status", "done", "--at", "2015-10-24 09:00"));
        assertThat(item(a).get("done_at").asText()).isEqualTo("2015-10-24T09:00:00Z");
    }

    @Test
    void wontDoNeedsAReasonThatTheListAndThePostmortemShow() {
        String a = add("rewrite", "the", "indexer", "in", "rust");
        ir.assertRefused(2, "ir: say why " + a + " will not be done", "action", "set", a, "--status", "wont-do");
        ir.assertRefused(2, "ir: --reason says why an item will not be done", "action", "set", a, "--reason",
                "later");
        ok(ir.run("action", "set", a, "--status", "won't do", "--reason", "superseded by OPS-77"));
        assertThat(item(a).get("status").asText()).isEqualTo("wont-do");
        assertThat(item(a).get("reason").asText()).isEqualTo("superseded by OPS-77");
        JsonNode listed = ok(ir.run("actions", "--json")).json().get(0);
        assertThat(listed.get("status").asText()).isEqualTo("wont-do");
        assertThat(listed.get("reason").asText()).isEqualTo("superseded by OPS-77");
        assertThat(ok(ir.run("actions")).out()).startsWith("[-] " + a).contains("wont-do");
        // back to open: the reason no longer applies
        ok(ir.run("action", "set", a, "--status", "open"));
        assertThat(item(a).has("reason")).isFalse();
    }

    @Test
    void actionSetRefusesWhatItCannotDoAndChangesNothing() {
        String a = add("fix", "it", "--owner", "Bob");
        ir.assertRefused(2, "ir: say what to change", "action", "set", a);
        ir.assertRefused(2, "ir: unknown action item status 'later': use one of open, in-progress, done, wont-do",
                "action", "set", a, "--status", "later");
        ir.assertRefused(2, "ir: action item " + a + " already is that: nothing to change", "action", "set", a,
                "--owner", "Bob");
        ir.assertRefused(2, "ir: invalid date for --due 'soon'", "action", "set", a, "--due", "soon");
        ir.assertRefused(3, "ir: no action item 'zzz'", "action", "set", "zzz", "--status", "done");
        ir.assertRefused(2, "ir: --text is empty", "action", "set", a, "--text", " ");
    }

    @Test
    void actionsShowsTheStatusAndOpenMeansOpenOrInProgress() {
        String open = add("one", "open");
        String doing = add("one", "in", "progress");
        String done = add("one", "done");
        String dropped = add("one", "dropped");
        ok(ir.run("action", "set", doing, "--status", "in-progress"));
        ok(ir.run("action", "done", done));
        ok(ir.run("action", "set", dropped, "--status", "wont-do", "--reason", "not needed"));

        assertThat(ids(ok(ir.run("actions", "--open", "--json")).json())).containsExactly(open, doing);
        assertThat(ids(ok(ir.run("actions", "--status", "in-progress", "--json")).json())).containsExactly(doing);
        assertThat(ids(ok(ir.run("actions", "--status", "wontdo", "--json")).json())).containsExactly(dropped);
        List<String> lines = ok(ir.run("actions")).out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("[ ] " + open).contains(" open ");
        assertThat(lines.get(1)).startsWith("[~] " + doing).contains(" in-progress ");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("[x] " + done).contains(" done "));
        ir.assertRefused(2, "ir: unknown action item status 'maybe'", "actions", "--status", "maybe");

        JsonNode computed = ok(ir.run("show", "--json")).json().get("computed");
        assertThat(computed.get("open_actions").asInt()).as("in progress is still open, won't do is closed")
                .isEqualTo(2);
    }

    @Test
    void actionItemsKeepTheOrderTheyWereAddedInWithinOneSecond() {
        // the pinned clock does not move: added_at ties, and the adding events' ids keep the order
        List<String> added = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            added.add(add("item " + n));
        }
        List<String> inFile = new ArrayList<>();
        ir.yaml(id).get("actions").forEach(a -> inFile.add(a.get("id").asText()));
        assertThat(inFile).containsExactlyElementsOf(added);
        assertThat(ids(ok(ir.run("actions", "--json")).json())).containsExactlyElementsOf(added);
    }

    @Test
    void thePostmortemTableHasStatusAndDoneDateInTheOrderAdded() {
        String first = add("page", "the", "search", "team", "--type", "process", "--owner", "Carol");
        ir.advance(Duration.ofMinutes(1));
        String second = add("canary", "config", "pushes", "--type", "prevent", "--owner", "Bob");
        ir.advance(Duration.ofMinutes(1));
        String third = add("rewrite", "the", "indexer", "--type", "prevent", "--owner", "Bob");
        ir.advance(Duration.ofDays(2));
        ok(ir.run("action", "done", first));
        ok(ir.run("action", "set", second, "--status", "in-progress"));
        ok(ir.run("action", "set", third, "--status", "wont-do", "--reason", "superseded by OPS-77"));
        String md = ok(ir.run("postmortem", "--stdout")).out();
        List<List<String>> table = MarkdownDoc.parse(md).tableAfter("Action items");
        assertThat(table).containsExactly(
                List.of("page the search team", "process", "Carol", "", "done", "2015-10-23", ""),
                List.of("canary config pushes", "prevent", "Bob", "", "in progress", "", ""),
                List.of("rewrite the indexer", "prevent", "Bob", "", "won't do (superseded by OPS-77)", "", ""));
    }

    private static List<String> ids(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("id").asText()));
        return out;
    }
}
