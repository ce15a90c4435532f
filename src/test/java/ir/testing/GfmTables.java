package ir.testing;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks that every GFM table of a rendered document is well formed, line by line as a reader's renderer sees it:
 * each table is a header line, a delimiter line and rows, every line starting and ending with a pipe, the same
 * number of cells (split at unescaped {@code |}) in all of them, and no row broken over two lines by a raw newline.
 * It also asks commonmark-java with its GFM tables extension, so a table the raw reading missed (or one commonmark
 * does not see) fails too. Fenced code blocks (the Mermaid chart) are skipped.
 */
public final class GfmTables {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final Pattern DELIMITER = Pattern.compile("^\\|(\\s*:?-{3,}:?\\s*\\|)+$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,}).*$");

    /** One table: the line (1-based) of its header, its header cells and its body rows. */
    public record Table(int line, List<String> header, List<List<String>> rows) {
    }

    private GfmTables() {
    }

    /** Every table of {@code markdown}, after checking each is well formed; throws an AssertionError naming the line. */
    public static List<Table> check(String markdown) {
        List<String> lines = markdown.replace("\r\n", "\n").lines().toList();
        List<Table> tables = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            java.util.regex.Matcher f = FENCE.matcher(line);
            if (fence != null) {
                if (f.matches() && line.strip().startsWith(fence) && line.strip().replace(fence.substring(0, 1), "")
                        .isEmpty()) {
                    fence = null;
                }
                continue;
            }
            if (f.matches()) {
                fence = f.group(1);
                continue;
            }
            if (i + 1 < lines.size() && DELIMITER.matcher(lines.get(i + 1).strip()).matches()) {
                int at = i + 1;
                List<String> header = cells(line, at);
                int columns = cells(lines.get(i + 1), at + 1).size();
                if (header.size() != columns) {
                    throw new AssertionError("table at line " + at + ": the header has " + header.size()
                            + " cells, the delimiter row " + columns + ":\n" + line);
                }
                List<List<String>> rows = new ArrayList<>();
                int j = i + 2;
                for (; j < lines.size() && !lines.get(j).isBlank(); j++) {
                    List<String> row = cells(lines.get(j), j + 1);
                    if (row.size() != columns) {
                        throw new AssertionError("table at line " + at + ": row at line " + (j + 1) + " has "
                                + row.size() + " cells, the header " + columns + ":\n" + lines.get(j));
                    }
                    rows.add(row);
                }
                tables.add(new Table(at, header, rows));
                i = j;
            }
        }
        List<Integer> parsed = commonmarkRowCounts(markdown);
        List<Integer> raw = tables.stream().map(t -> t.rows().size()).toList();
        if (!parsed.equals(raw)) {
            throw new AssertionError("commonmark sees tables with " + parsed + " body rows, the lines show " + raw);
        }
        return tables;
    }

    /** The cells of one table line, which must start and end with an unescaped pipe. */
    static List<String> cells(String line, int lineNo) {
        String s = line.strip();
        if (!s.startsWith("|") || !s.endsWith("|") || escaped(s, s.length() - 1)) {
            throw new AssertionError("table line " + lineNo + " does not start and end with '|' (a raw newline or "
                    + "an unescaped pipe in a cell?):\n" + line);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int k = 1; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '|' && !escaped(s, k)) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        return out;
    }

    private static boolean escaped(String s, int k) {
        int slashes = 0;
        for (int j = k - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
            slashes++;
        }
        return slashes % 2 == 1;
    }

    private static List<Integer> commonmarkRowCounts(String markdown) {
        List<Integer> out = new ArrayList<>();
        PARSER.parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(CustomBlock block) {
                if (block instanceof TableBlock) {
                    int rows = 0;
                    for (Node section = block.getFirstChild(); section != null; section = section.getNext()) {
                        if (section instanceof TableBody) {
                            for (Node r = section.getFirstChild(); r != null; r = r.getNext()) {
                                rows++;
                            }
                        }
                    }
                    out.add(rows);
                }
                visitChildren(block);
            }
        });
        return out;
    }
}
