package ir.cli;

import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A cloned incident repository is untrusted: bad files are reported by name and never stop other incidents. */
@Timeout(60)
class HostileInputTest {
    static final String BOMB = """
            schema: 1
            id: 2026-11-28-bomb
            title: bomb
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            timeline: [*g]
            """;

    @TempDir
    Path tmp;
    IrTester ir;
    String good;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:01:00Z");
        good = ir.open("Healthy incident");
    }

    private void plant(String name, String content) throws Exception {
        Files.writeString(tmp.resolve("incidents").resolve(name), content);
        try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
            git.add().addFilepattern("incidents/" + name).call();
            git.commit().setMessage("plant " + name).setAuthor("Mallory", "m@example.com")
                    .setCommitter("Mallory", "m@example.com").call();
        }
    }

    @Test
    void terminalEscapesInAClonedFileAreShownInertly() throws Exception {
        String esc = "\u001b]0;pwned\u0007\u001b[2J\u009b31m\r";
        plant("2026-11-28-escape.yaml", "schema: 1\nid: 2026-11-28-escape\ntitle: \"t " + escaped(esc) + "\"\n"
                + "opened_at: 2026-11-28T15:00:00Z\nactions:\n  - {id: aaaaaaaaaaaa, text: \"a " + escaped(esc)
                + "\", status: open}\ntimeline:\n  - {id: e1, at: 2026-11-28T15:00:00Z, type: note, text: \"n "
                + escaped(esc) + "\"}\n");
        for (String[] args : new String[][] {{"show", "-i", "escape"}, {"list"}, {"actions"},
                {"history", "-i", "escape"}}) {
            var r = ir.run(args);
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).doesNotContain("\u001b", "\u0007", "\u009b", "\r");
        }
        assertThat(ir.run("show", "-i", "escape").out()).contains("n ^[]0;pwned^G^[[2J?31m");
        assertThat(ir.run("show", "-i", "escape", "--json").json().get("timeline").get(0).get("text").asText())
                .isEqualTo("n " + esc);
    }

    @Test
    void aMinimalHandWrittenFileIsShownNotCrashedOn() throws Exception {
        plant("2026-11-28-bare.yaml", "schema: 1\nid: 2026-11-28-bare\ntitle: Bare file\n");
        var r = ir.run("show", "-i", "bare");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Bare file", "no severity · no status · no opened_at").doesNotContain("null");
        assertThat(ir.run("show", "-i", "bare", "--json").exit()).isZero();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
        return b.toString();
    }

    @Test
    void aliasBombIsRefusedByNameAndOthersStillWork() throws Exception {
        plant("2026-11-28-bomb.yaml", BOMB);
        var r = ir.assertRefused(1, "ir: incidents/2026-11-28-bomb.yaml uses a YAML anchor or alias at line 4",
                "show", "-i", "2026-11-28-bomb");
        assertThat(r.err()).contains("remove it");
        ir.assertRefused(1, "ir: incidents/2026-11-28-bomb.yaml", "log", "-i", "2026-11-28-bomb", "x");
        assertUsable();
    }

    @Test
    void fiftyMegabyteFileIsRefusedQuickly() throws Exception {
        Path big = tmp.resolve("incidents/2026-11-28-big.yaml");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("schema: 1\nid: 2026-11-28-big\ntitle: big\nsummary: \"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\"\n".getBytes(StandardCharsets.UTF_8));
        }
        ir.assertRefused(1, "ir: incidents/2026-11-28-big.yaml is 50 MiB, over the 8 MiB limit", "show", "-i",
                "big");
        assertUsable();
    }

    @Test
    void corruptYamlIsReportedWithItsLine() throws Exception {
        plant("2026-11-28-corrupt.yaml", "schema: 1\nid: 2026-11-28-corrupt\ntitle: [unclosed\nstatus: x\n");
        var r = ir.assertRefused(1, "ir: incidents/2026-11-28-corrupt.yaml is not valid YAML", "show", "-i",
                "corrupt");
        assertThat(r.err()).containsPattern("at line \\d");
        assertUsable();
    }

    @Test
    void deepNestingIsRefused() throws Exception {
        plant("2026-11-28-deep.yaml", "schema: 1\nid: 2026-11-28-deep\ntitle: deep\nx: " + "[".repeat(5000)
                + "]".repeat(5000) + "\n");
        ir.assertRefused(1, "ir: incidents/2026-11-28-deep.yaml", "show", "-i", "deep");
        assertUsable();
    }

    @Test
    void notAnIncidentAndMismatchedIdAreReported() throws Exception {
        plant("2026-11-28-list.yaml", "- just\n- a list\n");
        plant("2026-11-28-liar.yaml", "schema: 1\nid: 2026-11-28-healthy-incident\ntitle: liar\n");
        plant("2026-11-28-empty.yaml", "");
        ir.assertRefused(1, "ir: incidents/2026-11-28-list.yaml is not a YAML mapping", "show", "-i", "list");
        ir.assertRefused(1, "ir: incidents/2026-11-28-liar.yaml says its id is '2026-11-28-healthy-incident'",
                "log", "-i", "liar", "x");
        ir.assertRefused(1, "ir: incidents/2026-11-28-empty.yaml is empty", "show", "-i", "empty");
        assertUsable();
    }

    @Test
    void badTimesInAFileAreReported() throws Exception {
        plant("2026-11-28-time.yaml", "schema: 1\nid: 2026-11-28-time\ntitle: t\nopened_at: last tuesday\n");
        ir.assertRefused(1, "ir: incidents/2026-11-28-time.yaml has an invalid time in 'opened_at'", "show", "-i",
                "2026-11-28-time");
    }

    @Test
    void aSymlinkedIncidentIsRefusedNeitherReadNorWrittenThrough() throws Exception {
        Path outside = tmp.resolveSibling(tmp.getFileName() + "-outside.yaml");
        Files.writeString(outside, ir.read("incidents/" + good + ".yaml"));
        try {
            Path link = ir.incidentFile(good);
            Files.delete(link);
            Files.createSymbolicLink(link, outside);
            String before = Files.readString(outside);
            ir.assertRefused(1, "ir: refusing to read incidents/" + good + ".yaml: it is a symbolic link; ir reads "
                    + "only regular files inside the workspace", "log", "-i", good, "written");
            assertThat(Files.readString(outside)).isEqualTo(before);
            assertThat(Files.isSymbolicLink(link)).isTrue();
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aSymlinkedIncidentsDirectoryIsRefusedAndNothingIsWrittenOutside() throws Exception {
        Path outside = Files.createDirectories(tmp.resolveSibling(tmp.getFileName() + "-outside"));
        try {
            Path incidents = tmp.resolve("incidents");
            for (Path f : Files.list(incidents).toList()) {
                Files.move(f, outside.resolve(f.getFileName()));
            }
            Files.delete(incidents);
            Files.createSymbolicLink(incidents, outside);
            try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
                git.rm().addFilepattern("incidents").setCached(true).call();
                git.add().addFilepattern("incidents").call();
                git.commit().setMessage("incidents is a link").setAuthor("Mallory", "m@example.com")
                        .setCommitter("Mallory", "m@example.com").call();
            }
            try (var files = Files.list(outside)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsOnly(".gitkeep", good + ".yaml");
            }

            ir.assertRefused(1, "ir: refusing to write incidents/", "open", "Written through the link");
            ir.assertRefused(1, "ir: refusing to read incidents/" + good + ".yaml: incidents is a symbolic link",
                    "log", "-i", good, "written through the link");

            try (var files = Files.list(outside)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsOnly(".gitkeep", good + ".yaml");
            }
            assertThat(Files.readString(outside.resolve(good + ".yaml"))).doesNotContain("written through");
        } finally {
            try (var files = Files.list(outside)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(outside);
        }
    }

    private void assertUsable() {
        var list = ir.run("list", "--json");
        assertThat(list.exit()).isZero();
        assertThat(list.err()).contains("ir: warning:").contains("(skipped)");
        assertThat(list.json()).extracting(n -> n.get("id").asText()).containsExactly(good);
        var log = ir.run("log", "-i", good, "still usable");
        assertThat(log.exit()).as(log.toString()).isZero();
        assertThat(ir.yaml(good).get("timeline")).hasSize(2);
    }
}
