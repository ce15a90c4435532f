package ir.cli;

/** Small helpers for text shown to people. */
final class Text {
    private Text() {
    }

    /** The first line of {@code s}, cut to {@code max} characters with an ellipsis. */
    static String firstLine(String s, int max) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        boolean more = nl >= 0;
        if (more) {
            t = t.substring(0, nl).stripTrailing();
        }
        if (t.length() > max) {
            return t.substring(0, max - 3) + "...";
        }
        return more ? t + " ..." : t;
    }

    /**
     * {@code s} safe to print on a terminal: control characters other than newline and tab are shown as {@code ^X}
     * (as {@code cat -v} does). Incident files come from clones of other people's repositories, and an escape
     * sequence in a timeline entry could otherwise retitle the terminal, rewrite lines or set the clipboard.
     */
    static String forTerminal(CharSequence s) {
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
            char c = s.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append('^').append((char) (c ^ 0x40));
            } else {
                b.append('?');
            }
        }
        return b.toString();
    }

    /** Appends {@code s} to {@code sb} as {@link #forTerminal} would show it; a null adds nothing. */
    static StringBuilder appendSafe(StringBuilder sb, String s) {
        if (s == null) {
            return sb;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (unsafe(s.charAt(i))) {
                return sb.append(forTerminal(s));
            }
        }
        return sb.append(s);
    }

    private static boolean unsafe(char c) {
        return c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
    }

    static String pad(String s, int width) {
        String t = s == null ? "" : s;
        return t.length() >= width ? t : t + " ".repeat(width - t.length());
    }
}
