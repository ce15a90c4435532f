package ir.term;

import ir.env.Env;
import picocli.CommandLine;

/**
 * Where the shell gets the {@code ir} commands it runs each line through. The command-line layer hands one in (as
 * {@code Cli::commandLine}), so this package uses the commands without depending on the package that defines them.
 */
@FunctionalInterface
public interface CommandFactory {
    /** Every {@code ir} command, writing to {@code env}'s out and err, taking stores from {@code env}'s backends. */
    CommandLine commandLine(Env env);
}
