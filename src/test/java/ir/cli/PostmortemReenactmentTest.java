package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Fixtures;
import ir.testing.Golden;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Acceptance of issue 4: the incident of issue 3 re-enacted with ir's own commands, then its post-mortem. */
class PostmortemReenactmentTest {
    @TempDir
    Path dir;

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void reenactedIncidentRendersEverySectionSixtySixMinutesOfImpactAndOneTimelineRowPerEvent() {
        IrTester ir = IrTester.workspace(dir);
        String id = Fixtures.reenactWithCommands(ir);
        ok(ir.run("log", "--important", "--type", "decision", "shift traffic to the healthy cluster", "--at", "15:40"));
        ir.at("2015-10-22T10:00:00Z");
        ok(ir.run("set", "summary", "Sonnet search was down for 66 minutes after a new corpus overloaded it."));
        ok(ir.run("set", "impact", "All sonnet searches failed; 1.2 million queries lost."));
        ok(ir.run("set", "root-cause", "A file descriptor leak under load | with the new corpus."));
        ok(ir.run("set", "trigger", "A 3x rise in traffic to the new corpus."));
        ok(ir.run("set", "resolution", "Traffic shifted to a healthy cluster; the leak fixed."));
        ok(ir.run("set", "detection", "Borgmon alerted on HTTP 500s."));
        ok(ir.run("add", "went-well", "The monitoring alerted quickly."));
        ok(ir.run("add", "went-wrong", "No load test for the new corpus."));
        ok(ir.run("add", "got-lucky", "A sonnet-savvy engineer was on call."));
        ok(ir.run("action", "add", "Load test new corpora", "--type", "prevent", "--owner", "Bob <bob@example.com>",
                "--due", "2015-11-01"));

        Result r = ir.run("postmortem");
        ok(r);

        String md = ir.read("incidents/" + id + ".md");
        Golden.check("postmortem-reenacted-cli.md", md);
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).containsSubsequence("Post-mortem: Shakespeare sonnet search down",
                "Time at each severity", "Summary", "Impact", "Responders", "Root causes", "Trigger", "Resolution",
                "Detection", "Action items", "Lessons learned", "What went well", "What went wrong",
                "Where we got lucky", "Timeline", "Phases");
        assertThat(doc.sectionText("Impact")).contains("Impact duration: 1h 06m (66 minutes)");
        assertThat(doc.tableAfter("Time at each severity")).extracting(row -> row.get(0) + " " + row.get(3))
                .containsExactly("SEV-2 9m", "SEV-1 1h 27m");
        assertThat(doc.sectionText("Root causes")).contains("A file descriptor leak under load | with the new corpus.");
        assertThat(doc.tableAfter("Action items")).extracting(row -> row.get(0) + "/" + row.get(1) + "/" + row.get(3))
                .containsExactly("Load test new corpora/prevent/2015-11-01");

        // One row per event of the incident's story: action-item bookkeeping is in the action items table.
        List<JsonNode> events = new java.util.ArrayList<>();
        ir.yaml(id).get("timeline").forEach(e -> {
            if (!e.get("type").asText().equals("action-item")) {
                events.add(e);
            }
        });
        List<List<String>> timeline = doc.tableAfter("Timeline");
        assertThat(timeline).hasSize(events.size()).allSatisfy(row -> assertThat(row).hasSize(3));
        for (int n = 0; n < events.size(); n++) {
            assertThat(timeline.get(n).get(0)).isEqualTo(events.get(n).get("at").asText().substring(0, 16)
                    .replace('T', ' '));
        }
        assertThat(timeline.stream().map(row -> row.get(0)).toList()).isSorted();
        assertThat(timeline).anySatisfy(row -> assertThat(row.get(2)).startsWith("Severity SEV-2 → SEV-1"));
        assertThat(timeline).anySatisfy(row -> assertThat(row.get(2))
                .isEqualTo("❗ shift traffic to the healthy cluster"));
        PostmortemCommandTest.assertWellFormedMermaid(doc);

        Result check = ir.run("postmortem", "--check");
        assertThat(check.exit()).as(check.toString()).isZero();
        ok(ir.run("postmortem", "--status", "reviewed"));
        ok(ir.run("status", "closed"));
        assertThat(ir.clean()).isTrue();
    }
}
