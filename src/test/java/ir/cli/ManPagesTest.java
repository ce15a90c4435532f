package ir.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The manual pages the build generates from the command model (ir.cli.ManPages). */
class ManPagesTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> PAGES = ManPages.pages(ManPages.model(), "9.9.9");

    @Test
    void onePagePerVisibleCommandAndSubcommandWithEverySection() {
        List<String> expected = new java.util.ArrayList<>();
        new CompletionScript(ManPages.model()).commands().keySet().forEach(p -> expected.add(ManPages.name(p) + ".1"));

        assertThat(PAGES.keySet()).containsExactlyElementsOf(expected)
                .contains("ir.1", "ir-log.1", "ir-action.1", "ir-action-add.1", "ir-help.1", "ir-completion.1")
                .doesNotContain("ir-merge-file.1", "ir-" + CompleteCommand.NAME + ".1");
        PAGES.forEach((file, page) -> {
            assertThat(page).as(file).startsWith(ManPages.MARKER + "\n.TH \"" + file.replace(".1", "").toUpperCase(java.util.Locale.ROOT)
                    .replace("-", "\\-") + "\" \"1\" \"\" \"ir 9.9.9\"");
            assertThat(page).as(file).contains(".SH \"NAME\"\n", ".SH \"SYNOPSIS\"\n", ".SH \"DESCRIPTION\"\n",
                    ".SH \"OPTIONS\"\n", ".SH \"SEE ALSO\"\n");
        });
        for (String file : List.of("ir.1", "ir-log.1", "ir-action-add.1")) {
            assertThat(PAGES.get(file)).as(file).contains(".SH \"EXAMPLES\"\n");
        }
    }

    @Test
    void aPageSaysWhatTheCommandsHelpSays() {
        String log = PAGES.get("ir-log.1");

        assertThat(log).contains("ir\\-log \\- Add an entry to the incident's timeline")
                .contains("\\fBir log\\fR\n")
                .contains(".TP\n\\fB\\-i\\fR, \\fB\\-\\-incident\\fR \\fIID\\fR\n")
                .contains(".SH \"EXAMPLES\"\n.PP\n.RS \"4\"\n.nf\nir log database failover started\n")
                .contains("\\fBir\\fR(1)");
        assertThat(PAGES.get("ir-action-add.1")).contains("\\fBir\\-action\\fR(1)");
        assertThat(PAGES.get("ir-action.1")).contains("\\fBir\\-action\\-add\\fR(1)");
        assertThat(PAGES.get("ir.1")).contains(".SS \"Respond\"\n", ".SS \"Set up\"\n", "\\fBir\\-log\\fR(1)")
                .doesNotContain("merge\\-file");
    }

    @Test
    void textIsEscapedForRoff() {
        assertThat(ManPages.Roff.escape("a\\b -x → y")).isEqualTo("a\\eb \\-x \\[u2192] y");
        ManPages.Roff r = new ManPages.Roff();
        r.text(".starts with a dot");
        r.text("'starts with a quote");
        r.macro("SH", "say \"hi\"");
        assertThat(r.toString()).isEqualTo("\\&.starts with a dot\n\\&'starts with a quote\n.SH \"say \\(dqhi\\(dq\"\n");
        // No text line of any page starts as a request could, and no character is outside ASCII.
        PAGES.forEach((file, page) -> page.lines().forEach(line -> {
            assertThat(line).as(file).matches("(\\.[A-Za-z]{1,2}( .*)?|\\.\\\\\" .*|[^.'].*|)");
            assertThat(line.chars().allMatch(c -> c >= 32 && c < 127)).as(file + ": " + line).isTrue();
        }));
    }

    @Test
    void groffRendersEveryPageWithoutAWarning() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/groff").canExecute() || onPath("groff"), "groff is not installed");
        for (Map.Entry<String, String> page : PAGES.entrySet()) {
            Path file = tmp.resolve(page.getKey());
            Files.writeString(file, page.getValue(), StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder("groff", "-ww", "-man", "-Tutf8", "-z", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(page.getKey()).isEmpty();
            assertThat(p.exitValue()).as(page.getKey()).isZero();
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
