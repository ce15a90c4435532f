package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Counts and mean times (MTTD, MTTA, MTTM, MTTR, mean impact) of a set of incidents, per severity and in total.
 * A mean is over the incidents that have both ends of the interval; {@code n} says how many that was.
 */
public final class Stats {
    /** One row: a severity (or {@code all}) and its figures. */
    public record Row(String severity, int incidents, int open, Mean detect, Mean acknowledge, Mean mitigate,
                      Mean resolve, Mean impact) {
    }

    /** A mean duration over {@code n} incidents; {@code mean} is null when n is 0. */
    public record Mean(Duration mean, int n) {
        static Mean of(List<Duration> ds) {
            if (ds.isEmpty()) {
                return new Mean(null, 0);
            }
            long total = 0;
            for (Duration d : ds) {
                total += d.getSeconds();
            }
            return new Mean(Duration.ofSeconds(Math.round((double) total / ds.size())), ds.size());
        }
    }

    private Stats() {
    }

    /** Rows in the config's severity order (severities with no incident left out), then {@code all}. */
    public static List<Row> compute(List<Incident> incidents, IrConfig config, Instant now) {
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
                rows.add(row(sev, list, now));
            }
        });
        rows.add(row("all", incidents, now));
        return rows;
    }

    private static Row row(String severity, List<Incident> list, Instant now) {
        List<Durations> ds = list.stream().map(i -> Durations.of(i, now)).toList();
        int open = (int) list.stream().filter(i -> i.time(Milestone.RESOLVED) == null
                && !IrConfig.RESOLVED.equals(i.status()) && !IrConfig.CLOSED.equals(i.status())
                && !IrConfig.CANCELED.equals(i.status())).count();
        return new Row(severity, list.size(), open, mean(ds, Durations::toDetect),
                mean(ds, Durations::toAcknowledge), mean(ds, Durations::toMitigate), mean(ds, Durations::toResolve),
                mean(ds.stream().filter(d -> !d.impactOngoing()).toList(), Durations::impact));
    }

    private static Mean mean(List<Durations> ds, Function<Durations, Duration> f) {
        List<Duration> values = new ArrayList<>();
        for (Durations d : ds) {
            Duration v = f.apply(d);
            if (v != null && !v.isNegative()) {
                values.add(v);
            }
        }
        return Mean.of(values);
    }
}
