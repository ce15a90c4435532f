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

    private CommandLine model() {
        Env env = new Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                InputStream.nullInputStream(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), dir, Map.of(), false);
        return Cli.commandLine(env);
    }

    /** The commands 'ir --help' lists: every subcommand of the command model that is not hidden. */
    private List<String> visibleCommands() {
        List<String> names = new ArrayList<>();
        model().getSubcommands().forEach((name, cl) -> {
            if (!cl.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        return names;
    }

    @Test
    void everyVisibleCommandIsInExactlyOneSectionAndNoHiddenOneIs() {
        List<String> grouped = new ArrayList<>();
        CommandGroups.GROUPS.values().forEach(grouped::addAll);

        assertThat(grouped).doesNotHaveDuplicates().containsAll(visibleCommands())
                .doesNotContain("merge-file", CompleteCommand.NAME);
        assertThat(CommandGroups.GROUPS.keySet()).containsExactly("Respond", "Document", "Review", "Share", "Practise",
                "Set up");
    }

    @Test
    void rootHelpShowsEachSectionWithItsCommandsAndNoOtherSection() {
        var r = IrTester.plainDir(dir).run("--help");

        assertThat(r.exit()).isZero();
        String out = r.out();
        assertThat(out).doesNotContain("Commands:").doesNotContain("Other:").doesNotContain("merge-file")
                .doesNotContain(CompleteCommand.NAME);
        int respond = out.indexOf("\nRespond:\n  open ");
        int document = out.indexOf("\nDocument:\n  log ");
        int review = out.indexOf("\nReview:\n  show ");
        int share = out.indexOf("\nShare:\n  postmortem ");
        int setUp = out.indexOf("\nSet up:\n  init ");
        assertThat(respond).isPositive();
        assertThat(document).isGreaterThan(respond);
        assertThat(review).isGreaterThan(document);
        assertThat(share).isGreaterThan(review);
        assertThat(setUp).isGreaterThan(share);
        assertThat(out.substring(respond, document)).contains("  severity ", "  status ", "  shell ")
                .doesNotContain("  list ");
        assertThat(out.substring(share, setUp)).contains("  sync ");
        assertThat(out.substring(respond, document)).contains("  ingest ");
        assertThat(out.substring(setUp)).contains("  serve ", "  help ", "  completion ", "  daemon ")
                .contains("Run 'ir COMMAND --help'");
        // Each visible command once, and every section in the same two columns.
        for (String name : visibleCommands()) {
            assertThat(out.split("\n  " + name + " ", -1)).as(name).hasSize(2);
        }
        List<Integer> columns = out.lines().filter(l -> l.matches("  [a-z-]+ +\\S.*"))
                .map(l -> l.length() - l.replaceFirst("^  [a-z-]+ +", "").length()).distinct().toList();
        assertThat(columns).hasSize(1);
    }

    @Test
    void irHelpIsTheGroupedHelpAndIrHelpCommandIsThatCommandsHelp() {
        var root = IrTester.plainDir(dir).run("help");
        var log = IrTester.plainDir(dir).run("help", "log");
        var add = IrTester.plainDir(dir).run("help", "action", "add");

        assertThat(root.exit()).isZero();
        assertThat(root.out()).isEqualTo(IrTester.plainDir(dir).run("--help").out()).contains("\nRespond:\n");
        assertThat(log.exit()).isZero();
        assertThat(log.out()).isEqualTo(IrTester.plainDir(dir).run("log", "--help").out()).startsWith("Usage: ir log ");
        assertThat(add.exit()).isZero();
        assertThat(add.out()).isEqualTo(IrTester.plainDir(dir).run("action", "add", "--help").out())
                .startsWith("Usage: ir action add ");
    }

    @Test
    void helpForAnUnknownCommandIsAUsageErrorNamingTheKnownOnes() {
        var r = IrTester.plainDir(dir).run("help", "frobnicate");
        var sub = IrTester.plainDir(dir).run("help", "log", "extra");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("ir: unknown command 'frobnicate' of 'ir': use one of ")
                .contains("open").doesNotContain("merge-file").hasLineCount(1);
        assertThat(sub.exit()).isEqualTo(2);
        assertThat(sub.err()).startsWith("ir: 'ir log' has no subcommands");
    }

    @Test
    void aSubcommandsOwnCommandListIsNotRegrouped() {
        CommandLine action = model().getSubcommands().get("action");

        String usage = action.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(usage).contains("Commands:\n  add ").contains("  done ").doesNotContain("Other:");
    }
}
