package ir.cli;

import picocli.CommandLine.Option;

/** {@code -i/--incident}: which incident a command works on. */
public final class IncidentOption {
    @Option(names = {"-i", "--incident"}, paramLabel = "ID",
            description = "The incident: full ID, unique prefix or unique substring (default: the current one).")
    String incident;
}
