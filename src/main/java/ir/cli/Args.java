package ir.cli;

import ir.model.IrException;
import ir.model.Times;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Shared handling of the arguments the response commands take: {@code --at} times and free text. */
final class Args {
    /** Longer than any field a person writes; keeps a mistaken pipe from bloating the file. */
    static final int MAX_TEXT = 64 * 1024;

    private Args() {
    }

    /** {@code --at}, or now (to the second) when absent. */
    static Instant at(String at, Clock clock) {
        return at == null ? clock.instant().truncatedTo(ChronoUnit.SECONDS) : Times.parse(at, clock, "--at");
    }

    /** Words joined with spaces; a single {@code -} reads the text (multi-line kept) from {@code in}. Null if none. */
    static String text(List<String> words, InputStream in) {
        if (words == null || words.isEmpty()) {
            return null;
        }
        String text = words.size() == 1 && words.get(0).equals("-") ? Stdin.read(in, MAX_TEXT)
                : String.join(" ", words).strip();
        if (text.length() > MAX_TEXT) {
            throw IrException.usage("the text is " + text.length() + " characters, over " + MAX_TEXT
                    + ": link to long documents instead of pasting them");
        }
        return text.isBlank() ? null : text;
    }
}
