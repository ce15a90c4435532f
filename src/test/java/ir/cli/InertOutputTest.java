package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a cloned repository holds reaches the terminal inertly: every field it controls, on stdout and stderr, in
 * data, warnings and errors; {@code --json} still gives back the exact values.
 */
@Timeout(120)
class InertOutputTest {
    static final String ID = "2026-11-28-hostile";
    static final String BAD_TIME = "2026-11-28-badtime";

    @TempDir
    Path tmp;

    /** Each value a hostile clone might plant: OSC 52, window title, clear screen, cursor up, CR, BS, DEL, C1, bidi. */
    @ParameterizedTest
    @ValueSource(strings = {"\u001b]52;c;aXIgcm0gLXJmIC8K\u0007", "\u001b]0;pwned\u0007", "\u001b[2J\u001b[H",
            "\u001b[1A\u001b[2Kir: all good", "\rforged", "\b\b\bxx", "\u007f", "\u009b31m", "\u202egnp.exe"})
    void everyFieldARepositoryControlsIsShownInertlyAndJsonStaysExact(String h) throws Exception {
        IrTester ir = IrTester.workspace(tmp).at("2026-11-28T15:30:00Z");
        String person = "Mal " + h + " <m@example.com>";
        plant("incidents/" + ID + ".yaml", "schema: 1\nid: " + ID + "\ntitle: " + q("t " + h + " end")
                + "\nseverity: SEV-2\nstatus: investigating\nopened_at: 2026-11-28T15:00:00Z\nsummary: "
                + q("s " + h) + "\nroles: {commander: [" + q(person) + "]}\nactions:\n  - {id: aaaaaaaaaaaa, text: "
                + q("a " + h) + ", owner: " + q(person) + ", status: open}\ntimeline:\n  - {id: e1, at: "
                + "2026-11-28T15:00:00Z, author: " + q(person) + ", type: note, text: " + q("n " + h + "\nline 2")
                + "}\n", "plant " + h + " subject", "Mal " + h);
        // A bad value is quoted in a warning (list, stats, actions) and in an error (show).
        plant("incidents/" + BAD_TIME + ".yaml", "schema: 1\nid: " + BAD_TIME + "\ntitle: bad\nopened_at: "
                + q("2026" + h) + "\n", "plant bad time", "Mal");

        List<IrTester.Result> results = new ArrayList<>();
        for (String[] args : new String[][] {{"list"}, {"show", "-i", ID}, {"history", "-i", ID}, {"actions"},
                {"stats"}, {"postmortem", "--stdout", "-i", ID}, {"log", "-i", ID, "checked"}}) {
            IrTester.Result r = ir.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
            results.add(r);
        }
        IrTester.Result error = ir.run("show", "-i", BAD_TIME);
        assertThat(error.exit()).as(error.toString()).isNotZero();
        assertThat(error.err()).startsWith("ir: ").contains("opened_at");
        results.add(error);
        assertThat(results.get(0).err()).contains("ir: warning: ", BAD_TIME);
        for (IrTester.Result r : results) {
            assertInert(r);
        }
        assertThat(results.get(1).out()).contains("t ", " end", "n ", "line 2");
        assertThat(results.get(2).out()).contains("plant ", " subject");

        JsonNode shown = ir.run("show", "-i", ID, "--json").json();
        assertThat(shown.get("title").asText()).isEqualTo("t " + h + " end");
        assertThat(shown.get("summary").asText()).isEqualTo("s " + h);
        assertThat(shown.get("timeline").get(0).get("text").asText()).isEqualTo("n " + h + "\nline 2");
        assertThat(shown.get("timeline").get(0).get("author").asText()).isEqualTo(person);
        assertThat(shown.get("actions").get(0).get("owner").asText()).isEqualTo(person);
        IrTester.Result list = ir.run("list", "--json");
        assertInert(new IrTester.Result(0, list.out(), ""));
        assertThat(list.json().findValuesAsText("title")).contains("t " + h + " end");
        IrTester.Result history = ir.run("history", "-i", ID, "--json");
        assertInert(new IrTester.Result(0, history.out(), ""));
        assertThat(history.json().findValuesAsText("subject")).contains("plant " + h + " subject");
    }

