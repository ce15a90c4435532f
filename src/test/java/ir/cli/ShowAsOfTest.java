package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir show --as-of}: a TIME replays the timeline in incident time (backdated entries included), a COMMIT shows
 * the file as recorded in that commit.
 */
class ShowAsOfTest {
    private static final String BOB = "Bob Builder <bob@example.com>";

    @TempDir
    Path dir;

    IrTester ir;
    String id;
    String declareCommit;

    /** Declared at 15:01; everything else entered afterwards, at 15:30 and 16:00, with --at times of the incident. */
    @BeforeEach
    void reconstructedIncident() {
        ir = IrTester.workspace(dir).at("2015-10-21T15:01:30Z");
        id = ir.open("Sonnet search down", "--severity", "SEV-3", "--at", "15:01");
        declareCommit = ir.commits().get(0).getName();
        ir.at("2015-10-21T15:30:00Z");
        ok(ir.run("severity", "SEV-2", "--at", "15:05"));
        ok(ir.run("role", "commander", BOB, "--at", "15:10"));
        ok(ir.run("status", "identified", "--at", "15:20"));
        ok(ir.run("log", "errors in the logs since 14:55", "--at", "15:02"));
        ok(ir.run("mark", "started", "--at", "14:55"));
        ir.at("2015-10-21T16:00:00Z");
        ok(ir.run("status", "monitoring", "--at", "15:40"));
    }

    @Test
    void aTimeReplaysTheTimelineAsKnownThenIncludingBackdatedEntries() {
        // every commit after the declaration is from 15:30 or later: by record time nothing had changed at 15:12
        Result r = ok(ir.run("show", "--as-of", "15:12", "--json"));
        JsonNode i = r.json();
        assertThat(i.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(i.get("status").asText()).isEqualTo("investigating");
        assertThat(i.get("roles").get("commander").asText()).isEqualTo(BOB);
        assertThat(i.get("started_at").asText()).isEqualTo("2015-10-21T14:55:00Z");
        assertThat(i.has("mitigated_at")).isFalse();
        List<String> texts = IrTester.timelineTexts(i);
        assertThat(texts).contains("errors in the logs since 14:55").noneMatch(t -> t.contains("identified"));
        JsonNode computed = i.get("computed");
        assertThat(computed.get("as_of").asText()).isEqualTo("2015-10-21T15:12:00Z");
        assertThat(computed.get("as_of_kind").asText()).isEqualTo("time");
        assertThat(computed.get("durations").get("impact_duration").get("minutes").asInt()).isEqualTo(17);

        Result text = ok(ir.run("show", "--as-of", "2015-10-21T15:45:00Z"));
        assertThat(text.err()).startsWith("As of 2015-10-21 15:45Z in incident time");
        assertThat(text.out()).contains("SEV-2 · monitoring");

        JsonNode declared = ok(ir.run("show", "--as-of", "15:03", "--json")).json();
        assertThat(declared.get("severity").asText()).isEqualTo("SEV-3");
        assertThat(declared.has("roles")).isFalse();
        assertThat(IrTester.timelineTexts(declared)).containsExactly("Impact started",
                "Declared SEV-3: Sonnet search down", "errors in the logs since 14:55");
    }

    @Test
    void aCommitShowsTheFileAsRecordedInIt() {
        Result r = ok(ir.run("show", "--as-of", declareCommit.substring(0, 10), "--json"));
        JsonNode i = r.json();
        assertThat(i.get("severity").asText()).isEqualTo("SEV-3");
        assertThat(i.get("timeline").size()).isEqualTo(1);
        assertThat(i.get("computed").get("as_of_kind").asText()).isEqualTo("commit");
        assertThat(i.get("computed").get("as_of_commit").asText()).isEqualTo(declareCommit);
        assertThat(r.err()).startsWith("As of commit " + declareCommit.substring(0, 8));

        JsonNode head = ok(ir.run("show", "--as-of", "HEAD", "--json")).json();
        assertThat(head.get("status").asText()).isEqualTo("monitoring");
        assertThat(head.get("computed").get("as_of_kind").asText()).isEqualTo("commit");
    }

    @Test
    void afterTheLastEntryTheReplayIsTheIncidentAsItIsNow() {
        JsonNode now = ok(ir.run("show", "--json")).json();
        JsonNode replayed = ok(ir.run("show", "--as-of", "now", "--json")).json();
        for (String key : List.of("severity", "status", "roles", "started_at", "mitigated_at", "timeline")) {
            assertThat(replayed.get(key)).as(key).isEqualTo(now.get(key));
        }
    }

    @Test
    void beforeTheDeclarationOrOutsideTheYearsItSaysSoAndChangesNothing() {
        ir.assertRefused(3, "ir: " + id + " was not declared yet at 2015-10-21T14:00:00Z (declared "
                + "2015-10-21T15:01:00Z): give a later time", "show", "--as-of", "14:00");
        ir.assertRefused(2, "ir: --as-of '0000-01-01' is outside the years", "show", "--as-of", "0000-01-01");
        ir.assertRefused(3, "ir: no commit 'deadbeef1234'", "show", "--as-of", "deadbeef1234");
    }
}
