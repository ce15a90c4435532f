package ir.store;

import ir.model.Change;
import ir.model.Incident;
import ir.model.TimelineEvent;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A store kept open across commands (the shell's) still sees every change other processes make to the files. */
class LongLivedStoreTest {
    @TempDir
    Path dir;

    @Test
    void anOpenStoreRereadsIncidentsChangedByOthers() {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike");
        try (GitIncidentStore store = new GitIncidentStore(Workspace.discover(dir, null, null), t.clock(),
                IrTester.ALICE, w -> { }, Duration.ofSeconds(5))) {
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
}
