package ir.store;

import ir.model.ActionItem;
import ir.model.Change;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A store kept open across commands (the shell's) still sees every change other processes make to the files. */
class LongLivedStoreTest {
    @TempDir
    Path dir;

    @Test
    void anOpenStoreRereadsIncidentsChangedByOthers() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");
        try (GitIncidentStore store = new GitIncidentStore(Workspace.discover(dir, null, null), Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)))) {
            Incident mine = store.update(id, i -> new Change(i.withTitle("Checkout is slow"), "title", "edit"));
            assertThat(store.load(id)).isEqualTo(mine);
            assertThat(store.load(id).title()).isEqualTo("Checkout is slow");

            assertThat(t.env("IR_AUTHOR", "Bob <bob@example.com>").run("log", "from another process").exit())
                    .isZero();

            Incident seen = store.load(id);
            assertThat(seen.timeline()).extracting(TimelineEvent::text).contains("from another process");
            assertThat(seen.title()).isEqualTo("Checkout is slow");
            assertThat(store.select(id)).isEqualTo(id);
            assertThat(store.select("checkout")).isEqualTo(id);
        }
    }

    @Test
    void theNextCommandsStoreReusesAParseOnlyForTheVeryBytesOnDisk() throws Exception {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");
        Workspace ws = Workspace.discover(dir, null, null);
        Incident written;
        try (GitIncidentStore first = new GitIncidentStore(ws, Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)))) {
            written = first.update(id, i -> new Change(i.withTitle("Checkout is slow"), "title", "edit"));
        }
        try (GitIncidentStore next = new GitIncidentStore(ws, Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)))) {
            assertThat(next.load(id)).isEqualTo(written);

            // A hand edit of the same size (one letter): the bytes differ, so it is parsed again.
            Path file = ws.incidentFile(id);
            String yaml = java.nio.file.Files.readString(file);
            java.nio.file.Files.writeString(file, yaml.replace("Checkout is slow", "Checkout is SLOW"));

            assertThat(next.load(id).title()).isEqualTo("Checkout is SLOW");
        }
    }

    @Test
    void whatItRemembersOfItsOwnWriteIsWhatAFreshReadParses() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--tag", "payments");
        Workspace ws = Workspace.discover(dir, null, null);
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("pager", Map.of("escalations", 3, "ratio", 0.5, "on", true));
        custom.put("notes", List.of("yes", "no", "1e3", "0x10", "~", "2026-01-01"));
        try (GitIncidentStore store = new GitIncidentStore(ws, Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)))) {
            Incident mine = store.update(id, i -> new Change(i
                    .withEvent(new TimelineEvent(IncidentIds.randomId(), t.now(), IrTester.ALICE, "severity",
                            "SEV-3 -> SEV-1\nsecond line\n  indented third", true, Map.of("from", "SEV-3", "to",
                            "SEV-1")))
                    .withRole("sme", List.of("Bob <bob@example.com>", "Carol <carol@example.com>"))
                    .withText(TextField.SUMMARY, "Two lines:\n- a 'quoted' one: \"yes\"\n")
                    .withActions(List.of(new ActionItem("a1b2c3", "Add an alert", "prevent", "Bob", "2026-12-01",
                            "open", null, Map.of("priority", 2))))
                    .withExtra(custom), "varied", "edit"));
            Incident remembered = store.load(id);
            try (GitIncidentStore fresh = new GitIncidentStore(ws, Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)))) {
                assertThat(remembered).isEqualTo(fresh.load(id));
            }
            assertThat(remembered.id()).isEqualTo(mine.id());
        }
    }
}
