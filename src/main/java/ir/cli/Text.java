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

    static String pad(String s, int width) {
        String t = s == null ? "" : s;
        return t.length() >= width ? t : t + " ".repeat(width - t.length());
    }
}
