package ir.term;

import ir.testing.Fixtures;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ir shell} on a real terminal (util-linux {@code script}) writes to the terminal itself, not through the
 * command's streams: what it shows from the repository (another responder's entry, the prompt's status) is inert too.
 */
@Timeout(180)
class ShellInertTest {
    static final String CLIPBOARD = "\u001b]52;c;ZXZpbA==\u0007";
    static final String TITLE = "\u001b]0;pwned\u0007";

    @TempDir
    Path dir;

    @Test
    void anotherRespondersEntryAndAHostileStatusReachTheTerminalInertly() throws Exception {
        assumeTrue(utilLinuxScript(), "needs util-linux 'script' to make a pseudo-terminal");
        IrTester t = IrTester.workspace(dir);
        String id = Fixtures.write(t, "2026-11-28-hostile", "schema: 1\nid: 2026-11-28-hostile\ntitle: hostile\n"
                + "severity: SEV-2\nstatus: \"investigating\\e]0;pwned\\a\"\nopened_at: 2026-11-28T10:00:00Z\n");
        int before = t.commits().size();

        Process p = ir.testing.Pty.shell(dir, IrTester.ALICE);
        StringBuffer screen = new StringBuffer();
        ir.testing.Pty.collect(p.getInputStream(), screen);
        OutputStream keys = p.getOutputStream();
        try {
            waitFor(() -> screen.toString().contains("> "), "the prompt", screen);
            IrTester.Result bob = t.env("IR_AUTHOR", "Bob Oncall <bob@example.com>").run("log", "-i", id,
                    "bob " + CLIPBOARD + " restarted");
            assertThat(bob.exit()).as(bob.toString()).isZero();
            type(keys, "alice entry\r");
            waitFor(() -> t.commits().size() == before + 2, "alice's commit", screen);
            waitFor(() -> screen.toString().contains("restarted"), "bob's entry shown", screen);
            // Ctrl-D only at the prompt after alice's line: between lines the terminal is in cooked mode, and its line
            // discipline would take a Ctrl-D for itself
            waitFor(() -> {
                String s = screen.toString();
                return s.indexOf("> ", s.lastIndexOf("alice entry") + "alice entry".length()) >= 0;
            }, "the prompt after alice's line", screen);
            type(keys, "\u0004");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("shell left on Ctrl-D:\n" + screen).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String shown = screen.toString();
        assertThat(shown).contains("bob ^[]52;c;ZXZpbA==^G restarted", "investigating^[]0;pwned^G")
                .doesNotContain(CLIPBOARD, TITLE, "\u0007");
    }

    private static boolean utilLinuxScript() {
        try {
            Process p = new ProcessBuilder("script", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && v.contains("util-linux");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void type(OutputStream keys, String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what, StringBuffer screen)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the terminal showed:\n" + screen);
            }
            Thread.sleep(50);
        }
    }
}
