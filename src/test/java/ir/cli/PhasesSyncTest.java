package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Impact windows and the data-loss window recorded in two clones meet in one file after {@code ir sync}. */
class PhasesSyncTest {
    private static final String BOB = "Bob Builder <bob@example.com>";

    @TempDir
    Path tmp;

    private static void ok(IrTester.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void windowsLabelsAndDataLossFromTwoClonesAreAllKept() {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare).at("2018-10-21T22:56:00Z");
        String id = a.open("Database failover", "--severity", "SEV-2", "--at", "2018-10-21T22:54:00Z");
        a.at("2018-10-21T23:30:00Z");
        ok(a.run("mark", "started", "--at", "2018-10-21T22:52:00Z"));
        ok(a.run("status", "monitoring", "--at", "2018-10-21T23:07:00Z"));
        ok(a.run("sync"));
        IrTester b = Clones.clone(bare, tmp.resolve("b"), BOB).at("2018-10-21T23:31:00Z");
        ok(b.run("use", id));

        // Alice sees the relapse; Bob labels the first window and records the lost writes.
        ok(a.run("status", "investigating", "--at", "2018-10-21T23:19:00Z", "errors", "are", "back"));
        ok(b.run("window", "label", "--window", "1", "degraded"));
        ok(b.run("data-loss", "--from", "2018-10-21T22:52:00Z", "--to", "2018-10-21T22:54:00Z"));
        ok(a.run("sync"));
        ok(b.run("sync"));
        ok(a.run("sync"));

        JsonNode y = a.committedYaml(id);
        assertThat(y.get("impact_windows")).hasSize(2);
        assertThat(y.get("impact_windows").get(0).get("label").asText()).isEqualTo("degraded");
        assertThat(y.get("impact_windows").get(0).get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(y.get("impact_windows").get(1).get("started_at").asText()).isEqualTo("2018-10-21T23:19:00Z");
        assertThat(y.get("started_at").asText()).isEqualTo("2018-10-21T22:52:00Z");
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(y.get("data_loss").get("to").asText()).isEqualTo("2018-10-21T22:54:00Z");
        assertThat(Clones.bytes(b.incidentFile(id))).isEqualTo(Clones.bytes(a.incidentFile(id)));
        // The merged file is one an edit would accept.
        ok(a.run("window", "end", "--at", "2018-10-21T23:29:00Z"));
    }
}
