package ir.cli;

import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A one-shot run builds only the subcommand it runs; help, errors and global options must not notice. */
class CliStartupTest {
    @TempDir
    Path dir;

    @Test
    void theSubcommandNameIsTheFirstArgumentThatIsNotAGlobalOptionOrItsValue() {
        assertThat(Cli.subcommandName("log", "x")).isEqualTo("log");
        assertThat(Cli.subcommandName("-C", "log", "show")).isEqualTo("show");
        assertThat(Cli.subcommandName("--as", "Bob <b@x>", "--no-input", "list")).isEqualTo("list");
        assertThat(Cli.subcommandName("-C=somewhere", "--verbose", "open", "t")).isEqualTo("open");
        assertThat(Cli.subcommandName("--help")).isNull();
        assertThat(Cli.subcommandName()).isNull();
        assertThat(Cli.subcommandName("--", "log")).isNull();
    }

    @Test
    void rootHelpStillListsEveryCommand() {
        var r = IrTester.plainDir(dir).run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("  init ", "  open ", "  log ", "  show ", "  list ", "  use ");
    }

    @Test
    void aMistypedCommandIsAUsageErrorAsBeforeAndChangesNothing() {
        IrTester t = IrTester.workspace(dir);
        int commits = t.commits().size();

        var r = t.run("lgo", "database failover");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("ir: ").contains("lgo");
        assertThat(t.commits()).hasSize(commits);
    }

    @Test
    void globalOptionsBeforeTheCommandStillApply() {
        IrTester t = IrTester.workspace(dir.resolve("ws"));
        t.cwd(dir);

        var open = t.run("-C", "ws", "--as", "Bob Builder <bob@example.com>", "open", "Checkout latency spike");
        var help = t.run("-C", "ws", "log", "--help");

        assertThat(open.exit()).as("%s", open).isZero();
        assertThat(t.commits().get(0).getAuthorIdent().getEmailAddress()).isEqualTo("bob@example.com");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: ir log").contains("Example");
    }

    @Test
    void listPrefetchedForTheWrongWorkspaceListsTheRightOne() {
        IrTester b = IrTester.workspace(dir.resolve("b"));
        String onlyInB = b.open("Only in b");
        IrTester a = IrTester.workspace(dir.resolve("a"));
        String onlyInA = a.open("Only in a");

        // Cli.run guesses the workspace from arguments before the command (here none: a, the current one).
        var r = a.run("list", "-C", dir.resolve("b").toString());
        var own = a.run("list");

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).contains(onlyInB).doesNotContain(onlyInA);
        assertThat(own.out()).contains(onlyInA).doesNotContain(onlyInB);
    }
}
