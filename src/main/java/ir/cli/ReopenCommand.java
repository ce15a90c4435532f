package ir.cli;

import ir.model.Cancellation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code ir reopen}: brings a resolved or closed incident back, saying why. */
@Command(name = "reopen", description = {"Reopen a resolved, closed or canceled incident, saying why (required).",
        "It returns to the first status of ir.yaml; resolved_at and closed_at are cleared (the event keeps them)."},
        footer = {"", "Example:", "  ir reopen errors are back after the cache warmed up"})
public final class ReopenCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Why it is reopened ('-' reads standard input).")
    List<String> words;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        Instant when = at.instant(clock());
        String why = TextArgs.optional(words, env().in());
        String id = store().select(incident.incident);
        String who = store().author();
        var next = update(id, i -> Cancellation.reopen(i, config(), why, when, who));
        info(id + " is reopened: now " + next.status());
        return 0;
    }
}
