package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StatsCommandTest {
    @TempDir
    Path tmp;
    IrTester ir;

    @BeforeEach
    void setUp() throws Exception {
        ir = IrTester.workspace(tmp).at("2026-11-28T18:00:00Z");
        // SEV-1: detect 10m, ack 5m, mitigate 60m, resolve 90m.
        write("2026-11-01-a", "SEV-1", "resolved", false, "2026-11-01T10:00:00Z", "2026-11-01T10:10:00Z",
                "2026-11-01T10:15:00Z", "2026-11-01T11:00:00Z", "2026-11-01T11:30:00Z");
        // SEV-1: detect 20m, ack 15m, mitigate 120m, resolve 150m.
        write("2026-11-10-b", "SEV-1", "resolved", false, "2026-11-10T10:00:00Z", "2026-11-10T10:20:00Z",
                "2026-11-10T10:35:00Z", "2026-11-10T12:00:00Z", "2026-11-10T12:30:00Z");
        // SEV-3 still open, no milestones but started.
        write("2026-11-20-c", "SEV-3", "investigating", false, "2026-11-20T10:00:00Z", null, null, null, null);
        // A drill, left out by default.
        write("2026-11-21-d", "SEV-1", "resolved", true, "2026-11-21T10:00:00Z", "2026-11-21T10:01:00Z", null,
                "2026-11-21T10:02:00Z", "2026-11-21T10:03:00Z");
    }

    private void write(String id, String sev, String status, boolean drill, String started, String detected,
                       String acked, String mitigated, String resolved) throws Exception {
        StringBuilder y = new StringBuilder("schema: 1\nid: " + id + "\ntitle: " + id + "\nseverity: " + sev
                + "\nstatus: " + status + "\ndrill: " + drill + "\nopened_at: " + started + "\nstarted_at: " + started
                + "\n");
        if (detected != null) {
            y.append("detected_at: ").append(detected).append('\n');
        }
        if (acked != null) {
            y.append("acknowledged_at: ").append(acked).append('\n');
        }
        if (mitigated != null) {
            y.append("mitigated_at: ").append(mitigated).append('\n');
        }
        if (resolved != null) {
            y.append("resolved_at: ").append(resolved).append('\n');
        }
        y.append("timeline: []\n");
        Files.writeString(ir.incidentFile(id), y.toString());
    }

    @Test
    void meansBySeverityLeaveOutDrills() {
        var r = ir.run("stats", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode rows = r.json();
        assertThat(rows).extracting(n -> n.get("severity").asText()).containsExactly("SEV-1", "SEV-3", "all");
        JsonNode sev1 = rows.get(0);
        assertThat(sev1.get("incidents").asInt()).isEqualTo(2);
        assertThat(sev1.get("mttd").get("seconds").asLong()).isEqualTo(15 * 60);
        assertThat(sev1.get("mtta").get("seconds").asLong()).isEqualTo(10 * 60);
        assertThat(sev1.get("mttm").get("seconds").asLong()).isEqualTo(90 * 60);
        assertThat(sev1.get("mttr").get("seconds").asLong()).isEqualTo(120 * 60);
        assertThat(sev1.get("mttr").get("n").asInt()).isEqualTo(2);
        JsonNode all = rows.get(2);
        assertThat(all.get("incidents").asInt()).isEqualTo(3);
        assertThat(all.get("open").asInt()).isEqualTo(1);
        assertThat(all.get("mttr").get("n").asInt()).isEqualTo(2);
        assertThat(rows.get(1).get("mttr").get("seconds").isNull()).isTrue();
    }

    @Test
    void sinceUntilAndDrillsFilter() {
        JsonNode rows = ir.run("stats", "--json", "--since", "2026-11-05", "--until", "2026-11-25", "--drills").json();
        JsonNode all = rows.get(rows.size() - 1);
        assertThat(all.get("incidents").asInt()).isEqualTo(3);
        assertThat(rows.get(0).get("incidents").asInt()).isEqualTo(2);
    }

    @Test
    void csvAndTextShowTheSameFigures() {
        var csv = ir.run("stats", "--csv");
        assertThat(csv.exit()).isZero();
        var lines = csv.out().lines().toList();
        assertThat(lines.get(0)).startsWith("severity,incidents,open,mttd_mean_s,mttd_median_s,mttd_p90_s,mttd_n,");
        // MTTD 10m and 20m: mean and median 15m, p90 (nearest rank) 20m; MTTA 5m and 15m.
        assertThat(lines.get(1)).startsWith("SEV-1,2,0,900,900,1200,2,600,600,900,2,5400,5400,7200,2,7200,7200,9000,2");
        var text = ir.run("stats");
        assertThat(text.out()).contains("MTTD").contains("SEV-1").contains("15m / 20m").contains("2h 00m / 2h 30m");
    }

    @Test
    void medianP90AndPeriods() throws Exception {
        JsonNode rows = ir.run("stats", "--json").json();
        JsonNode sev1 = rows.get(0);
        assertThat(sev1.get("mttr").get("median").asLong()).isEqualTo(120 * 60);
        assertThat(sev1.get("mttr").get("p90").asLong()).isEqualTo(150 * 60);
        assertThat(sev1.has("period")).isFalse();
        write("2026-10-05-e", "SEV-1", "resolved", false, "2026-10-05T10:00:00Z", "2026-10-05T10:30:00Z", null,
                null, "2026-10-05T14:00:00Z");
        JsonNode byMonth = ir.run("stats", "--json", "--by", "month").json();
        assertThat(byMonth).extracting(n -> n.get("period").asText() + " " + n.get("severity").asText())
                .containsExactly("2026-10 SEV-1", "2026-10 all", "2026-11 SEV-1", "2026-11 SEV-3", "2026-11 all");
        assertThat(byMonth.get(0).get("mttr").get("median").asLong()).isEqualTo(4 * 3600);
        JsonNode byQuarter = ir.run("stats", "--json", "--by", "quarter").json();
        assertThat(byQuarter.get(byQuarter.size() - 1).get("period").asText()).isEqualTo("2026-Q4");
        assertThat(byQuarter.get(byQuarter.size() - 1).get("incidents").asInt()).isEqualTo(4);
        var csv = ir.run("stats", "--csv", "--by", "quarter");
        assertThat(csv.out().lines().toList().get(0)).startsWith("period,severity,");
        ir.assertRefused(2, "ir: unknown period 'week'", "stats", "--by", "week");
    }

    @Test
    void refusesBadRanges() {
        ir.assertRefused(2, "ir: --since must be before --until", "stats", "--since", "2026-11-20", "--until",
                "2026-11-01");
        ir.assertRefused(2, "ir: choose one of --json and --csv", "stats", "--json", "--csv");
        ir.assertRefused(2, "ir: invalid time for --since 'lately'", "stats", "--since", "lately");
    }
}
