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

    static String pad(String s, int width) {
        String t = s == null ? "" : s;
        return t.length() >= width ? t : t + " ".repeat(width - t.length());
    }
}
