package ir.cli;

import ir.model.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;

/** {@code ir severity}: escalates or downgrades an incident. */
@Command(name = "severity", description = {"Change the incident's severity (a level from ir.yaml).",
        "Records a timeline event with from/to; 'ir show' gives the time spent at each severity."},
        footer = {"", "Examples:", "  ir severity SEV-1 --reason \"EU customers cannot pay\"",
                "  ir severity -i checkout 3 --at 15:40"})
public final class SeverityCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "SEV", description = "The new severity, e.g. SEV-1 (or just 1).")
    String severity;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the timeline.")
    String reason;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        Instant when = at.instant(clock());
        String why = TextArgs.option(reason, "--reason");
        String sev = config().severity(severity);
        String id = store().select(incident.incident);
        String who = store().author();
        var next = update(id, i -> Lifecycle.severity(i, config(), sev, why, when, who));
        info(id + " is now " + next.severity());
        return 0;
    }
}
