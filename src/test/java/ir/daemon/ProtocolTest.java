package ir.daemon;

import ir.cli.Cli;
import ir.cli.OpenCommand;
import ir.cli.RootCommand;
import ir.env.Env;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client decides before it connects, from the arguments alone, checked against the CLI it must not load:
 * which commands the background process runs, and when {@code ir open} would prompt instead.
 */
class ProtocolTest {
    @Test
    void theClientsCommandsAreTheOnesTheCliDeclaresRunnableInTheBackground() {
        assertThat(new TreeSet<>(Protocol.BACKGROUND)).isEqualTo(new TreeSet<>(Cli.backgroundCommands()));
        assertThat(Protocol.PROMPTING).isEqualTo(Cli.promptingCommands());
        assertThat(Protocol.BACKGROUND).containsAll(Protocol.PROMPTING)
                .doesNotContain("edit", "shell", "sync", "init", "daemon");
    }

    @Test
    void theClientKnowsWhichOptionsMakeACommandLongLived() {
        Env env = new Env(new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true,
                StandardCharsets.UTF_8), System.in, Clock.systemUTC(), Path.of("/"), Map.of(), false);
        CommandLine cli = Cli.commandLine(env);
        Protocol.LONG_LIVED.forEach((command, names) -> {
            assertThat(Cli.backgroundCommands()).contains(command);
            OptionSpec option = cli.getSubcommands().get(command).getCommandSpec().findOption(names.iterator().next());
            assertThat(option).as(command + " " + names).isNotNull();
            assertThat(new TreeSet<>(Set.of(option.names()))).isEqualTo(new TreeSet<>(names));
        });
    }

    /** The options of {@code spec} that take a value, by every name. */
    private static Set<String> valueOptions(CommandLine.Model.CommandSpec spec, boolean inherited) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.arity().max() > 0 && o.inherited() == inherited) {
                names.addAll(Set.of(o.names()));
            }
        }
        return names;
    }

    @Test
    void theClientKnowsWhichOptionsTakeAValue() {
        Env env = new Env(new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true,
                StandardCharsets.UTF_8), System.in, Clock.systemUTC(), Path.of("/"), Map.of(), false);
        CommandLine root = new CommandLine(new RootCommand(env));
        root.addSubcommand("open", new OpenCommand());

        assertThat(valueOptions(root.getCommandSpec(), false)).isEqualTo(new TreeSet<>(
                Protocol.GLOBAL_VALUE_OPTIONS));
        assertThat(valueOptions(root.getSubcommands().get("open").getCommandSpec(), false))
                .isEqualTo(new TreeSet<>(Protocol.OPEN_VALUE_OPTIONS));
    }

    @ParameterizedTest(name = "{0} at a terminal: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            log database failover started                        | true  | true
            -C ../ops log x                                       | true  | true
            --as 'Bob <b@example.com>' show                       | true  | true
            list --json                                           | true  | true
            log -                                                 | false | false
            set summary -                                         | false | false
            edit                                                  | false | false
            shell                                                 | false | false
            sync                                                  | false | false
            init                                                  | false | false
            daemon stop                                           | false | false
            merge-file a b c                                      | false | false
            frobnicate                                            | false | false
            --version                                             | true  | true
            --help                                                | true  | true
            --verbose                                             | false | false
            ''                                                    | false | false
            show --follow                                         | false | false
            show -f                                               | false | false
            show -i checkout -f --json                            | false | false
            show -fi checkout                                     | false | false
            -C ops show --follow=true                             | false | false
            show -i checkout --json                               | true  | true
            log -i checkout --follow the logs                     | true  | true
            open Checkout latency spike --severity SEV-2          | true  | true
            open Checkout latency spike -s 2                      | true  | true
            open -s2 Checkout                                     | true  | true
            open --severity=SEV-1 --tag db Payments down          | true  | true
            open Checkout latency spike                           | true  | false
            open --severity SEV-2                                 | true  | false
            open --tag db --severity SEV-2 --commander me         | true  | false
            open -C ops --severity SEV-2                          | true  | false
            open Checkout --no-input                              | true  | true
            --no-input open                                       | true  | true
            """)
    void decidesWhereACommandRuns(String line, boolean withoutTerminal, boolean atTerminal) {
        String[] args = words(line);

        assertThat(Protocol.runsInBackground(args, false)).as("without a terminal").isEqualTo(withoutTerminal);
        assertThat(Protocol.runsInBackground(args, true)).as("at a terminal").isEqualTo(atTerminal);
    }

    /** Splits on spaces, keeping 'quoted words' together. */
    private static String[] words(String line) {
        java.util.List<String> words = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words.toArray(String[]::new);
    }

    @Test
    void theSocketsDirectoryDependsOnlyOnIrDaemonDir() {
        Path relative = Protocol.directory(Map.of("IR_DAEMON_DIR", "sockets/../d"), -1);
        assertThat(relative).isEqualTo(Path.of("").toAbsolutePath().resolve("d"));

        // cron and ssh sessions have no XDG_RUNTIME_DIR: they must still find the process a desktop session started
        assertThat(Protocol.directory(Map.of("XDG_RUNTIME_DIR", "/tmp/elsewhere"), 4242))
                .isEqualTo(Protocol.directory(Map.of(), 4242));
    }

    @Test
    void readsThisProcesssUmaskAsTheShellSeesIt() throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "umask").redirectErrorStream(true).start();
        String shell = new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(sh.waitFor()).isZero();

        assertThat(Protocol.Self.read().umask()).isEqualTo(Integer.parseInt(shell, 8));
        assertThat(Protocol.Self.field("Name:\tjava\nUmask:\t0027\nUid:\t1000\t1000\n", "\nUmask:", 8))
                .isEqualTo(027);
        assertThat(Protocol.Self.field("Name:\tjava\nUmask:\t0027\nUid:\t1000\t1000\n", "\nUid:", 10))
                .isEqualTo(1000);
        assertThat(Protocol.Self.field("Name:\tjava\n", "\nUmask:", 8)).isEqualTo(-1);
    }
}
