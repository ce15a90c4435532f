package ir.cli;

import ir.model.IrException;
import ir.model.Lifecycle;
import ir.model.Milestone;
import ir.model.Milestones;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** {@code ir mark}: sets, corrects or clears a milestone time. */
@Command(name = "mark", description = {"Set when a milestone happened: started (impact began), detected, "
        + "acknowledged, mitigated or resolved.",
        "Milestones must keep their order (started <= detected <= acknowledged <= mitigated <= resolved); marking "
                + "one again corrects it, --clear removes it. Either way the timeline says what changed.",
        "With several impact windows, started is the start of the first and mitigated the end of the last "
                + "(see 'ir window')."},
        footer = {"", "Examples:", "  ir mark started --at 14:54", "  ir mark detected --at 2015-10-21T14:58:00Z",
                "  ir mark acknowledged", "  ir mark --clear detected"})
public final class MarkCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "MILESTONE", description = "started, detected, acknowledged, mitigated "
            + "or resolved.")
    String milestone;

    @Option(names = "--clear", description = "Remove the milestone (marked by mistake); the timeline keeps its old "
            + "time.")
    boolean clear;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        Milestone m = Milestones.markable(milestone);
        if (clear && at.at != null) {
            throw IrException.usage("--at does not go with --clear: to correct " + m.label() + " run 'ir mark "
                    + m.label() + " --at TIME'");
        }
        String id = store().select(incident.incident);
        String who = store().author();
        if (clear) {
            Instant now = clock().instant().truncatedTo(ChronoUnit.SECONDS);
            update(id, i -> Lifecycle.clear(i, config(), m, now, who));
            info(id + ": " + m.label() + " cleared");
            return 0;
        }
        Instant when = at.instant(clock());
        var next = update(id, i -> Lifecycle.mark(i, m, when, who));
        info(id + ": " + m.label() + " at " + Times.short_(when, clock(), false));
        if (m == Milestone.RESOLVED && !Lifecycle.isDone(config(), next.status())) {
            info("Its status is still " + next.status() + ": run 'ir resolve' when it is over.");
        }
        return 0;
    }
}
