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
     * {@code s} safe to print on a terminal (see {@link ir.env.Inert}, which every stream of {@link ir.env.Env}
     * applies as well): for text that is measured or cut before it is printed, so it is measured as it is shown.
     */
    static String forTerminal(CharSequence s) {
        return ir.env.Inert.text(s);
    }

    /** Appends {@code s} to {@code sb} as {@link #forTerminal} would show it; a null adds nothing. */
    static StringBuilder appendSafe(StringBuilder sb, String s) {
        if (s == null) {
            return sb;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (ir.env.Inert.unsafe(s.charAt(i))) {
                return sb.append(forTerminal(s));
            }
        }
        return sb.append(s);
    }

    /** {@code s} followed by spaces up to {@code width} columns on a terminal (see {@link #width}). */
    static String pad(String s, int width) {
        String t = s == null ? "" : s;
        int w = width(t);
        return w >= width ? t : t + " ".repeat(width - w);
    }

    /**
     * The columns {@code s} takes on a terminal, as {@link #forTerminal} shows it: East Asian wide and full-width
     * characters and emoji take two, combining marks and format characters (such as the zero-width joiner) none,
     * everything else one. An approximation of wcwidth (no table of every code point), exact for ASCII, Latin,
     * Greek, Cyrillic, CJK and the common emoji blocks.
     */
    static int width(String s) {
        if (s == null) {
            return 0;
        }
        int n = s.length();
        boolean narrow = true;
        for (int i = 0; i < n && narrow; i++) {
            char c = s.charAt(i);
            narrow = c < 0x300 && !ir.env.Inert.unsafe(c);
        }
        if (narrow) {
            return n;
        }
        String t = forTerminal(s);
        int w = 0;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            w += columns(cp);
            i += Character.charCount(cp);
        }
        return w;
    }

    /** The columns of one code point (see {@link #width}). */
    static int columns(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        boolean wide = cp >= 0x1100 && (cp <= 0x115F || cp == 0x2329 || cp == 0x232A
                || cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F
                || cp >= 0xAC00 && cp <= 0xD7A3
                || cp >= 0xF900 && cp <= 0xFAFF
                || cp >= 0xFE10 && cp <= 0xFE19
                || cp >= 0xFE30 && cp <= 0xFE6F
                || cp >= 0xFF00 && cp <= 0xFF60
                || cp >= 0xFFE0 && cp <= 0xFFE6
                || cp >= 0x1F300 && cp <= 0x1F64F
                || cp >= 0x1F680 && cp <= 0x1F6FF
                || cp >= 0x1F900 && cp <= 0x1F9FF
                || cp >= 0x1FA70 && cp <= 0x1FAFF
                || cp >= 0x20000 && cp <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
