package ir.term;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ir shell} in a real pseudo-terminal, typed into as a person would, through util-linux {@code script}: the
 * system terminal, raw-mode line editing, TAB completion of a severity with its description, Ctrl-D to leave.
 */
@Timeout(180)
class ShellTerminalTest {
    @TempDir
    Path dir;

    private static boolean utilLinuxScript() {
        try {
            Process p = new ProcessBuilder("script", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && v.contains("util-linux");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void typingInAPseudoTerminalCommitsEntriesAndTabCompletesSeverities() throws Exception {
        assumeTrue(utilLinuxScript(), "needs util-linux 'script' to make a pseudo-terminal");
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        int before = t.commits().size();

        Process p = ir.testing.Pty.shell(dir, IrTester.ALICE);
        Screen screen = new Screen(p.getInputStream());
        OutputStream keys = p.getOutputStream();
        try {
            screen.waitFor(s -> s.contains("investigating") && s.contains("> "), "the prompt");

            type(keys, "a typo that is cancelled");
            screen.waitFor(s -> s.contains("a typo that is cancelled"), "the typo echoed");
            int prompts = screen.count("investigating");
            type(keys, "\u0003");
            // a terminal drops what is typed together with Ctrl-C, as a person would pause: wait for the new prompt
            screen.waitFor(s -> screen.count("investigating") > prompts, "a fresh prompt after Ctrl-C");
            type(keys, "db failover started\r");
            waitFor(() -> t.commits().size() == before + 1, "the entry's commit");

            type(keys, "/sev SEV-\t");
            screen.waitFor(s -> s.contains("SEV-5") && s.contains("Cosmetic"), "severities listed with descriptions");
            type(keys, "1\r");
            if (hasSeverityCommand()) {
                waitFor(() -> t.yaml(id).path("severity").asText().equals("SEV-1"), "the severity change");
            } else {
                screen.waitFor(s -> s.contains("unknown command '/sev'"), "the unknown command error");
            }

            type(keys, "/sh\t");
            screen.waitFor(s -> s.contains("/show "), "/sh completed to /show");
            type(keys, "\r");
            screen.waitFor(s -> s.contains("Timeline"), "the incident shown");
            // Ctrl-D only at the next prompt: between two lines the terminal is back in cooked mode, where the line
            // discipline takes a Ctrl-D at the start of a line for itself and the shell never sees it
            screen.waitFor(s -> s.substring(s.lastIndexOf("Timeline")).contains("latency-spike SEV-1 investigating"),
                    "the prompt after /show");

            type(keys, "\u0004");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("shell left on Ctrl-D:\n" + screen.text()).isTrue();
            assertThat(p.exitValue()).as(screen.text()).isZero();
        } finally {
            p.destroyForcibly();
        }

        JsonNode yaml = t.yaml(id);
        List<String> texts = new ArrayList<>();
        yaml.get("timeline").forEach(e -> texts.add(e.path("text").asText()));
        assertThat(texts).contains("db failover started").noneMatch(x -> x.contains("typo"));
        assertThat(t.commits().get(hasSeverityCommand() ? 1 : 0).getShortMessage())
                .isEqualTo(id + ": log note: db failover started");
        assertThat(Files.readString(dir.resolve(".git/ir/shell_history"))).contains("db failover started")
                .contains("/sev SEV-1");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void anotherClonesEntryAppearsAboveThePromptWithoutDisturbingTheLineBeingTyped() throws Exception {
        assumeTrue(utilLinuxScript(), "needs util-linux 'script' to make a pseudo-terminal");
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout latency spike", "--severity", "SEV-3");
        int before = t.commits().size();

        Process p = ir.testing.Pty.shell(dir, IrTester.ALICE);
        Screen screen = new Screen(p.getInputStream());
        OutputStream keys = p.getOutputStream();
        try {
            screen.waitFor(s -> s.contains("investigating") && s.contains("> "), "the prompt");
            type(keys, "rolled back the");
            screen.waitFor(s -> s.contains("rolled back the"), "the half-typed line echoed");

            // another responder's entry, committed by another process while nothing is typed here
            IrTester bob = IrTester.plainDir(dir).env("IR_AUTHOR", "Bob Oncall <bob@example.com>");
            IrTester.ok(bob.run("log", "-i", id, "cache restarted \u001B[2J by hand"));
            screen.waitFor(s -> s.contains("Bob Oncall: cache restarted ^[[2J by hand"), "bob's entry above the prompt");
            int prompts = screen.count("investigating");

            type(keys, " deploy\r");
            waitFor(() -> t.commits().size() == before + 2, "the typed line's commit");
            // Ctrl-D only once the next prompt is up: typed between prompts, the terminal's own line discipline
            // (not in raw mode then) would take it
            screen.waitFor(s -> screen.count("investigating") > prompts, "the prompt after the entry");
            type(keys, "\u0004");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("shell left on Ctrl-D:\n" + screen.text()).isTrue();
            assertThat(p.exitValue()).as(screen.text()).isZero();
            assertThat(prompts).as("the prompt redrawn below bob's entry").isGreaterThan(1);
            // shown once: above the prompt, not again before the next one
            assertThat(screen.count("cache restarted")).as(screen.text()).isEqualTo(1);
        } finally {
            p.destroyForcibly();
        }
        List<String> texts = new ArrayList<>();
        t.yaml(id).get("timeline").forEach(e -> texts.add(e.path("text").asText()));
        assertThat(texts).contains("rolled back the deploy");
    }

    private static boolean hasSeverityCommand() {
        ir.env.Env env = new ir.env.Env(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), InputStream.nullInputStream(),
                java.time.Clock.systemUTC(), Path.of("."), java.util.Map.of(), false);
        return ir.cli.Cli.commandLine(env).getSubcommands().containsKey("severity");
    }

    private static void type(OutputStream keys, String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Everything the terminal showed, collected as it comes. */
    private static final class Screen {
        private final StringBuffer text = new StringBuffer();

        Screen(InputStream in) {
            ir.testing.Pty.collect(in, text);
        }

        /** What was shown, without colours and cursor movements. */
        String text() {
            return text.toString().replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\u001B[=>]", "");
        }

        int count(String what) {
            String s = text();
            int n = 0;
            for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
                n++;
            }
            return n;
        }

        void waitFor(Predicate<String> condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!condition.test(text())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what + "; the terminal showed:\n" + text());
                }
                Thread.sleep(50);
            }
        }
    }
}
