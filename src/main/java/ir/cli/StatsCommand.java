package ir.cli;

import ir.model.Incident;
import ir.model.IrException;
import ir.model.Report;
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
@Command(name = "stats", description = {"Counts and times by severity, as mean, median and p90: MTTD (impact "
        + "start→detected), MTTA (detected→acknowledged), MTTM (impact start→last mitigation), MTTR (impact "
        + "start→resolved), and mean impact (the sum of an incident's impact windows). The same figures as 'ir "
        + "report' (docs/metrics.md has the formulas).",
        "Incidents are chosen and grouped by impact start. Drills are left out unless --drills, canceled incidents "
                + "unless --canceled. A figure counts only incidents that have both times."},
        footer = {"", "Examples:", "  ir stats --since 2026-01-01", "  ir stats --by quarter",
                "  ir stats --since -90d --csv > q3.csv"})
public final class StatsCommand extends IrCommand {
    @Option(names = "--since", paramLabel = "DATE", description = "Only incidents whose impact started on or after DATE.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Only incidents whose impact started before DATE.")
    String until;

    @Option(names = "--drills", description = "Count drills too.")
    boolean drills;

    @Option(names = "--by", paramLabel = "PERIOD", description = "One set of rows per month or quarter (UTC) of "
            + "impact start.")
    String by;

    @Option(names = {"--canceled", "--include-canceled"}, description = "Count canceled incidents too (declared by mistake or "
            + "twice: 'ir cancel').")
    boolean includeCanceled;

    @Option(names = "--json", description = "JSON: one object per severity and one for all (per period with --by); durations in "
            + "seconds.")
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
        Report.By period = by == null ? Report.By.MONTH : Report.By.parse(by);
        Report.Query query = new Report.Query(from, to, period, null, null, drills, includeCanceled);
        List<Incident> all = store().loadAll(msg -> warn(msg + " (skipped)"));
        List<Stats.Row> rows = Stats.compute(all, config(), query, by != null, clock().instant());
        if (json) {
            List<Object> out = new ArrayList<>();
            rows.forEach(r -> out.add(asMap(r)));
            out().println(store().json(out));
        } else if (csv) {
            StringBuilder header = new StringBuilder(by != null ? "period," : "").append("severity,incidents,open");
            for (String k : List.of("mttd", "mtta", "mttm", "mttr", "impact")) {
                header.append(',').append(k).append("_mean_s,").append(k).append("_median_s,").append(k)
                        .append("_p90_s,").append(k).append("_n");
            }
            out().println(header);
            for (Stats.Row r : rows) {
                out().println((by != null ? r.period() + "," : "") + String.join(",", r.severity(), "" + r.incidents(), "" + r.open(), csv(r.detect()),
                        csv(r.acknowledge()), csv(r.mitigate()), csv(r.resolve()), csv(r.impact())));
            }
        } else {
            out().println("median / p90" + (by != null ? ", by " + period.label() : "") + "; mean impact");
            out().println((by != null ? Text.pad("period", 9) : "") + Text.pad("severity", 9) + Text.pad("incidents", 11) + Text.pad("open", 6)
                    + Text.pad("MTTD", 18) + Text.pad("MTTA", 18) + Text.pad("MTTM", 18) + Text.pad("MTTR", 18)
                    + "mean impact");
            for (Stats.Row r : rows) {
                out().println((by != null ? Text.pad(r.period(), 9) : "") + Text.pad(r.severity(), 9) + Text.pad("" + r.incidents(), 11) + Text.pad("" + r.open(), 6)
                        + Text.pad(text(r.detect()), 18) + Text.pad(text(r.acknowledge()), 18)
                        + Text.pad(text(r.mitigate()), 18) + Text.pad(text(r.resolve()), 18)
                        + (r.impact().mean() == null ? "-" : Times.human(r.impact().mean())));
            }
        }
        return 0;
    }

    private static String text(Stats.Mean m) {
        return m.median() == null ? "-" : Times.human(m.median()) + " / " + Times.human(m.p90());
    }

    private static String csv(Stats.Mean m) {
        return seconds(m.mean()) + "," + seconds(m.median()) + "," + seconds(m.p90()) + "," + m.n();
    }

    private static String seconds(java.time.Duration d) {
        return d == null ? "" : String.valueOf(d.getSeconds());
    }

    private Map<String, Object> asMap(Stats.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (by != null) {
            m.put("period", r.period());
        }
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
        v.put("median", mean.median() == null ? null : mean.median().getSeconds());
        v.put("p90", mean.p90() == null ? null : mean.p90().getSeconds());
        v.put("n", mean.n());
        m.put(key, v);
    }
}
