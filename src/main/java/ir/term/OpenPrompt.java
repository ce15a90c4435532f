package ir.term;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.store.IncidentStore;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Set;

/**
 * The questions {@code ir open} asks on a terminal when the title or severity was left out: the title, the severity
 * (TAB completes, with the descriptions from {@code ir.yaml}) and the commander (the user unless they name someone).
 * Only called when a person is at a terminal and {@code --no-input} is not set; scripts never get here.
 */
public final class OpenPrompt {
    /** What the person answered; {@code commander} is null for none. */
    public record Answers(String title, String severity, String commander) {
    }

    private OpenPrompt() {
    }

    /** Asks for what is missing (null arguments); values already given are kept without asking. */
    public static Answers ask(Env env, IncidentStore store, String title, String severity, String commander) {
        Terminal terminal = Terminals.open(env, true);
        try {
            PrintWriter out = terminal.writer();
            IrConfig config = store.config();
            String t = title;
            while (t == null || t.isBlank()) {
                t = read(terminal, "Title (what is broken, in a few words): ", null).strip();
                if (t.isEmpty()) {
                    out.println("A title is needed, e.g. Checkout latency spike (Ctrl-C cancels).");
                }
            }
            String sev = severity;
            if (sev == null) {
                String dflt = config.severity(null);
                out.println("Severity, most severe first (TAB completes):");
                int w = config.severities().stream().mapToInt(s -> s.name().length()).max().orElse(5) + 2;
                for (IrConfig.Severity s : config.severities()) {
                    out.println("  " + s.name() + " ".repeat(w - s.name().length())
                            + (s.description() == null ? "" : s.description()));
                }
                Completer severities = (reader, line, candidates) -> config.severities().forEach(s ->
                        candidates.add(new Candidate(s.name(), s.name(), null, s.description(), null, null, true)));
                while (sev == null) {
                    String answer = read(terminal, "Severity [" + dflt + "]: ", severities).strip();
                    try {
                        sev = answer.isEmpty() ? dflt : config.severity(answer);
                    } catch (IrException e) {
                        out.println("ir: " + e.getMessage());
                    }
                }
            }
            String cmdr = commander;
            if (cmdr == null) {
                String me = store.author();
                Set<String>[] people = new Set[1];
                Completer completer = (reader, line, candidates) -> {
                    if (people[0] == null) {
                        people[0] = People.seen(store);
                    }
                    people[0].forEach(p -> candidates.add(new Candidate(p, p, null, null, null, null, true)));
                };
                String answer = read(terminal, "Commander [" + me + "] ('none' for nobody yet): ", completer)
                        .strip();
                cmdr = answer.isEmpty() ? me : answer.equalsIgnoreCase("none") ? null : unquote(answer);
            }
            out.flush();
            return new Answers(t, sev, cmdr);
        } finally {
            try {
                terminal.close();
            } catch (IOException e) {
                // best effort: the terminal's settings are restored when possible
            }
        }
    }

    private static String read(Terminal terminal, String prompt, Completer completer) {
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        parser.setEscapeChars(null);
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("ir").parser(parser)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.DISABLE_HISTORY, true);
        if (completer != null) {
            b.completer(completer);
        }
        try {
            return b.build().readLine(prompt);
        } catch (UserInterruptException | EndOfFileException e) {
            throw new IrException(ExitCode.FAILURE, "cancelled: nothing was declared");
        }
    }

    /** A completed name comes back in quotes ('Alice <alice@example.com>'); the quotes are not part of it. */
    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1).strip();
        }
        return s;
    }
}
