package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.GfmTables;
import ir.testing.IrTester;
import ir.testing.MarkdownDoc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir report} over a generated workspace of a few hundred incidents with known durations: every median and
 * p90 is compared with a value the test computes itself, by counting rather than sorting.
 */
class ReportCommandTest {
    static final Instant NOW = Instant.parse("2026-01-20T00:00:00Z");
    static final List<String> TAGS = List.of("database", "network", "deploy", "cache", "dns");

    @TempDir
    Path tmp;
    IrTester ir;
    final List<Gen> gens = new ArrayList<>();

    /** What the test knows about one generated incident, in seconds from its impact start. */
    record Gen(String id, String severity, String escalatedTo, Long escalatedAt, Instant start, Long detect,
               Long ack, Long mitigate, Long resolve, String tag, boolean drill, boolean canceled,
               List<long[]> actions, boolean reviewed) {
        Long mttd() {
            return detect;
        }

        Long mtta() {
            return ack == null ? null : ack - (detect == null ? 0 : detect);
        }

        Long mttm() {
            return mitigate;
        }

        Long mttr() {
            return resolve;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ir = IrTester.workspace(tmp).at(NOW);
        Random rnd = new Random(18);
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        for (int n = 0; n < 320; n++) {
            Instant start = base.plusSeconds(rnd.nextInt(365 * 24 * 60) * 60L);
            String sev = "SEV-" + (1 + rnd.nextInt(4));
            Long detect = rnd.nextInt(20) == 0 ? null : 60L * (1 + rnd.nextInt(120));
            Long ack = rnd.nextInt(15) == 0 ? null : (detect == null ? 0 : detect) + 60L * (1 + rnd.nextInt(60));
            long afterAck = (ack != null ? ack : detect != null ? detect : 0) + 60L * (1 + rnd.nextInt(300));
            boolean open = rnd.nextInt(10) == 0;
            Long mitigate = open && rnd.nextBoolean() ? null : afterAck;
            Long resolve = open || mitigate == null ? null : mitigate + 60L * (10 + rnd.nextInt(600));
            String escalatedTo = null;
            Long escalatedAt = null;
            if (sev.equals("SEV-2") && rnd.nextInt(4) == 0) {
                escalatedTo = "SEV-1";
                escalatedAt = 60L * (1 + rnd.nextInt(30));
            }
            boolean drill = rnd.nextInt(25) == 0;
            boolean canceled = !drill && rnd.nextInt(25) == 0;
            List<long[]> actions = new ArrayList<>();
            for (int a = rnd.nextInt(3); a > 0; a--) {
                // {state 0 open 1 done 2 wont-do, seconds from start to added, seconds added->done, due days after start}
                actions.add(new long[]{rnd.nextInt(3), 3600L * rnd.nextInt(48), 3600L * (1 + rnd.nextInt(24 * 40)),
                        5 + rnd.nextInt(60)});
            }
            Gen g = new Gen(String.format("2025-x-%03d", n), sev, escalatedTo, escalatedAt, start, detect, ack,
                    mitigate, resolve, TAGS.get(rnd.nextInt(TAGS.size())), drill, canceled, actions,
                    rnd.nextInt(3) == 0);
            gens.add(g);
            write(g, rnd.nextInt(3) == 0);
        }
    }

    private void write(Gen g, boolean windows) throws Exception {
        StringBuilder y = new StringBuilder("schema: 1\nid: " + g.id + "\ntitle: generated " + g.id + "\nseverity: "
                + (g.escalatedTo != null ? g.escalatedTo : g.severity) + "\nstatus: "
                + (g.canceled ? "canceled" : g.resolve != null ? "resolved" : "investigating") + "\ndrill: " + g.drill
                + "\n");
        y.append("opened_at: ").append(at(g, 0L)).append("\nstarted_at: ").append(at(g, 0L)).append('\n');
        if (g.detect != null) {
            y.append("detected_at: ").append(at(g, g.detect)).append('\n');
        }
        if (g.ack != null) {
            y.append("acknowledged_at: ").append(at(g, g.ack)).append('\n');
        }
        if (g.mitigate != null && !windows) {
            y.append("mitigated_at: ").append(at(g, g.mitigate)).append('\n');
        }
        if (g.resolve != null) {
            y.append("resolved_at: ").append(at(g, g.resolve)).append('\n');
        }
        if (windows) {
            // Two windows: the first ends halfway, the second starts a minute later and ends at the last mitigation
            // (or is still open). The milestone mitigated_at, when written, is deliberately wrong: windows win.
            long half = Math.max(1, (g.mitigate != null ? g.mitigate : 600) / 2);
            y.append("mitigated_at: ").append(at(g, half)).append('\n');
            y.append("impact_windows:\n  - started_at: ").append(at(g, 0L)).append("\n    mitigated_at: ")
                    .append(at(g, half)).append("\n  - started_at: ").append(at(g, half + 1));
            if (g.mitigate != null) {
                y.append("\n    mitigated_at: ").append(at(g, g.mitigate + 60));
            }
            y.append('\n');
        }
        y.append("tags:\n  - ").append(g.tag).append('\n');
        if (g.reviewed) {
            y.append("postmortem:\n  status: reviewed\n");
        }
        if (!g.actions.isEmpty()) {
            y.append("actions:\n");
            int k = 0;
            for (long[] a : g.actions) {
                String status = a[0] == 1 ? "done" : a[0] == 2 ? "wont-do" : "open";
                y.append("  - id: a").append(k++).append("\n    text: follow up\n    status: ").append(status)
                        .append("\n    added_at: ").append(at(g, a[1])).append("\n    due: ")
                        .append(g.start.atZone(ZoneOffset.UTC).toLocalDate().plusDays(a[3])).append('\n');
                if (a[0] == 1) {
                    y.append("    done_at: ").append(at(g, a[1] + a[2])).append('\n');
                }
            }
        }
        y.append("timeline:\n");
        if (g.escalatedTo != null) {
            y.append("  - id: esc").append(g.id.replace("-", "")).append("\n    at: ").append(at(g, g.escalatedAt))
                    .append("\n    author: Alice <alice@example.com>\n    type: severity\n    text: escalated\n")
                    .append("    from: ").append(g.severity).append("\n    to: ").append(g.escalatedTo).append('\n');
        }
        if (y.toString().endsWith("timeline:\n")) {
            y.replace(y.length() - "timeline:\n".length(), y.length(), "timeline: []\n");
        }
        Files.writeString(ir.incidentFile(g.id), y.toString());
    }

    private static String at(Gen g, Long seconds) {
        return g.start.plusSeconds(seconds).toString();
    }

    // ---- independent statistics: by counting, not by sorting ---------------------------------------------------

    /** The smallest value with at least {@code k} values at or below it. */
    private static long kth(List<Long> values, long k) {
        Long best = null;
        for (long x : values) {
            long atOrBelow = values.stream().filter(v -> v <= x).count();
            if (atOrBelow >= k && (best == null || x < best)) {
                best = x;
            }
        }
        return best;
    }

    private static Long median(List<Long> values) {
        int n = values.size();
        if (n == 0) {
            return null;
        }
        if (n % 2 == 1) {
            return kth(values, (n + 1) / 2);
        }
        return Math.floorDiv(kth(values, n / 2) + kth(values, n / 2 + 1), 2);
    }

    /** Nearest rank: the smallest value with at least 90% of the values at or below it. */
    private static Long p90(List<Long> values) {
        int n = values.size();
        if (n == 0) {
            return null;
        }
        Long best = null;
        for (long x : values) {
            long atOrBelow = values.stream().filter(v -> v <= x).count();
            if (atOrBelow * 10 >= 9L * n && (best == null || x < best)) {
                best = x;
            }
        }
        return best;
    }

    private List<Gen> counted() {
        return gens.stream().filter(g -> !g.drill && !g.canceled).toList();
    }

    private static String month(Instant at) {
        ZonedDateTime z = at.atZone(ZoneOffset.UTC);
        return String.format("%04d-%02d", z.getYear(), z.getMonthValue());
    }

    private static void assertMeasure(JsonNode m, List<Long> values, String what) {
        assertThat(m.get("n").asInt()).as(what + " n").isEqualTo(values.size());
        Long med = median(values);
        Long p = p90(values);
        assertThat(m.get("median_seconds").isNull() ? null : m.get("median_seconds").asLong()).as(what + " median")
                .isEqualTo(med);
        assertThat(m.get("p90_seconds").isNull() ? null : m.get("p90_seconds").asLong()).as(what + " p90")
                .isEqualTo(p);
    }

    private static List<Long> values(List<Gen> gs, Function<Gen, Long> f) {
        List<Long> out = new ArrayList<>();
        for (Gen g : gs) {
            Long v = f.apply(g);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static final Map<String, Function<Gen, Long>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("mttd", Gen::mttd);
        METRICS.put("mtta", Gen::mtta);
        METRICS.put("mttm", g -> g.mitigate == null ? null : g.mitigate + (windowed(g) ? 60 : 0));
        METRICS.put("mttr", Gen::mttr);
    }

    private static final Map<String, Boolean> WINDOWED = new HashMap<>();

    private static boolean windowed(Gen g) {
        return WINDOWED.getOrDefault(g.id, false);
    }

    @Test
    void everyMedianAndP90MatchesAnIndependentComputation() throws Exception {
        for (Gen g : gens) {
            WINDOWED.put(g.id, ir.yaml(g.id).has("impact_windows"));
        }
        var r = ir.run("report", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = r.json();
        List<Gen> counted = counted();
        assertThat(counted.size()).isGreaterThan(250);
        JsonNode overall = json.get("overall");
        assertThat(overall.get("incidents").asInt()).isEqualTo(counted.size());
        METRICS.forEach((k, f) -> assertMeasure(overall.get(k), values(counted, f), "overall " + k));

        Map<String, List<Gen>> byMonth = new TreeMap<>();
        counted.forEach(g -> byMonth.computeIfAbsent(month(g.start), x -> new ArrayList<>()).add(g));
        JsonNode periods = json.get("periods");
        assertThat(periods).hasSize(12);
        for (JsonNode p : periods) {
            List<Gen> in = byMonth.get(p.get("period").asText());
            assertThat(p.get("incidents").asInt()).isEqualTo(in.size());
            METRICS.forEach((k, f) -> assertMeasure(p.get(k), values(in, f), p.get("period").asText() + " " + k));
            for (String sev : List.of("SEV-1", "SEV-2", "SEV-3", "SEV-4")) {
                long expected = in.stream().filter(g -> sev.equals(g.escalatedTo != null ? g.escalatedTo
                        : g.severity)).count();
                assertThat(p.get("by_severity").get(sev).asLong()).as(sev).isEqualTo(expected);
            }
        }

        // Time at SEV-1 and SEV-2: from impact start to resolution (or now), split at the escalation.
        long sev1 = 0;
        long sev2 = 0;
        for (Gen g : counted) {
            long end = g.resolve != null ? g.resolve : Duration.between(g.start, NOW).getSeconds();
            if (g.escalatedTo != null) {
                sev2 += g.escalatedAt;
                sev1 += end - g.escalatedAt;
            } else if (g.severity.equals("SEV-1")) {
                sev1 += end;
            } else if (g.severity.equals("SEV-2")) {
                sev2 += end;
            }
        }
        assertThat(overall.get("seconds_at_severity").get("SEV-1").asLong()).isEqualTo(sev1);
        assertThat(overall.get("seconds_at_severity").get("SEV-2").asLong()).isEqualTo(sev2);

        // Repeats: an earlier incident with the same tag started at most 30 days before.
        long repeats = counted.stream().filter(g -> counted.stream().anyMatch(o -> o != g && o.tag.equals(g.tag)
                && (o.start.isBefore(g.start) || o.start.equals(g.start) && o.id.compareTo(g.id) < 0)
                && !o.start.plus(Duration.ofDays(30)).isBefore(g.start))).count();
        assertThat(json.get("repeats")).hasSize((int) repeats);
        assertThat(overall.get("repeats").asLong()).isEqualTo(repeats);

        // Action items: created, done, overdue (open, due before today), median time to done.
        long created = 0;
        long done = 0;
        long overdue = 0;
        List<Long> toDone = new ArrayList<>();
        for (Gen g : counted) {
            for (long[] a : g.actions) {
                created++;
                if (a[0] == 1) {
                    done++;
                    toDone.add(a[2]);
                } else if (a[0] == 0 && g.start.atZone(ZoneOffset.UTC).toLocalDate().plusDays(a[3])
                        .isBefore(NOW.atZone(ZoneOffset.UTC).toLocalDate())) {
                    overdue++;
                }
            }
        }
        JsonNode actions = json.get("action_items");
        assertThat(actions.get("created").asLong()).isEqualTo(created);
        assertThat(actions.get("done").asLong()).isEqualTo(done);
        assertThat(actions.get("overdue").asLong()).isEqualTo(overdue);
        assertMeasure(actions.get("time_to_done"), toDone, "time to done");

        // Post-mortems overdue: SEV-1/2 at some point, resolved more than 7 days ago, not reviewed.
        long pmOverdue = counted.stream().filter(g -> (g.severity.equals("SEV-1") || g.severity.equals("SEV-2"))
                && g.resolve != null && !g.reviewed
                && g.start.plusSeconds(g.resolve).plus(Duration.ofDays(7)).isBefore(NOW)).count();
        assertThat(json.get("postmortems_overdue")).hasSize((int) pmOverdue);
        assertThat(pmOverdue).isPositive();
    }

    @Test
    void quartersFiltersDrillsAndCanceled() {
        for (Gen g : gens) {
            WINDOWED.put(g.id, ir.yaml(g.id).has("impact_windows"));
        }
        JsonNode json = ir.run("report", "--format", "json", "--by", "quarter", "--since", "2025-04-01",
                "--until", "2025-10-01", "--severity", "sev-1", "--tag", "database").json();
        List<Gen> in = counted().stream().filter(g -> !g.start.isBefore(Instant.parse("2025-04-01T00:00:00Z"))
                && g.start.isBefore(Instant.parse("2025-10-01T00:00:00Z"))
                && "SEV-1".equals(g.escalatedTo != null ? g.escalatedTo : g.severity) && g.tag.equals("database"))
                .toList();
        assertThat(json.get("overall").get("incidents").asInt()).isEqualTo(in.size()).isPositive();
        assertThat(json.get("periods")).extracting(p -> p.get("period").asText())
                .containsExactly("2025-Q2", "2025-Q3");
        METRICS.forEach((k, f) -> assertMeasure(json.get("overall").get(k), values(in, f), "filtered " + k));
        // As of --until: nothing is overdue after it.
        assertThat(json.get("as_of").asText()).isEqualTo("2025-10-01T00:00:00Z");

        long all = gens.size();
        JsonNode everything = ir.run("report", "--format", "json", "--drills", "--canceled").json();
        assertThat(everything.get("overall").get("incidents").asLong()).isEqualTo(all);
        assertThat(ir.run("report", "--format", "json", "--drills").json().get("overall").get("incidents").asLong())
                .isEqualTo(gens.stream().filter(g -> !g.canceled).count());
    }

    @Test
    void markdownHasWellFormedTablesAndMermaidCharts() {
        var r = ir.run("report", "--by", "quarter");
        assertThat(r.exit()).as(r.err()).isZero();
        String md = r.out();
        List<GfmTables.Table> tables = GfmTables.check(md);
        assertThat(tables).hasSizeGreaterThanOrEqualTo(6);
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).contains("Incident report", "Summary", "Incidents by severity", "Response times",
                "Top tags", "Repeat incidents", "Action items", "Post-mortems overdue for review",
                "Checklist steps done on time");
        assertThat(doc.fences("mermaid")).hasSize(2);
        assertThat(doc.fences("mermaid").get(0).getLiteral()).startsWith("xychart-beta\n")
                .contains("x-axis [\"2025-Q1\", \"2025-Q2\", \"2025-Q3\", \"2025-Q4\"]");
        List<List<String>> bySeverity = doc.tableAfter("Incidents by severity");
        assertThat(bySeverity).hasSize(5);
        assertThat(bySeverity.get(0).get(0)).isEqualTo("2025-Q1");
        assertThat(bySeverity.get(bySeverity.size() - 1)).startsWith("all")
                .endsWith(String.valueOf(counted().size()));
        List<List<String>> tags = doc.tableAfter("Top tags");
        assertThat(tags).hasSize(TAGS.size());
    }

    @Test
    void htmlIsSelfContainedAndAccessible() throws Exception {
        var r = ir.run("report", "--format", "html", "-o", "out/report.html");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Wrote out/report.html");
        String html = Files.readString(tmp.resolve("out/report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("prefers-color-scheme:dark").contains("@media print")
                .contains("<title id=\"chart-incidents-title\">").contains("<desc id=\"chart-incidents-desc\">")
                .contains("<th scope=\"col\">");
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("http://")
                .doesNotContain("https://").doesNotContain("@import").doesNotContain("url(")
                .doesNotContain("alice@example.com");
        int bars = html.split("<rect class=\"bar\"", -1).length - 1;
        assertThat(bars).as("one bar per month in the incidents chart, one per month for the MTTR median")
                .isEqualTo(24);
        // Headings in order: one h1, then h2s.
        assertThat(html.indexOf("<h1>")).isLessThan(html.indexOf("<h2>"));
        assertThat(html.split("<h1>", -1)).hasSize(2);
    }

    @Test
    void outputNeverFollowsALinkInsideTheWorkspace() throws Exception {
        Path outside = Files.createDirectories(tmp.getParent().resolve(tmp.getFileName() + "-outside"));
        Files.createSymbolicLink(tmp.resolve("site"), outside);
        ir.assertRefused(1, "ir: refusing to write site/report.md: site is a symbolic link", "report", "-o",
                "site/report.md");
        assertThat(outside.resolve("report.md")).doesNotExist();
        // A path outside the workspace is the user's choice.
        Path elsewhere = outside.resolve("r.json");
        assertThat(ir.run("report", "--format", "json", "-o", elsewhere.toString()).exit()).isZero();
        assertThat(IrTester.ok(ir.run("report", "--format", "json")).out().strip())
                .isEqualTo(Files.readString(elsewhere).strip());
        Files.delete(tmp.resolve("site"));
        Files.delete(elsewhere);
        Files.delete(outside);
    }

    @Test
    void refusesBadOptions() {
        ir.assertRefused(2, "ir: unknown format 'pdf'", "report", "--format", "pdf");
        ir.assertRefused(2, "ir: unknown period 'week'", "report", "--by", "week");
        ir.assertRefused(2, "ir: unknown severity 'SEV-9'", "report", "--severity", "SEV-9");
        ir.assertRefused(2, "ir: --since must be before --until", "report", "--since", "2025-05-01", "--until",
                "2025-04-01");
    }
}
