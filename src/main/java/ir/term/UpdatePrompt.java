package ir.term;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.IrException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The questions {@code ir update} asks on a terminal for the parts of an update that were neither given nor can be
 * taken from the incident (the needs of an internal update, an executive update's next steps, ...). An empty answer
 * leaves the part out. Only called when a person is at a terminal and {@code --no-input} is not set.
 */
public final class UpdatePrompt {
    private UpdatePrompt() {
    }

    /** Asks each question ({@code key} to prompt text) in order; the answers by key, null for an empty one. */
    public static Map<String, String> ask(Env env, Map<String, String> questions) {
        Map<String, String> answers = new LinkedHashMap<>();
        if (questions.isEmpty()) {
            return answers;
        }
        Terminal terminal = Terminals.open(env, true);
        try {
            terminal.writer().println("Empty answers are left out of the update (Ctrl-C cancels).");
            DefaultParser parser = new DefaultParser();
            parser.setEofOnUnclosedQuote(false);
            parser.setEscapeChars(null);
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("ir").parser(parser)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .variable(LineReader.DISABLE_HISTORY, true).build();
            questions.forEach((key, prompt) -> {
                try {
                    String a = reader.readLine(prompt + ": ").strip();
                    answers.put(key, a.isEmpty() ? null : a);
                } catch (UserInterruptException | EndOfFileException e) {
                    throw new IrException(ExitCode.FAILURE, "cancelled: no update was recorded");
                }
            });
            terminal.writer().flush();
            return answers;
        } finally {
            try {
                terminal.close();
            } catch (IOException e) {
                // best effort: the terminal's settings are restored when possible
            }
        }
    }
}
