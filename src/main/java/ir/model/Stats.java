package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Counts and times (MTTD, MTTA, MTTM, MTTR as mean, median and p90; mean impact) of a set of incidents, per severity
 * and in total, optionally per period. The intervals, the percentiles and the selection are {@link Report}'s (one
 * code path for {@code ir stats} and {@code ir report}). A figure is over the incidents that have both ends of the
 * interval; {@code n} says how many that was.
 */
public final class Stats {
    /** One row: a period ({@code all} without --by), a severity (or {@code all}) and its figures. */
    public record Row(String period, String severity, int incidents, int open, Mean detect, Mean acknowledge,
                      Mean mitigate, Mean resolve, Mean impact) {
    }

    /** Mean, median and p90 over {@code n} incidents; all null when n is 0. */
    public record Mean(Duration mean, Duration median, Duration p90, int n) {
        static Mean of(List<Duration> ds) {
            if (ds.isEmpty()) {
                return new Mean(null, null, null, 0);
            }
            long total = 0;
            for (Duration d : ds) {
                total += d.getSeconds();
            }
            Report.Measure m = Report.Measure.of(ds);
            return new Mean(Duration.ofSeconds(Math.round((double) total / ds.size())), m.median(), m.p90(),
                    ds.size());
        }
    }

    private Stats() {
    }

    /** Rows in the config's severity order (severities with no incident left out), then {@code all}. */
    public static List<Row> compute(List<Incident> incidents, IrConfig config, Instant now) {
        return rows("all", incidents, config, now);
    }

    /** The incidents the query selects, then rows per period (oldest first) when {@code byPeriod}, else overall. */
    public static List<Row> compute(List<Incident> incidents, IrConfig config, Report.Query query, boolean byPeriod,
                                    Instant now) {
        List<Incident> chosen = Report.select(incidents, query);
        if (!byPeriod) {
            return rows("all", chosen, config, now);
        }
        Map<String, List<Incident>> periods = new java.util.TreeMap<>();
        for (Incident i : chosen) {
            periods.computeIfAbsent(Report.periodOf(Report.impactStart(i), query.by()), k -> new ArrayList<>()).add(i);
        }
        List<Row> out = new ArrayList<>();
        periods.forEach((p, list) -> out.addAll(rows(p, list, config, now)));
        return out;
    }

    private static List<Row> rows(String period, List<Incident> incidents, IrConfig config, Instant now) {
        Map<String, List<Incident>> bySeverity = new LinkedHashMap<>();
        for (IrConfig.Severity s : config.severities()) {
            bySeverity.put(s.name(), new ArrayList<>());
        }
        for (Incident i : incidents) {
            bySeverity.computeIfAbsent(i.severity() == null ? "(none)" : i.severity(), k -> new ArrayList<>()).add(i);
        }
        List<Row> rows = new ArrayList<>();
        bySeverity.forEach((sev, list) -> {
            if (!list.isEmpty()) {
                rows.add(row(period, sev, list, now));
            }
        });
        rows.add(row(period, "all", incidents, now));
        return rows;
    }

    private static Row row(String period, String severity, List<Incident> list, Instant now) {
        List<Report.Times4> ts = list.stream().map(Report.Times4::of).toList();
        int open = (int) list.stream().filter(i -> i.time(Milestone.RESOLVED) == null
                && !IrConfig.RESOLVED.equals(i.status()) && !IrConfig.CLOSED.equals(i.status())
                && !IrConfig.CANCELED.equals(i.status())).count();
        List<Duration> impacts = new ArrayList<>();
        for (Incident i : list) {
            Duration d = Phases.ongoing(i) ? null : Phases.impact(i, now);
            if (d != null) {
                impacts.add(d);
            }
        }
        return new Row(period, severity, list.size(), open, mean(ts, Report.Times4::detect),
                mean(ts, Report.Times4::acknowledge), mean(ts, Report.Times4::mitigate),
                mean(ts, Report.Times4::resolve), Mean.of(impacts));
    }

    private static Mean mean(List<Report.Times4> ts, Function<Report.Times4, Duration> f) {
        List<Duration> values = new ArrayList<>();
        for (Report.Times4 t : ts) {
            Duration v = f.apply(t);
            if (v != null) {
                values.add(v);
            }
        }
        return Mean.of(values);
    }
}
