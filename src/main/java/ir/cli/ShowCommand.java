package ir.cli;

import ir.model.Incident;
import ir.model.IrException;
import ir.model.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code ir show}: the live state of an incident. */
@Command(name = "show", description = {"Show an incident: severity, status, roles, milestones and the durations so "
        + "far, and the timeline in time order."},
        footer = {"", "Examples:", "  ir show", "  ir show -i checkout --local", "  ir show --json | jq '.timeline[]'",
                "  ir show --as-of '2015-10-21 15:10'    (what was known at 15:10, incident time)",
                "  ir show --as-of 3f9c2a1               (the file as recorded in that commit)",
                "  ir show --follow                      (then each new entry as it arrives, until Ctrl-C)",
                "  ir show -f --json | jq -c 'select(.type == \"event\") | .event'"})
public final class ShowCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Option(names = "--json", description = "The incident document as JSON, with computed durations under "
            + "'computed'.")
    boolean json;

    @Option(names = "--local", description = "Show times in the local time zone instead of UTC.")
    boolean local;

    @Option(names = "--as-of", paramLabel = "TIME|COMMIT", description = {"A TIME (" + ir.model.Times.FORMATS
            + ") replays the timeline to that moment of the incident: severity, status, roles, milestones and entries "
            + "as known then, backdated entries and other clones' entries included.",
            "A COMMIT (an id or ref, see 'ir history') shows the file as recorded in that commit."})
    String asOf;

    @Option(names = {"-f", "--follow"}, description = {"After the state, print each new timeline entry as it arrives "
            + "in this clone (logged by anyone here, or merged by a sync or auto-sync), with severity, status and "
            + "role changes, until interrupted (Ctrl-C). Each entry is printed once: '+ DATE TIME  AUTHOR  TYPE  "
            + "TEXT' (TYPE followed by '!' when important; a change as 'FROM -> TO'); a change that no entry speaks "
            + "for (an edit) as '~ changed: FIELDS'.",
            "With --json, one JSON object per line: {\"type\":\"state\",\"incident\":{...}} first, then "
                    + "{\"type\":\"event\",\"incident\":ID,\"event\":{...}} per entry and "
                    + "{\"type\":\"change\",\"incident\":ID,\"fields\":[...]}. While it runs, this clone "
                    + "is kept synced if auto-sync is on."})
    boolean follow;

    @Override
    protected int run() {
        if (follow) {
            return follow();
        }
        String id = store().select(incident.incident);
        Incident i;
        java.time.Clock clock = clock();
        Map<String, Object> extra = new java.util.LinkedHashMap<>();
        if (asOf == null) {
            i = store().load(id);
        } else {
            java.time.Instant time = asTime();
            java.time.Instant then;
            if (time != null) {
                // Incident time: the merged timeline replayed to that moment.
                i = Replay.asOf(store().load(id), config(), time);
                then = time;
                extra.put("as_of_kind", "time");
                info("As of " + ir.model.Times.short_(then, clock, local) + " in incident time: replayed from the "
                        + "timeline (" + i.timeline().size() + " entries by then, backdated ones included)");
            } else {
                // Record time: the file as that commit holds it.
                var snapshot = store().snapshotAt(id, asOf);
                i = snapshot.incident();
                then = snapshot.revision().at();
                extra.put("as_of_kind", "commit");
                extra.put("as_of_commit", snapshot.revision().commit());
                info("As of commit " + snapshot.revision().commit().substring(0, 8) + " ("
                        + ir.model.Times.short_(then, clock, local) + "): " + snapshot.revision().subject());
            }
            // Durations are counted up to that moment, as they stood then.
            clock = java.time.Clock.fixed(then, clock.getZone());
        }
        ir.model.Freshness fresh = freshness();
        if (json) {
            Map<String, Object> computed = new java.util.LinkedHashMap<>(IncidentView.computed(i, clock.instant()));
            computed.putAll(extra);
            Map<String, Object> top = new java.util.LinkedHashMap<>();
            top.put("computed", computed);
            if (fresh != null) {
                top.put("sync", syncJson(fresh, clock()));
            }
            out().println(store().json(i, top));
        } else {
            if (fresh != null) {
                info(fresh.describe(clock().instant(), clock().getZone()));
            }
            printText(i, clock);
        }
        long waiting = store().outbox().stream().filter(m -> m.undelivered() && m.incident().equals(i.id())).count();
        if (waiting > 0) {
            info(waiting + " notification" + (waiting == 1 ? "" : "s") + " of " + i.id() + " not delivered yet: see "
                    + "'ir notify'");
        }
        return 0;
    }

    /** {@code --follow}: the state, then what arrives, until a signal or an interrupt (exit 0). */
    private int follow() {
        if (asOf != null) {
            throw IrException.usage("--follow shows what arrives from now on and --as-of what was known then: "
                    + "give one of them");
        }
        String id = store().select(incident.incident);
        Follow.Stamp stamp = Follow.Stamp.of(store().workspace().incidentFile(id));
        Incident first = store().load(id);
        Follow f = new Follow(store(), id, out(), clock(), local, json, this::warn);
        // Ctrl-C and a service manager's stop end the loop, and the command exits 0 with its output flushed.
        Runnable restore = ir.serve.Signals.onTerminate(f::stop, f::stop);
        AutoCloseable synced = store().keepSynced();
        try {
            return f.follow(first, stamp, i -> {
                if (json) {
                    Map<String, Object> line = new java.util.LinkedHashMap<>();
                    line.put("type", "state");
                    line.put("incident", i);
                    line.put("computed", IncidentView.computed(i, clock().instant()));
                    out().println(store().jsonLine(line));
                } else {
                    ir.model.Freshness fresh = freshness();
                    if (fresh != null) {
                        info(fresh.describe(clock().instant(), clock().getZone()));
                    }
                    printText(i, clock());
                    info("Following " + id + ": new entries appear below as they arrive (times in "
                            + (local ? clock().getZone().getId() : "UTC") + "; Ctrl-C stops).");
                }
            });
        } finally {
            restore.run();
            try {
                synced.close();
            } catch (Exception e) {
                warn("auto-sync did not stop cleanly: " + e.getMessage());
            }
        }
    }

    private void printText(Incident i, java.time.Clock clock) {
        java.io.StringWriter view = new java.io.StringWriter();
        java.io.PrintWriter w = new java.io.PrintWriter(view);
        IncidentView.print(w, i, clock, local);
        w.flush();
        out().print(Text.forTerminal(view.getBuffer()));
    }

    /** The {@code sync} object of {@code --json} output: how current this clone's view is (see ir sync --auto). */
    static Map<String, Object> syncJson(ir.model.Freshness f, java.time.Clock clock) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("auto", f.auto());
        m.put("last_sync", f.lastSync() == null ? null : f.lastSync().toString());
        m.put("offline_since", f.offlineSince() == null ? null : f.offlineSince().toString());
        m.put("unpushed", f.unpushed());
        m.put("problem", f.problem());
        m.put("text", f.describe(clock.instant(), clock.getZone()));
        return m;
    }

    /** {@code --as-of} as a time when ir's time parser reads it as one; otherwise it names a commit (null). */
    private java.time.Instant asTime() {
        try {
            return ir.model.Times.parseAny(asOf, clock(), "--as-of");
        } catch (ir.model.IrException notATime) {
            if (notATime.getMessage().contains("outside the years")) {
                throw notATime; // a time after all, one ir does not keep
            }
            return null;
        }
    }
}
