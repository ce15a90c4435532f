package ir.term;

import ir.cli.Env;
import ir.model.ExitCode;
import ir.model.IrException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.WriterOutputStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Opens the JLine terminal for a command: the real one when a person is at it, else one over the env's streams. */
final class Terminals {
    private Terminals() {
    }

    /**
     * The system terminal when {@code interactive} and {@code env} reads the process's own stdin; otherwise a dumb
     * terminal that reads {@code env.in()} and writes {@code env.out()}, so tests and pipes drive the same code.
     */
    static Terminal open(Env env, boolean interactive) {
        try {
            if (interactive && env.in() == System.in) {
                // Ctrl-C while a command commits is ignored (the reader turns it into "cancel the line" while
                // reading), so an accepted entry is never cut off half-way.
                return TerminalBuilder.builder().name("ir").system(true).nativeSignals(true)
                        .signalHandler(Terminal.SignalHandler.SIG_IGN).build();
            }
            return new DumbTerminal("ir", Terminal.TYPE_DUMB, env.in(),
                    new WriterOutputStream(env.out(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot open the terminal: " + e.getMessage(), e);
        }
    }
}
