package ir.cli;

import ir.model.Incident;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code ir show}: the live state of an incident. */
@Command(name = "show", description = {"Show an incident: severity, status, roles, milestones and the durations so "
        + "far, and the timeline in time order."},
        footer = {"", "Examples:", "  ir show", "  ir show -i checkout --local", "  ir show --json | jq '.timeline[]'"})
public final class ShowCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Option(names = "--json", description = "The incident document as JSON, with computed durations under "
            + "'computed'.")
    boolean json;

    @Option(names = "--local", description = "Show times in the local time zone instead of UTC.")
    boolean local;

    @Override
    protected int run() {
        Incident i = store().load(store().select(incident.incident));
        if (json) {
            out().println(store().json(i, Map.of("computed", IncidentView.computed(i, clock().instant()))));
        } else {
            IncidentView.print(out(), i, clock(), local);
        }
        return 0;
    }

}
