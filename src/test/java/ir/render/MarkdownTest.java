package ir.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTest {
    @Test
    void cellEscapesPipesAndTurnsLineBreaksIntoBrWithoutHtmlEscaping() {
        assertThat(Markdown.cell("a | b\r\nc  \n  d <script> & \"q\"")).isEqualTo("a \\| b<br>c<br>d <script> & \"q\"");
    }

    @Test
    void cellKeepsAPipeTheUserEscapedFromEndingTheCell() {
        assertThat(Markdown.cell("a \\| b")).isEqualTo("a \\\\\\| b");
        assertThat(Markdown.cell("ends with \\")).isEqualTo("ends with \\ ");
        assertThat(Markdown.cell(null)).isEmpty();
        assertThat(Markdown.cell("  ")).isEmpty();
    }

    @Test
    void blockClosesAFenceTheTextLeavesOpen() {
        assertThat(Markdown.block("log:\n```\nERROR x")).isEqualTo("log:\n```\nERROR x\n```");
        assertThat(Markdown.block("~~~~\nx\n~~~")).isEqualTo("~~~~\nx\n~~~\n~~~~");
    }

    @Test
    void blockLeavesBalancedFencesAndInlineBackticksAlone() {
        String closed = "```java\nint x;\n```\nthen `code` and ``` inline";
        assertThat(Markdown.block(closed)).isEqualTo(closed);
        assertThat(Markdown.block("a\r\nb\r\n")).isEqualTo("a\nb");
    }

    @Test
    void blockClosesAnHtmlBlockTheTextLeavesOpen() {
        assertThat(Markdown.block("<!-- pasted\nmore")).isEqualTo("<!-- pasted\nmore\n-->");
        assertThat(Markdown.block("<script>alert(1)")).isEqualTo("<script>alert(1)\n</script>");
        assertThat(Markdown.block("x\n  <PRE class=x>\ny")).isEqualTo("x\n  <PRE class=x>\ny\n</pre>");
        assertThat(Markdown.block("<?php echo")).isEqualTo("<?php echo\n?>");
        assertThat(Markdown.block("<![CDATA[ x")).isEqualTo("<![CDATA[ x\n]]>");
        assertThat(Markdown.block("<!DOCTYPE")).isEqualTo("<!DOCTYPE\n>");
        // Inside an HTML block a fence is text, so it needs no closing.
        assertThat(Markdown.block("<!--\n```\n-->")).isEqualTo("<!--\n```\n-->");
    }

    @Test
    void blockLeavesClosedOrHarmlessHtmlAlone() {
        for (String closed : List.of("<!-- note -->", "<!-->", "<script>x</script>", "<pre>\na\n</script>",
                "a <!-- b", "<div>\nx", "```\n<!--\n```", "a\n    <!-- indented")) {
            assertThat(Markdown.block(closed)).as(closed).isEqualTo(closed);
        }
    }

    @Test
    void listItemIndentsContinuationLines() {
        assertThat(Markdown.listItem("one\ntwo")).isEqualTo("one\n  two");
    }

    @Test
    void mermaidLabelKeepsOnlyPlainCharacters() {
        assertThat(Markdown.mermaidLabel("```\nend: x; #y %% \"z\" [a] {b} <c> |d|"))
                .isEqualTo("end x y z a b c d");
        assertThat(Markdown.mermaidLabel("```")).isEqualTo("-");
        assertThat(Markdown.mermaidLabel("x".repeat(100))).hasSize(60).endsWith("…");
    }

    @Test
    void inlineMakesOneLine() {
        assertThat(Markdown.inline(" a\n  b \r\n c ")).isEqualTo("a b c");
    }
}
