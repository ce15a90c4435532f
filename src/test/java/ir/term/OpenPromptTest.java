package ir.term;

import com.fasterxml.jackson.databind.JsonNode;
import ir.cli.Cli;
import ir.env.Env;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir open} on a terminal asks for what was left out; without one it never waits for input. */
@Timeout(60)
class OpenPromptTest {
    @TempDir
    Path dir;

    /** Runs ir as a person at a terminal would: interactive, with {@code typed} as what they type. */
    private Result atTerminal(IrTester t, String typed, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Env env = new Env(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), t.clock(), dir,
                Map.of("IR_AUTHOR", IrTester.ALICE), true);
        int code = Cli.run(env, args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The ID printed last (the dumb terminal does not echo the Enter, so it follows the last prompt). */
    private static String idIn(Result r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}-[a-z0-9-]+$",
                java.util.regex.Pattern.MULTILINE).matcher(r.out());
        String id = null;
        while (m.find()) {
            id = m.group();
        }
        if (id == null) {
            throw new AssertionError("no incident ID printed: " + r);
        }
        return id;
    }

    @Test
    void asksForTitleSeverityAndCommanderWhenNothingIsGiven() {
        IrTester t = IrTester.workspace(dir);

        Result r = atTerminal(t, "Checkout latency spike\nSEV-2\n\n", "open");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Title").contains("Severity [SEV-3]")
                .contains("SEV-1").contains("Commander [" + IrTester.ALICE + "]");
        String id = idIn(r);
        JsonNode yaml = t.yaml(id);
        assertThat(yaml.path("title").asText()).isEqualTo("Checkout latency spike");
        assertThat(yaml.path("severity").asText()).isEqualTo("SEV-2");
        assertThat(yaml.path("roles").path("commander").asText()).isEqualTo(IrTester.ALICE);
        assertThat(t.commits()).hasSize(2);
    }

    @Test
    void unknownSeverityIsExplainedAndAskedAgainAndNoneLeavesNoCommander() {
        IrTester t = IrTester.workspace(dir);

        Result r = atTerminal(t, "SEV-9\n1\nnone\n", "open", "Payments", "down");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ir: unknown severity 'SEV-9': use one of SEV-1, SEV-2, SEV-3, SEV-4, SEV-5");
        JsonNode yaml = t.yaml(idIn(r));
        assertThat(yaml.path("title").asText()).isEqualTo("Payments down");
        assertThat(yaml.path("severity").asText()).isEqualTo("SEV-1");
        assertThat(yaml.has("roles")).isFalse();
    }

    @Test
    void enterKeepsTheDefaultSeverityAndAGivenCommanderIsNotAskedFor() {
        IrTester t = IrTester.workspace(dir);

        Result r = atTerminal(t, "\n", "open", "Search is slow", "--commander", "Bob <bob@example.com>");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("Commander [");
        JsonNode yaml = t.yaml(idIn(r));
        assertThat(yaml.path("severity").asText()).isEqualTo("SEV-3");
        assertThat(yaml.path("roles").path("commander").asText()).isEqualTo("Bob <bob@example.com>");
    }

    @Test
    void withTitleAndSeverityGivenNothingIsAsked() {
        IrTester t = IrTester.workspace(dir);

        Result r = atTerminal(t, "", "open", "Search is slow", "--severity", "SEV-4");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.yaml(r.out().strip()).path("severity").asText()).isEqualTo("SEV-4");
        assertThat(t.yaml(r.out().strip()).has("roles")).isFalse();
    }

    @Test
    void endOfInputWhileAskingCancelsAndChangesNothing() {
        IrTester t = IrTester.workspace(dir);
        int before = t.commits().size();

        Result r = atTerminal(t, "Half a title", "open");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ir: cancelled: nothing was declared\n");
        assertThat(t.commits()).hasSize(before);
        assertThat(t.clean()).isTrue();
    }

    @Test
    void withoutATerminalAMissingTitleIsAUsageErrorAndNothingIsAsked() {
        IrTester t = IrTester.workspace(dir);
        int before = t.commits().size();

        Result r = t.runWithInput("Checkout latency spike\nSEV-2\n\n", "open");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: missing the title: say in a few words what is broken").hasLineCount(1);
        assertThat(r.out()).isEmpty();
        assertThat(t.commits()).hasSize(before);
        assertThat(t.clean()).isTrue();
    }

    @Test
    void noInputOnATerminalNeverAsks() {
        IrTester t = IrTester.workspace(dir);
        int before = t.commits().size();

        Result r = atTerminal(t, "Checkout latency spike\nSEV-2\n\n", "open", "--no-input");
        Result r2 = atTerminal(t, "SEV-1\n", "--no-input", "open", "Search is slow");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: missing the title").hasLineCount(1);
        assertThat(r2.exit()).as(r2.toString()).isZero();
        assertThat(t.yaml(r2.out().strip()).path("severity").asText()).isEqualTo("SEV-3");
        assertThat(t.commits()).hasSize(before + 1);
    }

    @Test
    void anEmptyTitleIsStillRefusedWithoutATerminal() {
        IrTester t = IrTester.workspace(dir);
        int before = t.commits().size();

        Result r = t.run("open", "  ");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: the title is empty").hasLineCount(1);
        assertThat(t.commits()).hasSize(before);
    }
}
