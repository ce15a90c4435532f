package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.env.Env;
import ir.model.IrException;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The options and arguments many commands share: {@code --at} ({@link AtOption}) and free text
 * ({@link TextArgs}). Each is declared once, so each command must read it, document it and refuse it the same way.
 */
class SharedArgumentsTest {
    private static final String LONG = "x".repeat(TextArgs.MAX + 1);

    @TempDir
    Path dir;

    IrTester ir;
    String id;

    @BeforeEach
    void openIncident() {
        ir = IrTester.workspace(dir).at("2015-10-21T15:01:30Z");
        id = ir.open("Sonnet search down", "--severity", "SEV-2", "--at", "15:01");
        ir.at("2015-10-21T15:30:00Z");
    }

    /** The type of the timeline event recorded at {@code rfc3339}, or null. */
    private String eventAt(String incident, String rfc3339) {
        for (JsonNode e : ir.yaml(incident).get("timeline")) {
            if (e.get("at").asText().equals(rfc3339)) {
                return e.get("type").asText();
            }
        }
        return null;
    }

    // ---- --at ----------------------------------------------------------------------------------------------------

    @Test
    void everyCommandThatRecordsSomethingRecordsItAtTheTimeGivenWithAt() {
        ok(ir.run("log", "db failover started", "--at", "15:10"));
        ok(ir.run("severity", "1", "--at", "15:11"));
        ok(ir.run("role", "commander", "me", "--at", "15:12"));
        ok(ir.run("status", "identified", "--at", "15:13", "bad", "config"));
        ok(ir.run("mark", "detected", "--at", "15:14"));
        String action = ok(ir.run("action", "add", "roll", "back", "--at", "15:15")).out().strip();
        ok(ir.run("action", "done", action, "--at", "15:16"));
        ok(ir.run("resolve", "--at", "15:17"));
        ok(ir.run("reopen", "errors", "are", "back", "--at", "15:18"));
        String other = ok(ir.run("open", "Failover drill", "--drill", "--at", "15:19")).out().strip();

        assertThat(eventAt(id, "2015-10-21T15:10:00Z")).isEqualTo("note");
        assertThat(eventAt(id, "2015-10-21T15:11:00Z")).isEqualTo("severity");
        assertThat(eventAt(id, "2015-10-21T15:12:00Z")).isEqualTo("role");
        assertThat(eventAt(id, "2015-10-21T15:13:00Z")).isEqualTo("status");
        assertThat(eventAt(id, "2015-10-21T15:14:00Z")).isEqualTo("milestone");
        assertThat(eventAt(id, "2015-10-21T15:15:00Z")).isEqualTo("action-item");
        assertThat(eventAt(id, "2015-10-21T15:16:00Z")).isEqualTo("action-item");
        assertThat(eventAt(id, "2015-10-21T15:17:00Z")).isEqualTo("status");
        assertThat(eventAt(id, "2015-10-21T15:18:00Z")).isEqualTo("status");
        assertThat(ir.yaml(other).get("opened_at").asText()).isEqualTo("2015-10-21T15:19:00Z");
        // Left out, it is now to the second.
        ok(ir.at("2015-10-21T15:31:07.250Z").run("log", "-i", id, "now"));
        assertThat(eventAt(id, "2015-10-21T15:31:07Z")).isEqualTo("note");
    }

    @ParameterizedTest
    @ValueSource(strings = {"log x", "severity 1", "role commander me", "status identified", "resolve", "reopen why",
            "mark detected", "open Title", "action add x", "action done abcd", "window start", "window end"})
    void everyCommandRefusesABadAtTheSameWay(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--at", "25:99"));

        ir.assertRefused(2, "ir: invalid time for --at '25:99': use RFC 3339", args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"log", "severity", "role", "status", "resolve", "reopen", "mark", "open", "action add",
            "action done", "window start", "window end"})
    void everyCommandDocumentsAtOnceAndTheSameWay(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");

        Result r = ok(ir.run(args.toArray(String[]::new)));

        assertThat(r.out()).contains("--at=TIME").contains("When it happened (default: now). use RFC 3339");
    }

    /** The whole command tree, walked from the model: a command added later is covered without a list to update. */
    @Test
    void everyCommandsHelpEndsWithAnExample() {
        Env env = new Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                InputStream.nullInputStream(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), dir, Map.of(), false);
        List<String> paths = new ArrayList<>();
        collect(Cli.commandLine(env), "", paths);
        assertThat(paths).contains("log", "action add", "daemon");

