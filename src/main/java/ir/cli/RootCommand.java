package ir.cli;

import ir.env.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** {@code ir}: the global options, which work before or after the subcommand. */
@Command(name = "ir", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Incident response as code: every incident a YAML file in git, every step a commit.", ""},
        footer = {"", "Start with 'ir init' in a git repository, then 'ir open \"What is broken\" --severity SEV-2'.",
                "Run 'ir COMMAND --help' for a command's options and an example."},
        synopsisSubcommandLabel = "COMMAND")
public final class RootCommand implements Runnable {
    final Env env;

    @Spec
    CommandSpec spec;

    @Option(names = "-C", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Run as if ir was started in DIR (the workspace is found from there).")
    Path directory;

    @Option(names = "--as", paramLabel = "\"NAME <EMAIL>\"", scope = ScopeType.INHERIT,
            description = "Act as this responder, author and committer (default: IR_AUTHOR, else the identity 'git "
                    + "commit' would use: GIT_AUTHOR_*, user.name and user.email).")
    String as;

    @Option(names = "--no-input", scope = ScopeType.INHERIT, description = "Never prompt, even on a terminal.")
    boolean noInput;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    /** {@code ir list}'s summaries, being read since {@link Cli#run} saw the command name (see {@link Listing}). */
    Listing listing;

    public RootCommand(Env env) {
        this.env = env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(env.out());
    }
}
