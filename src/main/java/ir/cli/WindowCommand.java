package ir.cli;

import ir.model.ImpactWindow;
import ir.model.Incident;
import ir.model.Phases;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir window}: the incident's impact windows (degraded, recovered, then a full outage, ...). */
@Command(name = "window", description = {"Impact windows: the stretches of customer impact, when an incident "
        + "recovers and comes back.",
        "started is the start of the first window and mitigated the end of the last. 'ir status monitoring' ends "
                + "the open window; going back to investigating opens a new one."},
        subcommands = {WindowCommand.Start.class, WindowCommand.End.class, WindowCommand.ListWindows.class,
                WindowCommand.Label.class},
        footer = {"", "Examples:", "  ir window start --at 22:52 --label \"full outage\"", "  ir window end --at 00:01",
                "  ir window list"})
public final class WindowCommand extends IrCommand {
    @Override
    protected int run() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code ir window start}. */
    @Command(name = "start", description = {"Open a new impact window (refused while one is open)."},
            footer = {"", "Examples:", "  ir window start --label degraded --at 14:54",
                    "  ir window start --at \"2018-10-21 22:52\" --label \"full outage\""})
    public static final class Start extends IrCommand {
        @Mixin
        ForceOption force;

        @Mixin
        IncidentOption incident;

        @Mixin
        AtOption at;

        @Option(names = "--label", paramLabel = "TEXT", description = "What kind of impact: degraded, full outage, "
                + "...")
        String label;

        @Override
        protected int run() {
            Instant when = at.instant(clock());
            String id = store().select(incident.incident);
            String who = store().author();
            Incident next = update(id, i -> Phases.startWindow(i, when, label, who));
            info(id + ": impact window " + Phases.windows(next).size() + " started at "
                    + Times.short_(when, clock(), false));
            return 0;
        }
    }

    /** {@code ir window end}. */
    @Command(name = "end", description = {"End the open impact window: the impact is mitigated (sets mitigated_at)."},
            footer = {"", "Examples:", "  ir window end", "  ir window end --at 00:01"})
    public static final class End extends IrCommand {
        @Mixin
        ForceOption force;

        @Mixin
        IncidentOption incident;

        @Mixin
        AtOption at;

        @Override
        protected int run() {
            Instant when = at.instant(clock());
            String id = store().select(incident.incident);
            String who = store().author();
            Incident next = update(id, i -> Phases.endWindow(i, when, who));
            info(id + ": impact window " + Phases.windows(next).size() + " ended at "
                    + Times.short_(when, clock(), false));
            return 0;
        }
    }

    /** {@code ir window label}. */
    @Command(name = "label", description = {"Label an impact window (the last one unless --window N); an empty "
            + "label removes it."},
            footer = {"", "Examples:", "  ir window label degraded --window 1", "  ir window label full outage"})
    public static final class Label extends IrCommand {
        @Mixin
        ForceOption force;

        @Mixin
        IncidentOption incident;

        @Option(names = "--window", paramLabel = "N", description = "Which window, from 1 (default: the last).")
        int window;

        @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The label.")
        List<String> words;

        @Override
        protected int run() {
            String label = words == null ? "" : String.join(" ", words);
            String id = store().select(incident.incident);
            String who = store().author();
            update(id, i -> Phases.label(i, window, label, who));
            info(id + ": impact window " + (window == 0 ? "" : window + " ") + (label.isBlank() ? "unlabelled"
                    : "labelled"));
            return 0;
        }
    }

    /** {@code ir window list}. */
    @Command(name = "list", description = {"The impact windows and the data-loss window, with their lengths."},
            footer = {"", "Examples:", "  ir window list", "  ir window list --json"})
    public static final class ListWindows extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Option(names = "--json", description = "A JSON object: impact_windows (each with its seconds) and "
                + "data_loss.")
        boolean json;

        @Option(names = "--local", description = "Times in the local time zone instead of UTC.")
        boolean local;

        @Override
        protected int run() {
            String id = store().select(incident.incident);
            Incident i = store().load(id);
            Instant now = clock().instant();
            List<ImpactWindow> windows = Phases.windows(i);
            if (json) {
                List<Object> list = new ArrayList<>();
                for (ImpactWindow w : windows) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("started_at", Times.format(w.startedAt()));
                    m.put("mitigated_at", w.mitigatedAt() == null ? null : Times.format(w.mitigatedAt()));
                    m.put("label", w.label());
                    m.put("seconds", w.length(now).getSeconds());
                    m.put("ongoing", w.open());
                    list.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("id", id);
                doc.put("impact_windows", list);
                if (i.dataLoss() != null) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("from", Times.format(i.dataLoss().from()));
                    d.put("to", i.dataLoss().to() == null ? null : Times.format(i.dataLoss().to()));
                    d.put("note", i.dataLoss().note());
                    doc.put("data_loss", d);
                }
                out().println(store().json(doc));
                return 0;
            }
            StringBuilder b = new StringBuilder();
            if (windows.isEmpty()) {
                info(id + " has no impact window recorded yet: 'ir window start --at TIME' or 'ir mark started "
                        + "--at TIME'");
            }
            String zone = local ? clock().getZone().getId() : "UTC";
            if (!windows.isEmpty()) {
                b.append(Text.pad("#", 3)).append(Text.pad("started (" + zone + ")", 18))
                        .append(Text.pad("mitigated", 18)).append(Text.pad("duration", 10)).append("label\n");
            }
            int n = 0;
            for (ImpactWindow w : windows) {
                b.append(Text.pad(String.valueOf(++n), 3)).append(Text.pad(when(w.startedAt(), local), 18))
                        .append(Text.pad(w.open() ? "ongoing" : when(w.mitigatedAt(), local), 18))
                        .append(Text.pad(Times.human(w.length(now)), 10))
                        .append(w.label() == null ? "" : w.label()).append('\n');
            }
            if (i.dataLoss() != null) {
                b.append("data loss ").append(when(i.dataLoss().from(), local)).append(" .. ")
                        .append(i.dataLoss().to() == null ? "unknown" : when(i.dataLoss().to(), local))
                        .append(i.dataLoss().note() == null ? "" : "  " + i.dataLoss().note()).append('\n');
            }
            out().print(Text.forTerminal(b));
            return 0;
        }

        private String when(Instant at, boolean inLocal) {
            var zdt = inLocal ? at.atZone(clock().getZone()) : at.atZone(ZoneOffset.UTC);
            return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm").format(zdt);
        }
    }
}