        for (String path : paths) {
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            Result r = ok(ir.run(args.toArray(String[]::new)));
            assertThat(r.out()).as(path).contains("Usage: ir " + path).containsPattern("\\nExamples?[^\\n]*:\\n  \\S");
        }
    }

    private static void collect(CommandLine cl, String prefix, List<String> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            String path = prefix.isEmpty() ? name : prefix + " " + name;
            out.add(path);
            collect(sub, path, out);
        });
    }

    // ---- free text -----------------------------------------------------------------------------------------------

    @Test
    void everyTextArgumentIsBoundedWithOneMessage() {
        ir.assertRefused(2, "ir: the entry is 65537 characters, over 65536: link to long output or documents",
                "log", LONG);
        ir.assertRefused(2, "ir: the text is 65537 characters", "status", "identified", LONG);
        ir.assertRefused(2, "ir: the text is 65537 characters", "resolve", LONG);
        ir.assertRefused(2, "ir: the value is 65537 characters", "set", "summary", LONG);
        ir.assertRefused(2, "ir: the went-well entry is 65537 characters", "add", "went-well", LONG);
        ir.assertRefused(2, "ir: the action item is 65537 characters", "action", "add", LONG);
        ir.assertRefused(2, "ir: the person is 65537 characters", "role", "commander", LONG);
        ir.assertRefused(2, "ir: --reason is 65537 characters", "severity", "1", "--reason", LONG);
        ir.assertRefused(2, "ir: the title is 65537 characters", "open", LONG);
        ir.assertRefused(2, "ir: --summary is 65537 characters", "open", "Title", "--summary", LONG);
        ir.assertRefusedWithInput(LONG, 2, "ir: the entry is 65537 characters", "log", "-");
        ir.assertRefusedWithInput("x".repeat(4 * TextArgs.MAX + 1), 2,
                "ir: standard input is longer than 65536 characters", "log", "-");
    }

    @Test
    void blankTextIsRefusedWithTheCommandsOwnExample() {
        ir.assertRefused(2, "ir: the entry is empty: say what happened, e.g. ir log ", "log", " ");
        ir.assertRefusedWithInput("\n\n", 2, "ir: the entry is empty: say what happened, e.g. ir log ", "log", "-");
        ir.assertRefused(2, "ir: the value is empty: give the text, e.g. ir set summary ", "set", "summary", " ");
        ir.assertRefused(2, "ir: the went-well entry is empty: say what, e.g. ir add went-well ", "add", "went-well",
                " ");
        ir.assertRefused(2, "ir: the action item is empty: say what is to be done, e.g. ir action add ", "action",
                "add", " ");
        ir.assertRefused(2, "ir: the title is empty: say in a few words what is broken, e.g. ir open ", "open", " ");
        ir.assertRefused(2, "ir: say who takes commander, e.g. ir role commander ", "role", "commander", " ");
    }

    @Test
    void dashReadsStandardInputForEveryTextArgument() {
        ok(ir.runWithInput("\r\n\r\nline one\r\nline two\r\n\n", "status", "identified", "-"));
        ok(ir.runWithInput("root\ncause\n", "set", "root-cause", "-"));
        ok(ir.runWithInput("the pager\nworked\n", "add", "went-well", "-"));
        String action = ok(ir.runWithInput("add a\ncanary\n", "action", "add", "-")).out().strip();

        JsonNode doc = ir.yaml(id);
        List<String> texts = new ArrayList<>();
        doc.get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).anyMatch(t -> t.endsWith("line one\nline two"));
        assertThat(doc.get("root_cause").asText()).isEqualTo("root\ncause");
        assertThat(doc.get("went_well").get(0).asText()).isEqualTo("the pager\nworked");
        assertThat(doc.get("actions").get(0).get("id").asText()).isEqualTo(action);
        assertThat(doc.get("actions").get(0).get("text").asText()).isEqualTo("add a\ncanary");
    }

    @Test
    void blankOptionalTextIsLeftOut() {
        ok(ir.run("severity", "1", "--reason", "  "));
        String other = ok(ir.run("open", "Second", "--summary", " ")).out().strip();

        assertThat(ir.yaml(id).get("timeline").get(1).get("text").asText()).isEqualTo("Escalated SEV-2 -> SEV-1");
        assertThat(ir.yaml(other).has("summary")).isFalse();
    }

    // ---- TextArgs as a table -------------------------------------------------------------------------------------

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textArgsTable() {
        InputStream none = InputStream.nullInputStream();
        assertThat(TextArgs.optional(null, none)).isNull();
        assertThat(TextArgs.optional(List.of(), none)).isNull();
        assertThat(TextArgs.optional(List.of(" ", ""), none)).isNull();
        assertThat(TextArgs.optional(List.of(" a", "b "), none)).isEqualTo("a b");
        assertThat(TextArgs.optional(List.of("-"), in("\n\n  one\r\ntwo  \n\n"))).isEqualTo("  one\ntwo");
        assertThat(TextArgs.optional(List.of("-", "-"), in("ignored"))).isEqualTo("- -");
        assertThat(TextArgs.optional(List.of("-"), in(" \n\t\n"))).isNull();
        assertThat(TextArgs.optional(List.of("x".repeat(TextArgs.MAX)), none)).hasSize(TextArgs.MAX);
        assertThat(TextArgs.joined(List.of("Alice", "<alice@example.com>"), "the person"))
                .isEqualTo("Alice <alice@example.com>");
        assertThat(TextArgs.joined(List.of("-"), "the person")).isEqualTo("-");
        assertThat(TextArgs.joined(List.of("  "), "the person")).isNull();
        assertThat(TextArgs.option(" why \n", "--reason")).isEqualTo("why");
        assertThat(TextArgs.option(" ", "--reason")).isNull();
        assertThat(TextArgs.option(null, "--reason")).isNull();
        assertThatThrownBy(() -> TextArgs.required(List.of(" "), none, "the entry", "say what happened"))
                .isInstanceOf(IrException.class).hasMessage("the entry is empty: say what happened");
        assertThatThrownBy(() -> TextArgs.optional(List.of(LONG), none))
                .hasMessageStartingWith("the text is 65537 characters, over 65536");
    }
}
