package ir.cli;

import ir.model.Cancellation;
import ir.model.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code ir status}: moves an incident through its lifecycle. */
@Command(name = "status", description = {"Move the incident to a status from ir.yaml (investigating, identified, "
        + "monitoring, resolved, closed).",
        "Entering monitoring sets mitigated_at, resolved sets resolved_at, closed sets closed_at (when not yet set).",
        "A resolved incident goes back only with 'ir reopen WHY'; closed needs resolved first."},
        footer = {"", "Examples:", "  ir status identified bad config push in eu-west-1",
                "  ir status monitoring --at 16:00 rolled back, error rate back to normal", "  ir status closed"})
public final class StatusCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "STATUS", description = "The new status.")
    String status;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TEXT",
            description = "What brought the change, for the timeline ('-' reads standard input).")
    List<String> words;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        return change(this, incident.incident, config().status(status), TextArgs.optional(words, env().in()),
                at.instant(clock()));
    }

    /** Shared by {@code status} and {@code resolve}. */
    static int change(IrCommand cmd, String query, String status, String text, Instant when) {
        String id = cmd.store().select(query);
        String who = cmd.store().author();
        var next = cmd.update(id, i -> Lifecycle.status(Cancellation.checkStatusMove(i, status), cmd.config(), status,
                text, when, who));
        cmd.info(id + " is now " + next.status());
        return 0;
    }
}
