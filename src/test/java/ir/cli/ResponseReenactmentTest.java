package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Fixtures;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Acceptance: re-enacting a real incident with backdated times, as issue 3 describes it. */
class ResponseReenactmentTest {
    @TempDir
    Path dir;

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void reenactedIncidentHasEnteredMilestonesSixtySixMinutesOfImpactAndOneCommitPerStep() {
        IrTester ir = IrTester.workspace(dir);
        int before = ir.commits().size();
        String id = Fixtures.reenactWithCommands(ir);

        JsonNode y = ir.yaml(id);
        assertThat(y.get("opened_at").asText()).isEqualTo("2015-10-21T15:01:00Z");
        assertThat(y.get("started_at").asText()).isEqualTo("2015-10-21T14:54:00Z");
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2015-10-21T16:00:00Z");
        assertThat(y.get("resolved_at").asText()).isEqualTo("2015-10-21T16:30:00Z");
        assertThat(y.get("severity").asText()).isEqualTo("SEV-1");
        assertThat(y.get("status").asText()).isEqualTo("resolved");
        assertThat(y.get("roles").get("commander").asText()).isEqualTo("Carol <carol@example.com>");
        assertThat(y.get("roles").get("scribe").asText()).isEqualTo("Bob <bob@example.com>");

        JsonNode handoff = null;
        for (JsonNode e : y.get("timeline")) {
            if ("role".equals(e.get("type").asText()) && e.has("from")) {
                handoff = e;
            }
        }
        assertThat(handoff).isNotNull();
        assertThat(handoff.get("role").asText()).isEqualTo("commander");
        assertThat(handoff.get("from").asText()).isEqualTo("Alice Responder <alice@example.com>");
        assertThat(handoff.get("to").asText()).isEqualTo("Carol <carol@example.com>");

        Result show = ir.run("show");
        ok(show);
        assertThat(show.out()).containsPattern("impact duration\\s+1h 06m");
        assertThat(show.out()).containsPattern("SEV-2\\s+9m").containsPattern("SEV-1\\s+1h 27m");

        Result json = ir.run("show", "--json");
        ok(json);
        JsonNode d = json.json().get("computed").get("durations");
        assertThat(d.get("impact_duration").get("minutes").asLong()).isEqualTo(66);
        assertThat(d.get("time_to_mitigate").get("minutes").asLong()).isEqualTo(66);
        assertThat(d.get("time_to_resolve").get("minutes").asLong()).isEqualTo(96);
        JsonNode sev = json.json().get("computed").get("time_at_severity");
        assertThat(sev.get("SEV-2").get("minutes").asLong()).isEqualTo(9);
        assertThat(sev.get("SEV-1").get("minutes").asLong()).isEqualTo(87);

        // open, mark, severity, 3 x role, 3 x status: nine steps, nine commits.
        assertThat(ir.commits().size() - before).isEqualTo(9);
        Result history = ir.run("history", "--json");
        ok(history);
        List<String> subjects = history.json().findValuesAsText("subject");
        assertThat(subjects).hasSize(9);
        assertThat(subjects.get(0)).startsWith(id + ": declare SEV-2");
        assertThat(subjects.get(1)).isEqualTo(id + ": mark started 2015-10-21T14:54:00Z");
        assertThat(subjects.get(2)).isEqualTo(id + ": escalate SEV-2 -> SEV-1");
        assertThat(subjects.get(5)).startsWith(id + ": status investigating -> identified");
        assertThat(subjects.get(6)).isEqualTo(id + ": hand off commander Alice Responder <alice@example.com> -> "
                + "Carol <carol@example.com>");
        assertThat(subjects.get(8)).isEqualTo(id + ": status monitoring -> resolved");
        Result text = ir.run("history");
        ok(text);
        assertThat(text.out().lines()).hasSize(9);
        assertThat(text.out().lines().toList().get(2)).contains("Alice").endsWith("escalate SEV-2 -> SEV-1");
        assertThat(ir.clean()).isTrue();
    }
}
