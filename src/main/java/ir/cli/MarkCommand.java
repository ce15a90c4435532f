package ir.cli;

import ir.model.Lifecycle;
import ir.model.Milestone;
import ir.model.Milestones;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;

/** {@code ir mark}: sets a milestone time. */
@Command(name = "mark", description = {"Set when a milestone happened: started (impact began), detected, "
        + "acknowledged, mitigated or resolved.",
        "Milestones must keep their order (started <= detected <= acknowledged <= mitigated <= resolved); marking "
                + "one again corrects it."},
        footer = {"", "Examples:", "  ir mark started --at 14:54", "  ir mark detected --at 2015-10-21T14:58:00Z",
                "  ir mark acknowledged"})
public final class MarkCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "MILESTONE", description = "started, detected, acknowledged, mitigated "
            + "or resolved.")
    String milestone;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        Milestone m = Milestones.markable(milestone);
        Instant when = at.instant(clock());
        String id = store().select(incident.incident);
        String who = store().author();
        var next = update(id, i -> Lifecycle.mark(i, m, when, who));
        info(id + ": " + m.label() + " at " + Times.short_(when, clock(), false));
        if (m == Milestone.RESOLVED && !Lifecycle.isDone(config(), next.status())) {
            info("Its status is still " + next.status() + ": run 'ir resolve' when it is over.");
        }
        return 0;
    }
}
