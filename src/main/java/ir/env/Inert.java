package ir.env;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The one rule for text that reaches a terminal: control characters are shown, never obeyed. Incident files,
 * {@code ir.yaml} and commit subjects come from clones of other people's repositories, and an escape sequence in any
 * of them (in a title, an author, an entry, a value quoted in an error) could otherwise set the clipboard (OSC 52),
 * retitle the window, clear the screen or move the cursor to hide or forge lines.
 *
 * <p>{@link Env} wraps both of its streams with {@link #printWriter}, so every command's output and every warning and
 * error pass through here, whoever builds the message. C0 controls other than newline and tab, and DEL, are shown as
 * {@code ^X} (as {@code cat -v} does: ESC is {@code ^[}); C1 controls and the Unicode bidirectional overrides and
 * isolates (which reorder what a line appears to say) as {@code ?}. {@code --json} output is unchanged by this: it
 * escapes all of these itself, so it stays exact.
 */
public final class Inert {
    private Inert() {
    }

    /** True for a character this class never lets through to a terminal. */
    public static boolean unsafe(char c) {
        if (c < 0x20) {
            return c != '\n' && c != '\t';
        }
        if (c < 0x7f) {
            return false;
        }
        return c <= 0x9f || c >= 0x202a && (c <= 0x202e || c >= 0x2066 && c <= 0x2069);
    }

    /** {@code s} as it is shown on a terminal: itself when it holds nothing unsafe. */
    public static String text(CharSequence s) {
        int n = s.length();
        int i = 0;
        while (i < n && !unsafe(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s.toString();
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            append(b, s.charAt(i));
        }
        return b.toString();
    }

    private static void append(StringBuilder b, char c) {
        if (!unsafe(c)) {
            b.append(c);
        } else if (c < 0x20 || c == 0x7f) {
            b.append('^').append((char) (c ^ 0x40));
        } else {
            b.append('?');
        }
    }

    /**
     * A writer that prints to {@code target} what {@link #text} shows; {@code target} itself when it is one already.
     * Flushing is {@code target}'s own: a line ends with {@code target.println()}, so it flushes exactly when
     * {@code target} would have.
     */
    public static PrintWriter printWriter(PrintWriter target) {
        return target instanceof Filter ? target : new Filter(target);
    }

    /** Sanitises on the way through; checking a clean string is one pass over it, with no copy. */
    private static final class Filter extends PrintWriter {
        private final PrintWriter target;

        Filter(PrintWriter target) {
            super(target, false);
            this.target = target;
        }

        @Override
        public void write(int c) {
            char ch = (char) c;
            if (!unsafe(ch)) {
                target.write(c);
            } else {
                target.write(text(String.valueOf(ch)));
            }
        }

        @Override
        public void write(char[] buf, int off, int len) {
            int end = off + len;
            for (int i = off; i < end; i++) {
                if (unsafe(buf[i])) {
                    target.write(text(new String(buf, off, len)));
                    return;
                }
            }
            target.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            int end = off + len;
            for (int i = off; i < end; i++) {
                if (unsafe(s.charAt(i))) {
                    target.write(text(s.substring(off, end)));
                    return;
                }
            }
            target.write(s, off, len);
        }

        @Override
        public void println() {
            target.println();
        }

        @Override
        public PrintWriter format(String format, Object... args) {
            return format(Locale.getDefault(Locale.Category.FORMAT), format, args);
        }

        @Override
        public PrintWriter format(Locale l, String format, Object... args) {
            target.format("%s", text(String.format(l, format, args))); // target flushes as its own format would
            return this;
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            target.close();
        }

        @Override
        public boolean checkError() {
            return target.checkError();
        }
    }
}
