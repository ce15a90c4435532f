package ir.store;

import ir.model.IncidentSummary;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir list} answers from a per-clone cache in {@code .git/ir/}: it must always list what is on disk now, and
 * treat a missing or damaged cache as empty.
 */
class SummaryCacheTest {
    @TempDir
    Path dir;
    IrTester ir;
    String a;
    String b;

    @BeforeEach
    void twoIncidentsWrittenAWhileAgo() throws Exception {
        ir = IrTester.workspace(dir);
        a = ir.open("Checkout latency spike", "--severity", "SEV-2", "--tag", "checkout");
        ir.advance(Duration.ofMinutes(5));
        ir.run("log", "failover started");
        b = ir.open("Payments down", "--severity", "SEV-1");
        ir.run("action", "add", "add a latency SLO");
        ageFiles();
    }

    /** Files older than the racy window, as they are after any real pause, so the cache keeps them. */
    private void ageFiles() throws Exception {
        for (String id : new String[] {a, b}) {
            Files.setLastModifiedTime(ir.incidentFile(id), FileTime.from(Instant.now().minusSeconds(60)));
        }
    }

    private Path cache() {
        return dir.resolve(".git/ir/" + SummaryCache.FILE);
    }

    @Test
    void theCachedListingIsTheSameAsTheParsedOne() {
        var first = ir.run("list", "--json");
        assertThat(cache()).isRegularFile();
        var second = ir.run("list", "--json");
        var text = ir.run("list");

        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.json()).hasSize(2);
        assertThat(second.json().get(0).get("id").asText()).isEqualTo(b);
        assertThat(second.json().get(0).get("open_actions").asInt()).isEqualTo(1);
        assertThat(second.json().get(1).get("events").asInt()).isEqualTo(2);
        assertThat(second.json().get(1).get("tags").get(0).asText()).isEqualTo("checkout");
        assertThat(text.out()).contains("* " + b).contains("  " + a);
    }

    @Test
    void aLongLivedProcessWritesTheFileAfterAnsweringAndListsTheSameAsAOneShotRun() throws Exception {
        var oneShot = ir.run("list", "--json");
        KeptBackends kept = new KeptBackends();
        ir.backends(kept);
        try {
            Files.deleteIfExists(cache());
            var warm = ir.run("list", "--json");
            kept.awaitWrites(10_000);
            assertThat(warm.out()).isEqualTo(oneShot.out());
            assertThat(cache()).isRegularFile();

            ir.run("log", "-i", a, "written while the cache file is pending");
            ageFiles();
            var changed = ir.run("list", "--json");
            assertThat(changed.json().get(1).get("events").asInt()).isEqualTo(3);
        } finally {
            kept.close();
            ir.backends(null);
        }
        // A new process reads the file the background write left: the same listing, with the change.
        AtomicInteger parsed = new AtomicInteger();
        var fresh = new SummaryCache(dir.resolve(".git/ir"), dir.resolve("incidents"), null).summaries(
                () -> List.of(a, b).stream().sorted().toList(), id -> {
                    parsed.incrementAndGet();
                    return null;
                }, w -> { });
        assertThat(parsed).as("nothing parsed: every summary came from the file").hasValue(0);
        assertThat(fresh).extracting(IncidentSummary::id).containsExactlyInAnyOrder(a, b);
        assertThat(fresh.stream().filter(x -> x.id().equals(a)).findFirst().orElseThrow().events()).isEqualTo(3);
    }

    @Test
    void aFileChangedBehindTheCachesBackIsReadAgain() throws Exception {
        ir.run("list");
        Path f = ir.incidentFile(a);
        String yaml = Files.readString(f).replace("title: Checkout latency spike", "title: Checkout latency SPIKE!!");
        Files.writeString(f, yaml);

        var r = ir.run("list");

        assertThat(r.out()).contains("Checkout latency SPIKE!!");
    }

    @Test
    void anUnchangedFileIsNotParsedAgain() throws Exception {
        ir.run("list");
        // Same size and time as before, different title: only a cache hit can still show the old one.
        Path f = ir.incidentFile(a);
        FileTime time = Files.getLastModifiedTime(f);
        Files.writeString(f, Files.readString(f).replace("Checkout latency spike", "Checkout latency spikX"));
        Files.setLastModifiedTime(f, time);

        assertThat(ir.run("list").out()).contains("Checkout latency spike");
    }

    @Test
    void newAndDeletedIncidentsShowAtOnce() throws Exception {
        ir.run("list");
        Files.delete(ir.incidentFile(a));
        String c = ir.open("DNS outage");

        var r = ir.run("list");

        assertThat(r.out()).contains(c).contains(b).doesNotContain(a);
    }

    @Test
    void aDamagedCacheIsIgnoredAndRebuilt() throws Exception {
        String expected = ir.run("list", "--json").out();
        Files.write(cache(), "ir list cache 1\u0000\u0000garbage".getBytes(StandardCharsets.UTF_8));

        assertThat(ir.run("list", "--json").out()).isEqualTo(expected);
        Files.write(cache(), new byte[0]);
        assertThat(ir.run("list", "--json").out()).isEqualTo(expected);
        assertThat(Files.size(cache())).isGreaterThan(100);
    }

    @Test
    void aBrokenIncidentIsReportedOnEveryListingAndNeverCached() throws Exception {
        Files.writeString(ir.incidentFile("2026-11-28-broken"), "schema: 1\nid: [unclosed\n");
        Files.setLastModifiedTime(ir.incidentFile("2026-11-28-broken"), FileTime.from(Instant.now().minusSeconds(60)));

        var first = ir.run("list");
        var second = ir.run("list");

        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(second.err()).contains("2026-11-28-broken.yaml").contains("skipped");
        assertThat(second.out()).contains(a).contains(b);
    }

    @Test
    void aLargeWorkspaceIsListedCompletelyFromTheCache() throws Exception {
        // Over 2,000 files, half of them are checked on a second thread.
        int n = 2_100;
        for (int k = 0; k < n; k++) {
            String id = String.format("2026-01-01-large-%05d", k);
            Path f = ir.incidentFile(id);
            Files.writeString(f, "schema: 1\nid: " + id + "\ntitle: Large " + k + "\nseverity: SEV-3\n"
                    + "status: investigating\ndrill: false\nopened_at: 2026-01-01T00:00:00Z\n");
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        }
        var parsed = ir.run("list", "--json");
        Files.writeString(ir.incidentFile("2026-01-01-large-02099"), "schema: 1\nid: 2026-01-01-large-02099\n"
                + "title: Changed\nseverity: SEV-1\nstatus: investigating\ndrill: false\n"
                + "opened_at: 2026-01-01T00:00:00Z\n");

        var cached = ir.run("list", "--json");

        assertThat(parsed.json()).hasSize(n + 2);
        assertThat(cached.json()).hasSize(n + 2);
        assertThat(cached.out()).contains("\"Changed\"").contains("\"Large 0\"").contains("\"Large 2098\"");
        assertThat(cached.out().replace("\"Changed\"", "\"Large 2099\"").replace("\"SEV-1\"", "\"SEV-3\""))
                .isEqualTo(parsed.out().replace("\"SEV-1\"", "\"SEV-3\""));
    }

    @Test
    void aListingInTheSameProcessIsTheLastOneUntilAFileOrTheDirectoryChanges() throws Exception {
        // A racy window short enough to wait out: the directory's change time cannot be set back to age it.
        Path state = dir.resolve(".git/ir");
        Path incidents = dir.resolve("incidents");
        SummaryCache cache = new SummaryCache(state, incidents, TimeUnit.MILLISECONDS.toNanos(200), null);
        var store = new GitIncidentStore(Workspace.at(dir), Session.of(ir.clock(), null, Duration.ZERO));
        AtomicInteger listed = new AtomicInteger();
        Supplier<List<String>> ids = () -> {
            listed.incrementAndGet();
            return store.ids();
        };
        cache.summaries(ids, store::load, w -> { });
        Thread.sleep(300);
        var warm = cache.summaries(ids, store::load, w -> { });
        int listings = listed.get();

        var again = cache.summaries(ids, store::load, w -> { });

        assertThat(again).isSameAs(warm).hasSize(2);
        assertThat(listed.get()).as("an unchanged directory is not listed again").isEqualTo(listings);

        // A new file changes the directory; an edit in place (same size, another time) changes only the file.
        Path c = incidents.resolve("2026-11-28-new.yaml");
        Files.writeString(c, "schema: 1\nid: 2026-11-28-new\ntitle: New one\nstatus: investigating\n");
        Files.setLastModifiedTime(c, FileTime.from(Instant.now().minusSeconds(60)));
        var added = cache.summaries(ids, store::load, w -> { });
        Thread.sleep(300);
        Path f = ir.incidentFile(a);
        Files.writeString(f, Files.readString(f).replace("Checkout latency spike", "Checkout latency spikX"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(30)));
        var edited = cache.summaries(ids, store::load, w -> { });

        assertThat(added).extracting(IncidentSummary::id).containsExactly(a, "2026-11-28-new", b);
        assertThat(edited).isNotSameAs(added).extracting(IncidentSummary::title)
                .containsExactly("Checkout latency spikX", "New one", "Payments down");
        assertThat(cache.summaries(ids, store::load, w -> { })).isSameAs(edited);
        // And the cache file holds the same for a process that has none of this in memory.
        assertThat(Files.readAllBytes(cache())).asString(StandardCharsets.UTF_8).contains("Checkout latency spikX")
                .contains("New one");
    }

    @Test
    void aFileChangedTwiceWithinTheRacyWindowIsReadAgainByTheSameProcess() throws Exception {
        // Same size and the same recent time both times: only the racy window tells the two versions apart.
        Path f = ir.incidentFile(a);
        FileTime recent = FileTime.from(Instant.now().minusMillis(500));
        Files.setLastModifiedTime(f, recent);
        assertThat(ir.run("list").out()).contains("Checkout latency spike");

        Files.writeString(f, Files.readString(f).replace("Checkout latency spike", "Checkout latency spikX"));
        Files.setLastModifiedTime(f, recent);

        assertThat(ir.run("list").out()).contains("Checkout latency spikX");
    }

    @Test
    void aWarmListingSortsAgainWhenAnOpeningTimeChanges() throws Exception {
        assertThat(ir.run("list").out()).startsWith("* " + b);
        Path f = ir.incidentFile(a);
        Files.writeString(f, Files.readString(f).replaceFirst("opened_at: \\S+", "opened_at: 2030-01-01T00:00:00Z"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(30)));

        var r = ir.run("list");

        assertThat(r.out()).startsWith("  " + a).contains("2030-01-01 00:00Z");
        assertThat(ir.run("list").out()).isEqualTo(r.out());
    }
}
