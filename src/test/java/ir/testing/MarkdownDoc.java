package ir.testing;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;

/** A rendered Markdown document parsed with commonmark-java and its GFM tables extension, for structural checks. */
public final class MarkdownDoc {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private final Node root;

    private MarkdownDoc(Node root) {
        this.root = root;
    }

    public static MarkdownDoc parse(String markdown) {
        return new MarkdownDoc(PARSER.parse(markdown));
    }

    /** The text of every heading, in order. */
    public List<String> headings() {
        List<String> out = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h) {
                out.add(text(h));
            }
        }
        return out;
    }

    /** The body rows (cells as plain text) of the first table after the heading {@code heading}. */
    public List<List<String>> tableAfter(String heading) {
        boolean seen = false;
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h) {
                if (seen) {
                    break;
                }
                seen = text(h).equals(heading);
            } else if (seen && n instanceof TableBlock t) {
                return rows(t);
            }
        }
        throw new AssertionError("no table under heading '" + heading + "'");
    }

    /** The first table whose header's first cell is {@code firstHeader}. */
    public List<List<String>> tableWithHeader(String firstHeader) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof TableBlock t) {
                TableRow header = (TableRow) t.getFirstChild().getFirstChild();
                if (text(header.getFirstChild()).equals(firstHeader)) {
                    return rows(t);
                }
            }
        }
        throw new AssertionError("no table with header '" + firstHeader + "'");
    }

    /** Every fenced code block whose info string is {@code info}. */
    public List<FencedCodeBlock> fences(String info) {
        List<FencedCodeBlock> out = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof FencedCodeBlock f && info.equals(f.getInfo())) {
                out.add(f);
            }
        }
        return out;
    }

    /** Every top-level fenced code block. */
    public List<FencedCodeBlock> allFences() {
        List<FencedCodeBlock> out = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof FencedCodeBlock f) {
                out.add(f);
            }
        }
        return out;
    }

    /** The plain text of the paragraphs and other blocks between heading {@code heading} and the next heading. */
    public String sectionText(String heading) {
        StringBuilder b = new StringBuilder();
        boolean seen = false;
        for (Node n = root.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h) {
                if (seen) {
                    break;
                }
                seen = text(h).equals(heading);
            } else if (seen) {
                b.append(text(n)).append('\n');
            }
        }
        return b.toString();
    }

    private static List<List<String>> rows(TableBlock t) {
        List<List<String>> out = new ArrayList<>();
        for (Node section = t.getFirstChild(); section != null; section = section.getNext()) {
            if (!(section instanceof TableBody)) {
                continue;
            }
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                List<String> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell) {
                        cells.add(text(cell));
                    }
                }
                out.add(cells);
            }
        }
        return out;
    }

    /** Plain text of a node: literals of text, code and inline HTML; line breaks as newlines. */
    public static String text(Node n) {
        StringBuilder b = new StringBuilder();
        collect(n, b);
        return b.toString();
    }

    private static void collect(Node n, StringBuilder b) {
        if (n instanceof Text t) {
            b.append(t.getLiteral());
        } else if (n instanceof Code c) {
            b.append(c.getLiteral());
        } else if (n instanceof HtmlInline h) {
            b.append(h.getLiteral());
        } else if (n instanceof SoftLineBreak || n instanceof HardLineBreak) {
            b.append('\n');
        } else if (n instanceof FencedCodeBlock f) {
            b.append(f.getLiteral());
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
            collect(c, b);
        }
    }
}
