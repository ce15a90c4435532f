package ir.cli;

import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir show} and {@code ir list} keep their columns whatever the names: long, CJK or emoji. */
class AlignedColumnsTest {
    static final String LONG_ROLE = "communications-coordinator-for-partners";
    static final String CJK_ROLE = "联络人";
    static final String LONG_SEV = "SEV-0-TOTAL-OUTAGE";
    static final String CJK_SEV = "严重";
    static final String LONG_STATUS = "waiting-for-the-vendor";

    @TempDir
    Path dir;

    IrTester ir;

    @BeforeEach
    void workspaceWithLongNames() throws Exception {
        ir = IrTester.workspace(dir).at("2026-11-28T15:00:00Z");
        Path config = dir.resolve("ir.yaml");
        String yaml = Files.readString(config)
                .replace("severities:\n", "severities:\n  - name: " + LONG_SEV + "\n    description: all down\n"
                        + "    major: true\n  - name: " + CJK_SEV + "\n    description: 严重故障\n")
                .replace("roles:\n", "roles:\n  - name: " + LONG_ROLE + "\n    title: Partner comms\n"
                        + "    description: Talks to partners\n  - name: " + CJK_ROLE + "\n    title: 联络\n"
                        + "    description: 联络\n")
                .replace("  - monitoring\n", "  - monitoring\n  - " + LONG_STATUS + "\n");
        Files.writeString(config, yaml);
    }

    /** The terminal column where {@code value} starts on {@code line}. */
    private static int columnOf(String line, String value) {
        int at = line.indexOf(value);
        assertThat(at).as("'" + value + "' in: " + line).isNotNegative();
        return Text.width(line.substring(0, at));
    }

    /** The lines of the block under {@code heading}, up to the next blank line. */
    private static List<String> block(String out, String heading) {
        List<String> lines = out.lines().toList();
        int start = -1;
        for (int k = 0; k < lines.size(); k++) {
            if (lines.get(k).startsWith(heading)) {
                start = k + 1;
                break;
            }
        }
        assertThat(start).as(heading + " in:\n" + out).isPositive();
        List<String> block = new ArrayList<>();
        for (int k = start; k < lines.size() && !lines.get(k).isBlank(); k++) {
            block.add(lines.get(k));
        }
        return block;
    }

    @Test
    void showLinesUpRolesMilestonesAndDurationsWhateverTheRoleNames() {
        String id = ir.open("Checkout down", "--severity", CJK_SEV, "--commander", "Alice <alice@example.com>");
        ir.advance(Duration.ofMinutes(3));
        ok(ir.run("role", LONG_ROLE, "Bob <bob@example.com>"));
        ok(ir.run("role", CJK_ROLE, "王芳 <wang@example.com>"));
        ok(ir.run("mark", "started", "--at", "14:50"));
        ir.advance(Duration.ofMinutes(10));
        ok(ir.run("severity", LONG_SEV));
        ok(ir.run("status", "monitoring"));
        ir.advance(Duration.ofMinutes(10));
        ok(ir.run("resolve"));

        String out = ok(ir.run("show", "-i", id)).out();

        Set<Integer> columns = new HashSet<>();
        for (String line : block(out, "Roles")) {
            columns.add(columnOf(line, line.contains("王芳") ? "王芳" : line.contains("Bob") ? "Bob" : "Alice"));
        }
        for (String line : block(out, "Milestones")) {
            columns.add(columnOf(line, "2026-"));
        }
        for (String line : block(out, "Durations")) {
            columns.add(columnOf(line, line.replaceFirst("^\\s*\\S+( \\S+)*\\s{2,}", "")));
        }
        for (String line : block(out, "Time at severity")) {
            columns.add(columnOf(line, line.replaceFirst("^\\s*\\S+\\s{2,}", "")));
        }
        assertThat(columns).as(out).containsExactly(2 + LONG_ROLE.length() + 2);
    }

    @Test
    void showTimelineTextsLineUpWithLongAndWideAuthorNames() {
        String id = ir.open("Checkout down");
        ok(ir.env("IR_AUTHOR", "Maximilian Alexander Longname <max@example.com>").run("log", "first", "entry"));
        ok(ir.env("IR_AUTHOR", "王芳 <wang@example.com>").run("log", "second", "entry"));
        ok(ir.env("IR_AUTHOR", "😀 Emoji <emoji@example.com>").run("log", "third", "entry\nwith a second line"));

        String out = ok(ir.run("show", "-i", id)).out();

        List<String> timeline = block(out, "Timeline").stream().filter(l -> !l.matches("\\s+\\d{4}-.*")).toList();
        Set<Integer> columns = new HashSet<>();
        columns.add(columnOf(timeline.get(0), "Declared"));
        columns.add(columnOf(timeline.get(1), "first entry"));
        columns.add(columnOf(timeline.get(2), "second entry"));
        columns.add(columnOf(timeline.get(3), "third entry"));
        columns.add(columnOf(timeline.get(4), "with a second line"));
        assertThat(columns).as(out).hasSize(1);
    }

    @Test
    void listLinesUpItsColumnsWithLongAndWideSeveritiesAndStatuses() {
        ir.open("Short one", "--severity", "SEV-3");
        ir.advance(Duration.ofMinutes(1));
        String wide = ir.open("Wide one", "--severity", CJK_SEV);
        ok(ir.run("status", "-i", wide, LONG_STATUS));
        ir.advance(Duration.ofMinutes(1));
        ir.open("Long one", "--severity", LONG_SEV);

        List<String> lines = ok(ir.run("list")).out().lines().toList();

        assertThat(lines).hasSize(3);
        Set<Integer> statusColumns = new HashSet<>();
        Set<Integer> timeColumns = new HashSet<>();
        for (String line : lines) {
            statusColumns.add(columnOf(line, line.contains(LONG_STATUS) ? LONG_STATUS : "investigating"));
            timeColumns.add(columnOf(line, "2026-11-28 15:0"));
        }
        assertThat(statusColumns).as(String.join("\n", lines)).hasSize(1);
        assertThat(timeColumns).as(String.join("\n", lines)).hasSize(1);
    }

    @Test
    void widthCountsWideCharactersTwiceMarksNeverAndControlCharactersAsShown() {
        assertThat(Text.width("SEV-1")).isEqualTo(5);
        assertThat(Text.width("Zoë")).isEqualTo(3);
        assertThat(Text.width("e\u0301")).isEqualTo(1);
        assertThat(Text.width("王芳")).isEqualTo(4);
        assertThat(Text.width("ｆｕｌｌ")).isEqualTo(8);
        assertThat(Text.width("😀")).isEqualTo(2);
        assertThat(Text.width("a\u001bb")).isEqualTo(Text.forTerminal("a\u001bb").length());
        assertThat(Text.pad("王芳", 6)).isEqualTo("王芳  ");
        assertThat(Text.pad("abcdefgh", 6)).isEqualTo("abcdefgh");
    }
}