    /** Values of {@code ir.yaml} quoted in an error: a severity's name and the default severity. */
    @ParameterizedTest
    @ValueSource(strings = {"\u001b]52;c;aXIgcm0gLXJmIC8K\u0007", "\u001b[1A", "\r", "\u007f", "\u0085", "\u009b"})
    void irYamlValuesQuotedInAnErrorAreShownInertly(String h) throws Exception {
        IrTester ir = IrTester.workspace(tmp);
        plant("ir.yaml", "default_severity: " + q("SEV-9" + h) + "\nseverities:\n  - name: " + q("SEV-1" + h)
                + "\n", "plant config", "Mal");
        for (String[] args : new String[][] {{"list"}, {"open", "title"}}) {
            IrTester.Result r = ir.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("ir: ").contains("default_severity", "SEV-9", "SEV-1");
            assertInert(r);
        }
    }

    /** Commands run by ir's background process write to its client's streams: the same rule applies there. */
    @org.junit.jupiter.api.Test
    void theBackgroundProcessPrintsInertlyToo() throws Exception {
        IrTester t = IrTester.workspace(tmp).at("2026-11-28T15:30:00Z");
        String h = "\u001b]52;c;aXIgcm0gLXJmIC8K\u0007\u009b2J";
        plant("incidents/" + ID + ".yaml", "schema: 1\nid: " + ID + "\ntitle: " + q("t " + h) + "\n"
                + "opened_at: 2026-11-28T15:00:00Z\n", "plant", "Mal");
        plant("incidents/" + BAD_TIME + ".yaml", "schema: 1\nid: " + BAD_TIME + "\ntitle: bad\nopened_at: "
                + q("2026" + h) + "\n", "plant bad time", "Mal");
        java.util.Map<String, String> env = java.util.Map.of("IR_AUTHOR", IrTester.ALICE, "HOME",
                IrTester.EMPTY_HOME.toString(), "GIT_CONFIG_NOSYSTEM", "1");
        ir.store.Backends backends = ir.store.Backends.kept();
        for (String[] args : new String[][] {{"list"}, {"show", "-i", ID}, {"show", "-i", BAD_TIME}}) {
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            int code = ir.Daemon.run(t.clock(), backends, new ir.daemon.Server.Call(args, tmp, env, -1, ""), out,
                    err);
            IrTester.Result r = new IrTester.Result(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                    err.toString(java.nio.charset.StandardCharsets.UTF_8));
            String expected = args[args.length - 1].equals(BAD_TIME) ? "opened_at" : "t ^[]52";
            assertThat(r.out() + r.err()).as(r.toString()).contains(expected);
            assertInert(r);
        }
    }

    /** No byte below 0x20 but newline and tab, no DEL, no C1 control and no bidi override on either stream. */
    static void assertInert(IrTester.Result r) {
        for (String stream : new String[] {r.out(), r.err()}) {
            for (int i = 0; i < stream.length(); i++) {
                char c = stream.charAt(i);
                boolean bad = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f
                        || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
                assertThat(bad).as("U+%04X at %d in:\n%s", (int) c, i, r).isFalse();
            }
        }
    }

    private void plant(String path, String content, String subject, String author) throws Exception {
        Path file = tmp.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        try (Git git = Git.open(tmp.toFile())) {
            git.add().addFilepattern(path).call();
            RevCommit c = git.commit().setMessage(subject).setAuthor(author, "m@example.com")
                    .setCommitter("Mal", "m@example.com").call();
            assertThat(c.getShortMessage()).isEqualTo(subject.replace('\n', ' '));
        }
    }

    /** {@code s} as a YAML double-quoted scalar, every character an escape. */
    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
        return b.append('"').toString();
    }
}
