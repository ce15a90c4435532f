package ir.term;

import ir.cli.Cli;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shell's prompt says when {@code ir check} would find something due. */
class ShellDueTest {
    @TempDir
    Path dir;

    private String prompt(IrTester t, String id) throws Exception {
        try (var store = new ir.store.GitIncidentStore(ir.store.Workspace.discover(dir, null, null),
                ir.store.Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)));
             var terminal = new org.jline.terminal.impl.DumbTerminal("test", "dumb", java.io.InputStream
                     .nullInputStream(), java.io.OutputStream.nullOutputStream(), StandardCharsets.UTF_8)) {
            ir.env.Env env = new ir.env.Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    java.io.InputStream.nullInputStream(), t.clock(), dir, Map.of(), false);
            return new Shell(env, store, terminal, id, false, Cli::commandLine).prompt();
        }
    }

    @Test
    void thePromptShowsWhatIsDue() throws Exception {
        IrTester t = IrTester.workspace(dir);
        String id = t.open("Checkout down", "--severity", "SEV-2");
        t.advance(Duration.ofMinutes(2));
        assertThat(prompt(t, id)).endsWith("investigating 2m> ");
        t.run("update", "--audience", "public", "--next", "1h");
        t.advance(Duration.ofMinutes(4));
        assertThat(prompt(t, id)).endsWith("investigating 6m commander due> ");
        t.advance(Duration.ofHours(1));
        // The commander, the public update promised for 1h, and SEV-2's two checklist steps due within 10m.
        assertThat(prompt(t, id)).endsWith(" 4 due> ");
    }
}
