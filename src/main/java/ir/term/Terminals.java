package ir.term;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.IrException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.NonBlockingInputStream;
import org.jline.utils.WriterOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
                // UTF-8 whatever the locale says, as everything else ir reads and writes.
                return TerminalBuilder.builder().name("ir").system(true).encoding(StandardCharsets.UTF_8)
                        .nativeSignals(true).signalHandler(Terminal.SignalHandler.SIG_IGN).build();
            }
            DumbTerminal t = new DumbTerminal("ir", Terminal.TYPE_DUMB, new BlockingInput(env.in()),
                    new WriterOutputStream(env.out(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            // Behave like a terminal's line discipline: Ctrl-C cancels the line, Ctrl-D on an empty line ends.
            Attributes a = t.getAttributes();
            a.setLocalFlag(Attributes.LocalFlag.ISIG, true);
            a.setControlChar(Attributes.ControlChar.VINTR, 3);
            a.setControlChar(Attributes.ControlChar.VEOF, 4);
            // with ISIG on, unset control characters would match the end of input and loop
            a.setControlChar(Attributes.ControlChar.VQUIT, 28);
            a.setControlChar(Attributes.ControlChar.VSUSP, 26);
            a.setControlChar(Attributes.ControlChar.VSTATUS, 20);
            t.setAttributes(a);
            return t;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot open the terminal: " + e.getMessage(), e);
        }
    }

    /**
     * A stream read as it comes: JLine's own wrapper reads through a helper thread and, on an in-memory stream, never
     * reports its end. Timeouts (for escape sequences) are not needed when the input is not typed live.
     */
    private static final class BlockingInput extends NonBlockingInputStream {
        private final InputStream in;
        private int peeked = READ_EXPIRED;

        BlockingInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(long timeout, boolean isPeek) throws IOException {
            if (Thread.interrupted()) {
                // how JLine's reader learns of Ctrl-C (it interrupts the reading thread): cancel the line
                throw new InterruptedIOException();
            }
            if (peeked == READ_EXPIRED) {
                peeked = in.read();
            }
            int c = peeked;
            if (!isPeek) {
                peeked = READ_EXPIRED;
            }
            return c;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
