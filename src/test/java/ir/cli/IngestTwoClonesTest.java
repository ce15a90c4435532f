package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two receivers in two clones of one remote that both record the same alert group converge on one incident. */
class IngestTwoClonesTest {
    @TempDir
    Path tmp;

    private static List<String> ids(IrTester t) throws IOException {
        try (var s = Files.list(t.dir().resolve("incidents"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<String> alertIds(JsonNode y) {
        List<String> out = new ArrayList<>();
        y.get("timeline").forEach(e -> {
            if (e.path("type").asText().equals("alert")) {
                out.add(e.path("id").asText());
            }
        });
        return out;
    }

    @Test
    void bothClonesRecordTheSameGroupAndSyncToOneIncident() throws IOException {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare).at("2025-05-01T11:53:00Z");
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>").at("2025-05-01T11:53:01Z");
        String firing = IngestCommandTest.resource("alertmanager-firing.json");
        String twoAlerts = IngestCommandTest.resource("alertmanager-two-alerts.json");
        assertThat(a.runWithInput(firing, "ingest", "-").exit()).isZero();
        // b received the same notification a second later, and the group's next one too.
        assertThat(b.runWithInput(firing, "ingest", "-").exit()).isZero();
        assertThat(b.advance(java.time.Duration.ofMinutes(3)).runWithInput(twoAlerts, "ingest", "-").exit())
                .isZero();
        assertThat(ids(a)).isEqualTo(ids(b)).hasSize(1);
        String id = ids(a).get(0).replace(".yaml", "");

        assertThat(a.run("sync").exit()).isZero();
        IrTester.Result r = b.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(a.run("sync").exit()).isZero();

        assertThat(ids(a)).isEqualTo(ids(b)).containsExactly(id + ".yaml");
        JsonNode ya = a.committedYaml(id);
        JsonNode yb = b.committedYaml(id);
        assertThat(ya).isEqualTo(yb);
        // One event per alert change, not one per receiver.
        assertThat(alertIds(ya)).hasSize(2).doesNotHaveDuplicates();
        // And a later notification ingested on either side is still "nothing new" for what both already have.
        assertThat(a.runWithInput(twoAlerts, "ingest", "-").out().strip()).isEqualTo("nothing new for " + id);
    }
}
