package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ir.e2e.Processes.irJar;
import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The site as a browser shows it: {@code ir site build} by the packaged jar, then Debian's Chromium, headless, loads
 * the index, an incident page and the status page from {@code file://}: the DOM it built (rows, chart bars, no
 * e-mail address), no console error, and a screenshot of each under {@code target/}. Without Chromium the test is
 * skipped, unless {@code IR_REQUIRE_CHROMIUM} is set ({@code .ci/run} sets it after installing the package).
 */
class SiteBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z0-9.-]+");

    @TempDir
    Path tmp;
    Path repo;
    Map<String, String> env;

    @BeforeEach
    void chromium() {
        if (System.getenv("IR_REQUIRE_CHROMIUM") != null) {
            assertThat(CHROMIUM).as("Debian's chromium (IR_REQUIRE_CHROMIUM is set; .ci/run installs it)")
                    .isExecutable();
        } else {
            Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
        }
        repo = tmp.resolve("repo");
        env = Processes.cleanEnv(tmp);
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
    }

    private void ir(String... args) {
        Processes.Result r = run(irJar(args), repo, env);
        assertThat(r.exit()).as("ir %s\n%s", String.join(" ", args), r).isZero();
    }

    @Test
    void indexIncidentPageAndStatusPageRenderInChromiumWithoutErrorsOrAddresses() throws Exception {
        ir("init");
        ir("open", "Checkout errors", "--severity", "SEV-1", "--commander", "Alice Responder <alice@example.com>",
                "--tag", "checkout", "--at", "2026-11-28T10:00:00Z");
        ir("mark", "started", "--at", "2026-11-28T09:50:00Z");
        ir("mark", "detected", "--at", "2026-11-28T09:55:00Z");
        ir("mark", "acknowledged", "--at", "2026-11-28T10:01:00Z");
        ir("log", "paged bob@example.com about the <b>primary</b>");
        ir("update", "--audience", "internal", "ask carol@example.com");
        ir("update", "--audience", "public", "Some customers cannot complete checkout.");
        ir("open", "Search slow", "--severity", "SEV-3", "--tag", "search");
        ir("update", "--audience", "public", "Search is slow.");
        ir("resolve");
        ir("open", "Game day", "--severity", "SEV-2", "--drill", "--tag", "checkout");
        Path site = tmp.resolve("site");
        ir("site", "build", "-o", site.toString(), "--base-url", "https://status.example.com");

        String id = null;
        try (var s = Files.list(site.resolve("incidents"))) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().contains("checkout")) {
                    id = p.getFileName().toString();
                }
            }
        }
        assertThat(id).isNotNull();
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);

        String index = dom(site.resolve("index.html"), target.resolve("site-index.png"));
        assertThat(rows(index, "incidents")).isEqualTo(2);
        assertThat(index).contains("Checkout errors", "Search slow").doesNotContain("Game day");

        String page = dom(site.resolve("incidents").resolve(id), target.resolve("site-incident.png"));
        int bars = count(page, "class=\"bar\"");
        assertThat(bars).isEqualTo(rows(page, "phases")).isGreaterThanOrEqualTo(3);
        assertThat(page).contains("Alice Responder", "&lt;b&gt;primary&lt;/b&gt;").doesNotContain("<b>primary");
        assertThat(rows(page, "roles")).isEqualTo(1);

        String status = dom(site.resolve("status/index.html"), target.resolve("site-status.png"));
        assertThat(rows(status, "components")).isEqualTo(2);
        assertThat(count(status, "<section class=\"incident\"")).isEqualTo(1);
        assertThat(status).contains("some customers cannot complete checkout").doesNotContain("carol", "Game day");
        for (String dom : List.of(index, status)) {
            assertThat(EMAIL.matcher(dom).find()).as("an e-mail address on a public page").isFalse();
        }
        assertThat(EMAIL.matcher(page).find()).as("an e-mail address on the incident page").isFalse();

        JsonNode summary = new ObjectMapper().readTree(site.resolve("status/summary.json").toFile());
        assertThat(summary.at("/status/indicator").asText()).isEqualTo("critical");
        assertThat(summary.get("incidents")).hasSize(1);
        assertThat(summary.at("/page/url").asText()).isEqualTo("https://status.example.com/status/index.html");
        assertThat(target.resolve("site-index.png")).isNotEmptyFile();
        assertThat(target.resolve("site-incident.png")).isNotEmptyFile();
        assertThat(target.resolve("site-status.png")).isNotEmptyFile();
    }

    /** The DOM Chromium built for {@code page}, after asserting no console error; a phone-sized screenshot too. */
    private String dom(Path page, Path screenshot) throws Exception {
        String url = page.toUri().toString();
        Processes.Result r = chromium("--dump-dom", url);
        assertThat(r.exit()).as("%s", r).isZero();
        assertNoConsoleErrors(r.err());
        Processes.Result shot = chromium("--screenshot=" + screenshot, "--window-size=390,1400",
                "--hide-scrollbars", url);
        assertThat(shot.exit()).as("%s", shot).isZero();
        assertNoConsoleErrors(shot.err());
        return r.out();
    }

    private static void assertNoConsoleErrors(String stderr) {
        for (String line : stderr.split("\\R")) {
            assertThat(line).as("Chromium's log").doesNotContain("Uncaught", "ERROR:CONSOLE", ":CONSOLE(");
        }
    }

    private Processes.Result chromium(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium")));
        cmd.addAll(List.of(args));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("HOME", tmp.toString());
        return run(cmd, tmp, e);
    }

    /** The rows of the body of the table whose class is {@code cls}. */
    static int rows(String dom, String cls) {
        int at = dom.indexOf("<table class=\"" + cls + "\"");
        assertThat(at).as("a table of class " + cls).isNotNegative();
        String table = dom.substring(at, dom.indexOf("</table>", at));
        String body = table.substring(table.indexOf("<tbody>"));
        return count(body, "<tr>");
    }

    static int count(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
