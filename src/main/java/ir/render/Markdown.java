package ir.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes responders' text safe for the place it lands in a Markdown document without HTML-escaping it: {@code &},
 * {@code <} and {@code "} stay as typed (GitHub sanitises HTML itself); only what could break the document's
 * structure is changed.
 */
public final class Markdown {
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
    /** The start of a CommonMark HTML block that runs until an end marker (kinds 1 to 5 of the spec). */
    private static final Pattern HTML_START = Pattern.compile(
            "^ {0,3}(?:<(script|pre|style|textarea)(?=[\\s>]|$)|<!\\[CDATA\\[|<!--|<\\?|<!(?=[A-Za-z]))",
            Pattern.CASE_INSENSITIVE);
    private static final List<String> HTML_RAW_TAGS = List.of("script", "pre", "style", "textarea");

    private Markdown() {
    }

    /** Text inside a heading or a list line: one line, whitespace runs collapsed. */
    public static String inline(String s) {
        if (s == null) {
            return null;
        }
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Text for a GFM table cell: {@code |} escaped so it cannot split the cell, line breaks turned into {@code <br>}
     * so they cannot end the row. Backticks and fences are harmless inside a cell (it is never at a line start).
     */
    public static String cell(String s) {
        if (s == null || s.isBlank()) {
            return "";
        }
        String t = s.strip().replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder b = new StringBuilder(t.length() + 8);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '|') {
                // An escaped pipe stays escaped: "\|" becomes "\\|" would end the cell, so count the backslashes.
                int slashes = 0;
                for (int j = i - 1; j >= 0 && t.charAt(j) == '\\'; j--) {
                    slashes++;
                }
                if (slashes % 2 == 1) {
                    b.append('\\');
                }
                b.append("\\|");
            } else if (c == '\n') {
                while (b.length() > 0 && b.charAt(b.length() - 1) == ' ') {
                    b.setLength(b.length() - 1);
                }
                b.append("<br>");
                while (i + 1 < t.length() && (t.charAt(i + 1) == ' ' || t.charAt(i + 1) == '\t')) {
                    i++;
                }
            } else if (c == '\t') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        String out = b.toString();
        // A trailing backslash would escape the cell's closing pipe.
        return out.endsWith("\\") ? out + " " : out;
    }

    /**
     * Multi-line prose for a section body: line endings normalised, and a code fence or an HTML block (such as
     * {@code <!--} or {@code <script>}) the text opens but never closes is closed, so it cannot swallow the rest of
     * the document (the Mermaid diagram included).
     */
    public static String block(String s) {
        if (s == null) {
            return null;
        }
        List<String> lines = new ArrayList<>(s.strip().replace("\r\n", "\n").replace('\r', '\n').lines().toList());
        String open = null;
        String html = null;
        for (String line : lines) {
            if (html != null) {
                if (endsHtmlBlock(line, html)) {
                    html = null;
                }
                continue;
            }
            if (open == null) {
                html = unclosedHtmlBlock(line);
                if (html != null) {
                    continue;
                }
            }
            Matcher m = FENCE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String fence = m.group(1);
            if (open == null) {
                if (fence.charAt(0) == '`' && m.group(2).contains("`")) {
                    continue; // not a fence: a backtick fence's info string may not hold backticks
                }
                open = fence;
            } else if (fence.charAt(0) == open.charAt(0) && fence.length() >= open.length()
                    && m.group(2).isBlank()) {
                open = null;
            }
        }
        if (open != null) {
            lines.add(open);
        }
        if (html != null) {
            lines.add(html);
        }
        return String.join("\n", lines);
    }

    /** True when {@code line} holds {@code end}, the end marker of an open HTML block. */
    private static boolean endsHtmlBlock(String line, String end) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (end.startsWith("</")) {
            // Any of the four closing tags ends a kind-1 block, whichever opened it.
            return HTML_RAW_TAGS.stream().anyMatch(tag -> lower.contains("</" + tag + ">"));
        }
        return lower.contains(end);
    }

    /**
     * The end marker of a CommonMark HTML block of kinds 1 to 5 ({@code <script>}, {@code <pre>}, {@code <style>},
     * {@code <textarea>}, {@code <!--}, {@code <?}, {@code <!X}, {@code <![CDATA[}) that {@code line} starts and does
     * not end, or null. Such a block runs until its end marker, so left open it would swallow the rest of the
     * document (every later section and the Mermaid diagram); other HTML blocks end at a blank line.
     */
    private static String unclosedHtmlBlock(String line) {
        Matcher m = HTML_START.matcher(line);
        if (!m.find()) {
            return null;
        }
        String rest = line.substring(m.end());
        String end;
        if (m.group(1) != null) {
            end = "</" + m.group(1).toLowerCase(Locale.ROOT) + ">";
            return endsHtmlBlock(rest, end) ? null : end;
        } else if (m.group().endsWith("<![CDATA[")) {
            end = "]]>";
        } else if (m.group().endsWith("<!--")) {
            end = "-->";
            rest = line.substring(m.end() - 2);
        } else if (m.group().endsWith("<?")) {
            end = "?>";
        } else {
            end = ">";
        }
        return rest.contains(end) ? null : end;
    }

    /** A list item's text: continuation lines indented so the item stays one item; fences balanced. */
    public static String listItem(String s) {
        String b = block(s);
        return b == null ? null : b.replace("\n", "\n  ");
    }

    /**
     * A label inside a Mermaid diagram: one line of plain characters. Backticks, colons, quotes, brackets, {@code #},
     * {@code ;} and {@code %} (all syntax in Mermaid) become spaces, so user text can neither change the diagram nor
     * close its fenced block.
     */
    public static String mermaidLabel(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[`~:;#%\"'<>{}\\[\\]()|\\\\]", " ").replaceAll("\\s+", " ").strip();
        if (t.length() > 60) {
            t = t.substring(0, 59).strip() + "…";
        }
        return t.isEmpty() ? "-" : t;
    }

    /** Lowercase GitHub-style anchor of a heading. */
    public static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} -]", "").replace(' ', '-');
    }
}
