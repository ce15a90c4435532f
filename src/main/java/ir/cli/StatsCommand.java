package ir.cli;

import ir.model.Cancellation;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.Stats;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir stats}: how fast the team detects, acknowledges, mitigates and resolves, by severity. */
@Command(name = "stats", description = {"Counts and mean times by severity: MTTD (started→detected), MTTA "
        + "(detected→acknowledged), MTTM (started→mitigated), MTTR (started→resolved) and mean impact.",
        "Drills are left out unless --drills, canceled incidents unless --include-canceled. A mean counts only "
                + "incidents that have both times."},
        footer = {"", "Examples:", "  ir stats --since 2026-01-01", "  ir stats --since -90d --csv > q3.csv"})
public final class StatsCommand extends IrCommand {
    @Option(names = "--since", paramLabel = "DATE", description = "Only incidents declared on or after DATE.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Only incidents declared before DATE.")
    String until;

    @Option(names = "--drills", description = "Count drills too.")
    boolean drills;

    @Option(names = "--include-canceled", description = "Count canceled incidents too (declared by mistake or "
            + "twice: 'ir cancel').")
    boolean includeCanceled;

    @Option(names = "--json", description = "JSON: one object per severity and one for all; durations in seconds.")
    boolean json;

    @Option(names = "--csv", description = "CSV with a header line; durations in seconds.")
    boolean csv;

    @Override
    protected int run() {
        if (json && csv) {
            throw IrException.usage("choose one of --json and --csv");
        }
        Instant from = since == null ? null : Times.parseAny(since, clock(), "--since");
        Instant to = until == null ? null : Times.parseAny(until, clock(), "--until");
        if (from != null && to != null && !from.isBefore(to)) {
            throw IrException.usage("--since must be before --until");
        }
        List<Incident> chosen = new ArrayList<>();
        for (Incident i : store().loadAll(msg -> warn(msg + " (skipped)"))) {
            Instant opened = i.openedAt();
            if (i.drill() && !drills || Cancellation.isCanceled(i) && !includeCanceled || opened == null
                    || from != null && opened.isBefore(from)
                    || to != null && !opened.isBefore(to)) {
                continue;
            }
            chosen.add(i);
        }
        List<Stats.Row> rows = Stats.compute(chosen, config(), clock().instant());
        if (json) {
            List<Object> out = new ArrayList<>();
            rows.forEach(r -> out.add(asMap(r)));
            out().println(store().json(out));
        } else if (csv) {
            out().println("severity,incidents,open,mttd_s,mttd_n,mtta_s,mtta_n,mttm_s,mttm_n,mttr_s,mttr_n,"
                    + "mean_impact_s,mean_impact_n");
            for (Stats.Row r : rows) {
                out().println(String.join(",", r.severity(), "" + r.incidents(), "" + r.open(), csv(r.detect()),
                        csv(r.acknowledge()), csv(r.mitigate()), csv(r.resolve()), csv(r.impact())));
            }
        } else {
            out().println(Text.pad("severity", 9) + Text.pad("incidents", 11) + Text.pad("open", 6)
                    + Text.pad("MTTD", 10) + Text.pad("MTTA", 10) + Text.pad("MTTM", 10) + Text.pad("MTTR", 10)
                    + "mean impact");
            for (Stats.Row r : rows) {
                out().println(Text.pad(r.severity(), 9) + Text.pad("" + r.incidents(), 11) + Text.pad("" + r.open(), 6)
                        + Text.pad(text(r.detect()), 10) + Text.pad(text(r.acknowledge()), 10)
                        + Text.pad(text(r.mitigate()), 10) + Text.pad(text(r.resolve()), 10) + text(r.impact()));
            }
        }
        return 0;
    }

    private static String text(Stats.Mean m) {
        return m.mean() == null ? "-" : Times.human(m.mean());
    }

    private static String csv(Stats.Mean m) {
        return (m.mean() == null ? "" : String.valueOf(m.mean().getSeconds())) + "," + m.n();
    }

    private static Map<String, Object> asMap(Stats.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("severity", r.severity());
        m.put("incidents", r.incidents());
        m.put("open", r.open());
        put(m, "mttd", r.detect());
        put(m, "mtta", r.acknowledge());
        put(m, "mttm", r.mitigate());
        put(m, "mttr", r.resolve());
        put(m, "mean_impact", r.impact());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Stats.Mean mean) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("seconds", mean.mean() == null ? null : mean.mean().getSeconds());
        v.put("n", mean.n());
        m.put(key, v);
    }
}
