package ir.cli;

import picocli.CommandLine.Option;

/**
 * {@code --force}: change a closed incident anyway (see {@link ir.model.ClosedIncidents}). Mixed into the commands
 * that change the record; {@link IrCommand#update} reads it.
 */
public final class ForceOption {
    @Option(names = "--force", description = "Change the incident even though it is closed (a late 'ir log' entry "
            + "and 'ir action' need no --force; 'ir reopen WHY' is the way back to work).")
    boolean force;
}
