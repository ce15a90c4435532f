package ir.cli;

import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Free text from the command line, read the same way by every command that takes it ({@code log}, {@code status},
 * {@code resolve}, {@code reopen}, {@code set}, {@code add}, {@code action add}, {@code open}, {@code role},
 * {@code severity --reason}): the words joined with spaces, or with a single {@code -} the text piped in (inner lines
 * kept); stripped; at most {@link #MAX} characters.
 */
final class TextArgs {
    /** Far more than a person types into a field; keeps a mistaken pipe from bloating the file. */
    static final int MAX = 64 * 1024;

    private TextArgs() {
    }

    /** The words' text (a single {@code -} reads {@code in}), or null when there are none or they are blank. */
    static String optional(List<String> words, InputStream in) {
        return text(words, in, "the text");
    }

    /**
     * The words' text, as {@link #optional}; none or blank is refused as "{@code what} is empty: {@code hint}", where
     * the hint gives this command's example.
     */
    static String required(List<String> words, InputStream in, String what, String hint) {
        String text = text(words, in, what);
        if (text == null) {
            throw IrException.usage(what + " is empty: " + hint);
        }
        return text;
    }

    /** Words joined with spaces and stripped, with no standard input (a title, a person); null when none or blank. */
    static String joined(List<String> words, String what) {
        String text = words == null ? "" : String.join(" ", words).strip();
        return text.isEmpty() ? null : bounded(text, what);
    }

    /** An option's text ({@code --reason}, {@code --summary}): stripped, or null when absent or blank. */
    static String option(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return bounded(value.strip(), name);
    }

    private static String text(List<String> words, InputStream in, String what) {
        if (words == null || words.isEmpty()) {
            return null;
        }
        String text = words.size() == 1 && words.get(0).equals("-") ? stdin(in) : String.join(" ", words).strip();
        return text.isBlank() ? null : bounded(text, what);
    }

    private static String bounded(String text, String what) {
        if (text.length() > MAX) {
            throw IrException.usage(what + " is " + text.length() + " characters, over " + MAX
                    + ": link to long output or documents instead of pasting them");
        }
        return text;
    }

    /** What is piped in for {@code -}: bounded, CRLF as LF, leading blank lines and trailing space removed. */
    static String stdin(InputStream in) {
        try {
            byte[] b = in.readNBytes(MAX * 4 + 1);
            if (b.length > MAX * 4) {
                throw IrException.usage("standard input is longer than " + MAX + " characters: link to long "
                        + "output instead of pasting it");
            }
            String s = new String(b, StandardCharsets.UTF_8).replace("\r\n", "\n");
            return s.stripTrailing().replaceAll("^\\n+", "");
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read standard input: " + e.getMessage(), e);
        }
    }
}
