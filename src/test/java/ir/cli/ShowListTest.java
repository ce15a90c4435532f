package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Fixtures;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShowListTest {
    @TempDir
    Path tmp;
    IrTester ir;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:01:00Z");
    }

    @Test
    void showJsonIsTheDocumentWithEventsInTimeOrder() {
        String id = ir.open("Checkout latency spike", "--severity", "SEV-2");
        ir.advance(Duration.ofMinutes(5));
        ir.run("log", "later");
        ir.run("log", "earlier", "--at", "-20m");
        var r = ir.run("show", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode doc = r.json();
        assertThat(doc.get("id").asText()).isEqualTo(id);
        List<String> texts = new ArrayList<>();
        List<String> times = new ArrayList<>();
        doc.get("timeline").forEach(e -> {
            texts.add(e.get("text").asText());
            times.add(e.get("at").asText());
        });
        assertThat(texts).containsExactly("earlier", "Declared SEV-2: Checkout latency spike", "later");
        assertThat(times).isSorted();
        assertThat(doc.get("computed").get("durations").get("impact_duration").get("minutes").asLong()).isEqualTo(5);
        assertThat(doc.get("computed").get("impact_ongoing").asBoolean()).isTrue();
    }

    @Test
    void listShowsUtcUnlessLocal() {
        ir.zone(java.time.ZoneId.of("Asia/Tokyo"));
        ir.open("Checkout latency spike");
        var utc = ir.run("list");
        assertThat(utc.out()).contains("2026-11-28 15:01Z");
        var local = ir.run("list", "--local");
        assertThat(local.exit()).as(local.toString()).isZero();
        assertThat(local.out()).contains("2026-11-29 00:01").doesNotContain("15:01");
    }

    @Test
    void showPrintsTheLiveState() {
        ir.open("Checkout latency spike", "--severity", "SEV-2", "--commander", "Bob <bob@example.com>");
        ir.advance(Duration.ofMinutes(12));
        ir.run("log", "database", "failover", "started");
        var r = ir.run("show");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Checkout latency spike", "SEV-2 · investigating", "commander",
                "Bob <bob@example.com>", "opened               2026-11-28 15:01Z", "impact duration      12m (ongoing)",
                "15:13:00  Alice", "database failover started");
        assertThat(r.out().indexOf("Declared SEV-2")).isLessThan(r.out().indexOf("database failover started"));
    }

    @Test
    void showOfAFileWithoutSeverityStatusOrOpenedAtPrintsWhatIsThere() {
        Fixtures.write(ir, "2026-11-28-bare", "schema: 1\nid: 2026-11-28-bare\ntitle: bare\n");

        var r = ir.run("show", "-i", "bare");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("2026-11-28-bare\nbare\nno severity · no status · no opened_at\n");
    }

    @Test
    void listShowsNewestFirstAndFilters() {
        String a = ir.open("Old one", "--severity", "SEV-1", "--at", "2026-11-20T10:00:00Z");
        String b = ir.open("New one", "--severity", "SEV-3");
        String d = ir.open("A drill", "--drill");
        var all = ir.run("list", "--json").json();
        assertThat(ids(all)).containsExactly(b, a);
        assertThat(all.get(0).get("severity").asText()).isEqualTo("SEV-3");
        assertThat(all.get(0).get("events").asInt()).isEqualTo(1);
        assertThat(all.get(0).has("timeline")).isFalse();
        assertThat(ids(ir.run("list", "--json", "--drills").json())).containsExactly(d, b, a);
        assertThat(ids(ir.run("list", "--json", "--severity", "sev-1").json())).containsExactly(a);
        assertThat(ids(ir.run("list", "--json", "--since", "2026-11-25").json())).containsExactly(b);
        var text = ir.run("list");
        assertThat(text.out().lines().toList()).hasSize(2);
        assertThat(text.out().lines().findFirst().orElseThrow()).contains(b, "SEV-3", "investigating", "New one");
    }

    @Test
    void listOpenLeavesOutResolved() throws Exception {
        String a = ir.open("Still burning");
        String b = ir.open("Done already");
        Path f = ir.incidentFile(b);
        java.nio.file.Files.writeString(f, ir.read("incidents/" + b + ".yaml")
                .replace("status: investigating", "status: resolved"));
        assertThat(ids(ir.run("list", "--json", "--open").json())).containsExactly(a);
    }

    @Test
    void listRefusesUnknownSeverity() {
        ir.open("x");
        ir.assertRefused(2, "ir: unknown severity 'SEV-0'", "list", "--severity", "SEV-0");
    }

    @Test
    void useSwitchesTheCurrentIncident() {
        String a = ir.open("First thing");
        ir.open("Second thing");
        var r = ir.run("use", "first");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo(a);
        ir.run("log", "goes to first");
        assertThat(ir.yaml(a).get("timeline")).hasSize(2);
        ir.assertRefused(3, "ir: no incident matches 'zzz'", "use", "zzz");
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }
}
