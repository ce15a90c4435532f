package ir.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir site build} on a real workspace: the files, their counts, what the public part leaves out. */
class SiteBuildTest {
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z0-9.-]+");

    @TempDir
    Path tmp;
    IrTester ir;
    String checkout;
    String search;
    String drill;
    String canceled;

    @BeforeEach
    void workspace() {
        ir = IrTester.workspace(tmp.resolve("ws")).at("2026-11-28T10:00:00Z");
        populate(ir);
        checkout = ids.get(0);
        search = ids.get(1);
        drill = ids.get(2);
        canceled = ids.get(3);
    }

    private final List<String> ids = new ArrayList<>();

    /** Two real incidents (one open SEV-1, one resolved SEV-3 with a post-mortem), a drill and a canceled one. */
    void populate(IrTester ir) {
        ids.add(ir.open("Checkout errors", "--severity", "SEV-1", "--commander", IrTester.ALICE, "--tag",
                "checkout"));
        ir.advance(java.time.Duration.ofMinutes(3));
        ok(ir.run("log", "bob@example.com says <script>alert(1)</script> in the logs"));
        ok(ir.run("update", "--audience", "internal", "Internal: ask carol@example.com about the DB"));
        ok(ir.run("update", "--audience", "public", "Some customers cannot complete checkout."));
        ir.advance(java.time.Duration.ofMinutes(10));
        ids.add(ir.open("Search slow", "--severity", "SEV-3", "--tag", "search"));
        ok(ir.run("update", "--audience", "public", "Search is slow for some customers."));
        ir.advance(java.time.Duration.ofMinutes(20));
        ok(ir.run("resolve"));
        ok(ir.run("postmortem"));
        ids.add(ir.open("Game day", "--severity", "SEV-1", "--drill", "--tag", "checkout"));
        ok(ir.run("update", "--audience", "public", "Drill: checkout down"));
        ids.add(ir.open("Declared twice", "--severity", "SEV-2", "--tag", "payments"));
        ok(ir.run("update", "--audience", "public", "Payments down"));
        ok(ir.run("cancel", "duplicate"));
    }

    static Map<String, String> site(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void buildsIndexIncidentPagesReportAndStatusWithoutDrillsOrCanceledIncidents() throws IOException {
        var r = ok(ir.run("site", "build"));
        assertThat(r.out()).startsWith("site: ");
        Map<String, String> site = site(ir.dir().resolve("site"));
        assertThat(site).containsKeys("index.html", "incidents/" + checkout + ".html", "incidents/" + search + ".html",
                "report/index.html", "status/index.html", "status/summary.json", "by/severity-sev-1.html",
                "by/status-resolved.html", ".ir-site");
        assertThat(site).doesNotContainKeys("incidents/" + drill + ".html", "incidents/" + canceled + ".html");
        String index = site.get("index.html");
        assertThat(count(index.substring(index.indexOf("<tbody>")), "<tr>")).isEqualTo(2);
        assertThat(index).doesNotContain("Game day", "Declared twice");
        String sev1 = site.get("by/severity-sev-1.html");
        assertThat(count(sev1.substring(sev1.indexOf("<tbody>")), "<tr>")).isEqualTo(1);
        assertThat(sev1).contains("Checkout errors").doesNotContain("Search slow");
        // the report page is ir report's own HTML over the site's incidents (no drills, no canceled ones)
        String report = site.get("report/index.html");
        assertThat(report).contains("id=\"chart-incidents-title\"", "class=\"bar\"", "MTTR")
                .doesNotContain("<script", "http://", "https://");
        assertThat(report).doesNotContain(drill, canceled);
    }

    @Test
    void incidentPageHasRolesPhasesChartTimelineAndPostmortemEscapedAndWithoutAddresses() throws IOException {
        ok(ir.run("site", "build"));
        Map<String, String> site = site(ir.dir().resolve("site"));
        String page = site.get("incidents/" + checkout + ".html");
        assertThat(page).contains("<h1>" + checkout + ": Checkout errors</h1>", "<h2>Roles</h2>",
                "Alice Responder", "<h2>Phases</h2>", "<h2>Timeline</h2>", "&lt;script&gt;", "<h2>Post-mortem</h2>");
        assertThat(page).doesNotContain("<script");
        String resolved = site.get("incidents/" + search + ".html");
        assertThat(resolved).contains("<svg class=\"phases\" role=\"img\"", "<title id=\"phases-", "<desc id=",
                "<table class=\"phases\">", "<article class=\"postmortem\">");
        assertThat(count(resolved, "<rect class=\"bar\"")).isEqualTo(count(resolved.substring(
                resolved.indexOf("<table class=\"phases\">")).split("</table>")[0], "<tr><th scope=\"row\">"));
        // post-mortem headings sit under the page's h2
        assertThat(resolved.substring(resolved.indexOf("<article"))).doesNotContain("<h1>", "<h2>");
        for (var e : site.entrySet()) {
            assertThat(EMAIL.matcher(e.getValue()).find()).as(e.getKey() + " has an e-mail address").isFalse();
            assertThat(e.getValue()).as(e.getKey()).doesNotContain("<script", "http://", "https://");
        }
    }

    @Test
    void summaryJsonHasTheDocumentedShapeAndOnlyPublicUpdatesOfOpenRealIncidents() throws IOException {
        ok(ir.run("site", "build", "--base-url", "https://status.example.com/", "--name", "Example"));
        JsonNode s = new ObjectMapper().readTree(ir.dir().resolve("site/status/summary.json").toFile());
        assertSummaryShape(s);
        assertThat(s.at("/page/url").asText()).isEqualTo("https://status.example.com/status/index.html");
        assertThat(s.at("/page/name").asText()).isEqualTo("Example");
        assertThat(s.at("/status/indicator").asText()).isEqualTo("critical");
        assertThat(s.get("incidents")).hasSize(1);
        JsonNode inc = s.get("incidents").get(0);
        assertThat(inc.get("id").asText()).isEqualTo(checkout);
        assertThat(inc.get("impact").asText()).isEqualTo("critical");
        assertThat(inc.get("incident_updates")).hasSize(1);
        assertThat(inc.at("/incident_updates/0/body").asText()).contains("some customers cannot complete checkout.");
        Map<String, String> comps = new TreeMap<>();
        s.get("components").forEach(c -> comps.put(c.get("name").asText(), c.get("status").asText()));
        assertThat(comps).isEqualTo(Map.of("checkout", "major_outage", "search", "operational"));
        String json = s.toString();
        assertThat(json).doesNotContain("Internal", "carol", "Drill", "Payments", "bob", "alice");
        assertThat(EMAIL.matcher(json).find()).isFalse();
        String status = Files.readString(ir.dir().resolve("site/status/index.html"));
        assertThat(status).contains("<strong>Investigating</strong>", "some customers cannot complete checkout.",
                        "Major System Outage")
                .doesNotContain("Internal", "Drill", "Payments", "Search is slow", "href=\"../index.html\"");
    }

    /** The shape docs/status-page.md documents: required keys, their types and the enumerations. */
    static void assertSummaryShape(JsonNode s) {
        assertThat(fields(s)).containsExactly("page", "status", "components", "incidents", "scheduled_maintenances");
        JsonNode page = s.get("page");
        assertThat(fields(page)).containsExactly("id", "name", "url", "updated_at");
        for (String k : List.of("id", "name", "url")) {
            assertThat(page.get(k).isTextual()).as("page." + k).isTrue();
        }
        assertThat(page.get("updated_at").isTextual() || page.get("updated_at").isNull()).isTrue();
        assertThat(fields(s.get("status"))).containsExactly("indicator", "description");
        assertThat(s.at("/status/indicator").asText()).isIn("none", "minor", "major", "critical");
        assertThat(s.at("/status/description").isTextual()).isTrue();
        assertThat(s.get("components").isArray()).isTrue();
        for (JsonNode c : s.get("components")) {
            assertThat(fields(c)).containsExactly("id", "name", "status");
            assertThat(c.get("status").asText()).isIn("operational", "degraded_performance", "partial_outage",
                    "major_outage", "under_maintenance");
        }
        assertThat(s.get("incidents").isArray()).isTrue();
        for (JsonNode i : s.get("incidents")) {
            assertThat(fields(i)).containsExactly("id", "name", "status", "impact", "shortlink", "started_at",
                    "updated_at", "incident_updates");
            assertThat(i.get("status").asText()).isIn("investigating", "identified", "monitoring", "resolved");
            assertThat(i.get("impact").asText()).isIn("none", "minor", "major", "critical");
            java.time.Instant.parse(i.get("started_at").asText());
            for (JsonNode u : i.get("incident_updates")) {
                assertThat(fields(u)).containsExactly("id", "status", "body", "display_at", "created_at",
                        "affected_components");
                assertThat(u.get("status").asText()).isIn("investigating", "identified", "monitoring", "resolved");
                assertThat(u.get("body").isTextual()).isTrue();
                java.time.Instant.parse(u.get("display_at").asText());
                for (JsonNode a : u.get("affected_components")) {
                    assertThat(fields(a)).containsExactly("code", "name", "new_status");
                }
            }
        }
        assertThat(s.get("scheduled_maintenances").isArray()).isTrue();
        assertThat(s.get("scheduled_maintenances")).isEmpty();
    }

    static List<String> fields(JsonNode n) {
        assertThat(n.isObject()).as(String.valueOf(n)).isTrue();
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void sameIncidentsGiveTheSameBytesAndARebuildChangesNothing() throws IOException {
        ok(ir.run("site", "build"));
        Map<String, String> first = site(ir.dir().resolve("site"));
        ir.advance(java.time.Duration.ofDays(2));
        var again = ok(ir.run("site", "build"));
        assertThat(again.out()).contains("(0 changed)");
        assertThat(site(ir.dir().resolve("site"))).isEqualTo(first);
    }

    @Test
    void publicBuildsOnlyTheStatusPage() throws IOException {
        ok(ir.run("site", "build", "--public", "-o", "public"));
        assertThat(site(ir.dir().resolve("public")).keySet()).isEqualTo(Set.of(".ir-site", "status/index.html",
                "status/summary.json"));
    }

    @Test
    void refusesTheWorkspaceRootIncidentsAndADirectoryItDidNotBuild() throws IOException {
        ir.assertRefused(2, "ir: refusing to write the site into incidents", "site", "build", "-o", "incidents");
        ir.assertRefused(2, "ir: refusing to write the site into the workspace root", "site", "build", "-o", ".");
        ir.assertRefused(2, "ir: refusing to write the site into .git", "site", "build", "-o", ".git/x");
        Files.createDirectories(ir.dir().resolve("docs"));
        Files.writeString(ir.dir().resolve("docs/keep.md"), "mine");
        ir.assertRefused(2, "ir: " + ir.dir().resolve("docs") + " is not empty", "site", "build", "-o", "docs");
        ir.assertRefused(2, "ir: --base-url must be", "site", "build", "--base-url", "javascript:alert(1)");
    }
}
