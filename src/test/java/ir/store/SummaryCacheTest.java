package ir.store;

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
}
