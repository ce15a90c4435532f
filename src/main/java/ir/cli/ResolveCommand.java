package ir.cli;

import ir.model.IrConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code ir resolve}: the same as {@code ir status resolved}. */
@Command(name = "resolve", description = {"Resolve the incident: status resolved, resolved_at set if not yet set.",
        "Same as 'ir status resolved TEXT...'."},
        footer = {"", "Examples:", "  ir resolve error rate normal for 30 minutes",
                "  ir resolve -i checkout --at 16:30"})
public final class ResolveCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "How it ended, for the timeline ('-' reads "
            + "standard input).")
    List<String> words;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        return StatusCommand.change(this, incident.incident, config().status(IrConfig.RESOLVED),
                TextArgs.optional(words, env().in()), at.instant(clock()));
    }
}
