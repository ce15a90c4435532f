package ir.cli;

import ir.store.Backends;
import ir.store.IncidentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ir shell}: the interactive response console (JLine, loaded only here). */
@Command(name = "shell", description = {"Interactive response console: each line you type is a timeline entry, "
        + "committed before the next prompt; a line starting with / is a command (/sev SEV-1, /role commander "
        + "PERSON, /status monitoring, /show, /help, /quit).",
        "TAB completes commands, severities, roles, statuses, people and incident IDs. Ctrl-C cancels the line, "
                + "Ctrl-D leaves. Up and Down browse this clone's history (kept under .git/ir, never committed).",
        "Entries that arrive in this clone while you type (another responder's, or merged by a sync) are printed "
                + "above the prompt as they come, without disturbing the line being typed.",
        "Without a terminal (or with --no-input) it reads lines from standard input, one entry or command each, "
                + "prints no prompt (only what the commands print), and exits 1 if any of them failed."},
        footer = {"", "Examples:", "  ir shell", "  ir shell -i checkout", "  ir shell -i checkout < notes.txt"})
public final class ShellCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Override
    protected int run() {
        // ir.term (and JLine with it) is loaded only from here and from prompting 'ir open'. It gets the commands
        // from here, so ir.term never depends on ir.cli. Every line the shell runs takes its store from one kept
        // backend per workspace, open until the shell ends.
        try (Backends kept = Backends.kept(); IncidentStore store = kept.open(workspace(), session())) {
            return ir.term.Shell.start(env().withBackends(kept), store, Cli::commandLine, incident.incident,
                    root().verbose, canPrompt());
        }
    }
}
