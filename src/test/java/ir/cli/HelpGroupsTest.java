package ir.cli;

import ir.env.Env;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir --help} lists the commands in sections; every command belongs to exactly one. */
class HelpGroupsTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandIsInExactlyOneSection() {
        List<String> grouped = new ArrayList<>();
        CommandGroups.GROUPS.values().forEach(grouped::addAll);

        assertThat(grouped).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(Cli.COMMANDS);
    }

    @Test
    void rootHelpShowsEachSectionWithItsCommandsAndNoOtherSection() {
        var r = IrTester.plainDir(dir).run("--help");

        assertThat(r.exit()).isZero();
        String out = r.out();
        assertThat(out).doesNotContain("Commands:").doesNotContain("Other:").doesNotContain("merge-file");
        int respond = out.indexOf("\nRespond:\n  open ");
        int read = out.indexOf("\nRead:\n  show ");
        int review = out.indexOf("\nReview:\n  set ");
        int workspace = out.indexOf("\nWorkspace:\n  init ");
        assertThat(respond).isPositive();
        assertThat(read).isGreaterThan(respond);
        assertThat(review).isGreaterThan(read);
        assertThat(workspace).isGreaterThan(review);
        assertThat(out.substring(respond, read)).contains("  log ", "  severity ", "  shell ")
                .doesNotContain("  list ");
        assertThat(out.substring(workspace)).contains("  sync ", "  daemon ")
                .contains("Run 'ir COMMAND --help'");
        // Each command once, and every section in the same two columns.
        for (String name : Cli.COMMANDS) {
            if (!name.equals("merge-file")) {
                assertThat(out.split("\n  " + name + " ", -1)).as(name).hasSize(2);
            }
        }
        List<Integer> columns = out.lines().filter(l -> l.matches("  [a-z-]+ +\\S.*"))
                .map(l -> l.length() - l.replaceFirst("^  [a-z-]+ +", "").length()).distinct().toList();
        assertThat(columns).hasSize(1);
    }

    @Test
    void aSubcommandsOwnCommandListIsNotRegrouped() {
        Env env = new Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                InputStream.nullInputStream(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), dir, Map.of(), false);
        CommandLine action = Cli.commandLine(env).getSubcommands().get("action");

        String usage = action.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(usage).contains("Commands:\n  add ").contains("  done ").doesNotContain("Other:");
    }
}
