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

    @Option(names = "--as-of", paramLabel = "TIME|COMMIT", description = "The incident as it was recorded at that "
            + "time (" + ir.model.Times.FORMATS + ") or in that commit (see 'ir history'), read from git.")
    String asOf;

    @Override
    protected int run() {
        String id = store().select(incident.incident);
        Incident i;
        java.time.Clock clock = clock();
        if (asOf == null) {
            i = store().load(id);
        } else {
            var snapshot = asOfSnapshot(id);
            i = snapshot.incident();
            // Durations are counted up to that moment, as they stood then.
            java.time.Instant then = asOfTime != null ? asOfTime : snapshot.revision().at();
            clock = java.time.Clock.fixed(then, clock.getZone());
            info("As of " + ir.model.Times.short_(then, clock, local) + ": commit "
                    + snapshot.revision().commit().substring(0, 8) + " " + snapshot.revision().subject());
        }
        if (json) {
            out().println(store().json(i, Map.of("computed", IncidentView.computed(i, clock.instant()))));
        } else {
            java.io.StringWriter view = new java.io.StringWriter();
            java.io.PrintWriter w = new java.io.PrintWriter(view);
            IncidentView.print(w, i, clock, local);
            w.flush();
            out().print(Text.forTerminal(view.getBuffer()));
        }
        return 0;
    }

    private java.time.Instant asOfTime;

    /** A time when {@code --as-of} reads as one, else a git revision. */
    private ir.store.IncidentStore.Snapshot asOfSnapshot(String id) {
        try {
            asOfTime = ir.model.Times.parseAny(asOf, clock(), "--as-of");
        } catch (ir.model.IrException notATime) {
            return store().snapshotAt(id, asOf);
        }
        return store().snapshotAsOf(id, asOfTime);
    }

}
