package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the team can learn from a set of incidents, per period and overall: counts by severity, MTTD / MTTA / MTTM /
 * MTTR as median and p90, time at the major severities, top tags, repeats, action-item follow-through, post-mortems
 * overdue for review and checklist steps done on time. Pure: {@code ir report}, {@code ir stats} and the site all
 * read this one computation. The formulas are in {@code docs/metrics.md}; in short:
 * <ul>
 * <li>impact start ({@link #impactStart}): the first impact window's start, else {@code started_at}, else
 * {@code detected_at}, else {@code opened_at}. An incident belongs to the period (UTC month or quarter) its impact
 * started in, and {@code --since}/{@code --until} select on it too.</li>
 * <li>MTTD = detected − impact start; MTTA = acknowledged − detected (impact start when detection is not recorded);
 * MTTM = last mitigation (the end of the last impact window, else {@code mitigated_at}; none while impact is
 * ongoing) − impact start; MTTR = resolved − impact start. A value is counted only when both ends are recorded and
 * it is not negative.</li>
 * <li>median: the middle value, or the mean of the two middle values (rounded down to the second); p90: nearest
 * rank, the value at rank ⌈0.9·n⌉ of the sorted values.</li>
 * </ul>
 */
public final class Report {
    /** Days within which a second incident with the same tag counts as a repeat. */
    public static final int REPEAT_DAYS = 30;
    /** Days after resolution by which a required post-mortem should be reviewed. */
    public static final int REVIEW_DAYS = 7;
    /** How many tags the report lists. */
    public static final int TOP_TAGS = 10;

    /** Period lengths. */
    public enum By {
        MONTH, QUARTER;

        public static By parse(String text) {
            String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "month", "months", "monthly" -> MONTH;
                case "quarter", "quarters", "quarterly" -> QUARTER;
                default -> throw IrException.usage("unknown period '" + (text == null ? "" : text.strip())
                        + "': use month or quarter");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What to report on: impact start in [since, until) (null: unbounded), severity and tag (null: any), drills and
     * canceled incidents only when asked.
     */
    public record Query(Instant since, Instant until, By by, String severity, String tag, boolean drills,
                        boolean canceled) {
        public Query {
            by = by == null ? By.MONTH : by;
        }

        public static Query all() {
            return new Query(null, null, By.MONTH, null, null, false, false);
        }
    }

    /** A median and a p90 over {@code n} values; both null when n is 0. */
    public record Measure(Duration median, Duration p90, int n) {
        public static Measure of(List<Duration> values) {
            List<Long> s = new ArrayList<>();
            for (Duration d : values) {
                s.add(d.getSeconds());
            }
            s.sort(null);
            int n = s.size();
            if (n == 0) {
                return new Measure(null, null, 0);
            }
            long median = n % 2 == 1 ? s.get(n / 2) : Math.floorDiv(s.get(n / 2 - 1) + s.get(n / 2), 2);
            int rank = (int) Math.ceil(0.9 * n);
            long p90 = s.get(Math.max(rank, 1) - 1);
            return new Measure(Duration.ofSeconds(median), Duration.ofSeconds(p90), n);
        }
    }

    /** Figures of one period (or of the whole range: label {@code all}). */
    public record Period(String label, Instant from, Instant to, int incidents, Map<String, Integer> bySeverity,
                         Measure mttd, Measure mtta, Measure mttm, Measure mttr, Map<String, Duration> timeAtSeverity,
                         int repeats, int actionsCreated, int actionsDone) {
    }

    /** A tag and the number of incidents that carry it. */
    public record TagCount(String tag, int incidents) {
    }

    /** An incident whose tag was on another incident that started at most {@link #REPEAT_DAYS} before it. */
    public record Repeat(String id, String tag, String previous, Duration after) {
    }

    /** Action items of the incidents reported on. {@code overdue}: still open with a due date before as-of. */
    public record Actions(int created, int done, int wontDo, int open, int overdue, Measure timeToDone) {
    }

    /** A required post-mortem not reviewed {@link #REVIEW_DAYS} days after resolution. */
    public record OverduePostmortem(String id, String title, String severity, Instant resolved, String status,
                                    long daysOverdue) {
    }

    /**
     * The report: the query, as-of instant (the earlier of {@code until} and now), the severities in config order
     * (those held by an incident), the major severities whose time is totalled, the periods (oldest first, empty ones
     * between included), the overall figures, and the lists.
     */
    public record Result(Query query, Instant asOf, List<String> severities, List<String> majorSeverities,
                         List<Period> periods, Period overall, List<TagCount> topTags, List<Repeat> repeats,
                         Actions actions, List<OverduePostmortem> overduePostmortems,
                         List<Checklists.OnTime> checklist, List<String> incidentIds) {
    }

    private Report() {
    }

    // ---- selection ---------------------------------------------------------------------------------------------

    /** Where the incident's impact began; null when nothing is recorded (no window, no milestone). */
    public static Instant impactStart(Incident i) {
        List<ImpactWindow> ws = i.impactWindows();
        if (!ws.isEmpty()) {
            Instant first = ws.get(0).startedAt();
            for (ImpactWindow w : ws) {
                first = w.startedAt().isBefore(first) ? w.startedAt() : first;
            }
            return first;
        }
        for (Milestone m : List.of(Milestone.STARTED, Milestone.DETECTED, Milestone.OPENED)) {
            if (i.time(m) != null) {
                return i.time(m);
            }
        }
        return null;
    }

    /** The last mitigation: the end of the last impact window (null while one is open), else {@code mitigated_at}. */
    public static Instant lastMitigation(Incident i) {
        List<ImpactWindow> ws = i.impactWindows();
        if (!ws.isEmpty()) {
            Instant last = null;
            for (ImpactWindow w : ws) {
                if (w.open()) {
                    return null;
                }
                last = last == null || w.mitigatedAt().isAfter(last) ? w.mitigatedAt() : last;
            }
            return last;
        }
        return i.time(Milestone.MITIGATED);
    }

    /** The incidents the query selects, by impact start (then id). */
    public static List<Incident> select(List<Incident> incidents, Query q) {
        List<Incident> out = new ArrayList<>();
        for (Incident i : incidents) {
            Instant start = impactStart(i);
            if (start == null || i.drill() && !q.drills() || Cancellation.isCanceled(i) && !q.canceled()
                    || q.since() != null && start.isBefore(q.since())
                    || q.until() != null && !start.isBefore(q.until())
                    || q.severity() != null && !q.severity().equalsIgnoreCase(i.severity())
                    || q.tag() != null && i.list(ListField.TAGS).stream().noneMatch(q.tag()::equalsIgnoreCase)) {
                continue;
            }
            out.add(i);
        }
        out.sort(Comparator.comparing(Report::impactStart).thenComparing(Incident::id));
        return out;
    }

    // ---- per-incident values -----------------------------------------------------------------------------------

    /** The four intervals of one incident (null when an end is missing or the interval is negative). */
    public record Times4(Duration detect, Duration acknowledge, Duration mitigate, Duration resolve) {
        public static Times4 of(Incident i) {
            Instant start = impactStart(i);
            Instant detected = i.time(Milestone.DETECTED);
            return new Times4(between(start, detected),
                    between(detected != null ? detected : start, i.time(Milestone.ACKNOWLEDGED)),
                    between(start, lastMitigation(i)), between(start, i.time(Milestone.RESOLVED)));
        }
    }

    private static Duration between(Instant a, Instant b) {
        if (a == null || b == null || b.isBefore(a)) {
            return null;
        }
        return Duration.between(a, b);
    }

    /** The period label of an instant: {@code 2026-11} or {@code 2026-Q4} (UTC). */
    public static String periodOf(Instant at, By by) {
        LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate();
        return by == By.MONTH ? YearMonth.from(d).toString()
                : d.getYear() + "-Q" + ((d.getMonthValue() - 1) / 3 + 1);
    }

    private static LocalDate periodStart(Instant at, By by) {
        LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return by == By.MONTH ? d : d.withMonth((d.getMonthValue() - 1) / 3 * 3 + 1);
    }

    // ---- the computation ---------------------------------------------------------------------------------------

    /** The report over {@code incidents} (all of them: the query selects), as of the earlier of until and now. */
    public static Result compute(List<Incident> incidents, IrConfig config, Query q, Instant now) {
        Instant asOf = q.until() != null && q.until().isBefore(now) ? q.until() : now;
        List<Incident> chosen = select(incidents, q);
        List<String> severities = severities(chosen, config);
        List<String> major = major(config);

        Map<String, Repeat> repeats = repeats(chosen);
        Map<String, List<Incident>> byPeriod = new TreeMap<>();
        Map<String, Instant[]> bounds = new HashMap<>();
        if (!chosen.isEmpty()) {
            // Every period from the first to the last, empty ones too: a chart's gaps mean quiet months.
            LocalDate p = periodStart(impactStart(chosen.get(0)), q.by());
            LocalDate last = periodStart(impactStart(chosen.get(chosen.size() - 1)), q.by());
            while (!p.isAfter(last)) {
                LocalDate next = q.by() == By.MONTH ? p.plusMonths(1) : p.plusMonths(3);
                Instant from = p.atStartOfDay(ZoneOffset.UTC).toInstant();
                String label = periodOf(from, q.by());
                byPeriod.put(label, new ArrayList<>());
                bounds.put(label, new Instant[]{from, next.atStartOfDay(ZoneOffset.UTC).toInstant()});
                p = next;
            }
        }
        for (Incident i : chosen) {
            byPeriod.get(periodOf(impactStart(i), q.by())).add(i);
        }
        List<Period> periods = new ArrayList<>();
        byPeriod.forEach((label, list) -> periods.add(period(label, bounds.get(label)[0], bounds.get(label)[1], list,
                severities, major, repeats, asOf)));
        Period overall = period("all", q.since(), q.until(), chosen, severities, major, repeats, asOf);

        return new Result(q, asOf, severities, major, periods, overall, topTags(chosen),
                List.copyOf(repeats.values()), actions(chosen, asOf), overduePostmortems(chosen, config, asOf),
                Checklists.onTime(chosen, asOf), chosen.stream().map(Incident::id).toList());
    }

    private static Period period(String label, Instant from, Instant to, List<Incident> list, List<String> severities,
                                 List<String> major, Map<String, Repeat> repeats, Instant asOf) {
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        severities.forEach(s -> bySeverity.put(s, 0));
        List<Duration> d = new ArrayList<>();
        List<Duration> a = new ArrayList<>();
        List<Duration> m = new ArrayList<>();
        List<Duration> r = new ArrayList<>();
        Map<String, Duration> atSeverity = new LinkedHashMap<>();
        major.forEach(s -> atSeverity.put(s, Duration.ZERO));
        int rep = 0;
        int created = 0;
        int done = 0;
        for (Incident i : list) {
            bySeverity.merge(severityOf(i), 1, Integer::sum);
            Times4 t = Times4.of(i);
            add(d, t.detect());
            add(a, t.acknowledge());
            add(m, t.mitigate());
            add(r, t.resolve());
            Durations.of(i, asOf).timeAtSeverity().forEach((s, dur) -> {
                if (atSeverity.containsKey(s) && !dur.isNegative()) {
                    atSeverity.merge(s, dur, Duration::plus);
                }
            });
            if (repeats.containsKey(i.id())) {
                rep++;
            }
            created += i.actions().size();
            done += (int) i.actions().stream().filter(x -> ActionItem.DONE.equals(x.status())).count();
        }
        return new Period(label, from, to, list.size(), bySeverity, Measure.of(d), Measure.of(a), Measure.of(m),
                Measure.of(r), atSeverity, rep, created, done);
    }

    private static void add(List<Duration> to, Duration d) {
        if (d != null) {
            to.add(d);
        }
    }

    private static String severityOf(Incident i) {
        return i.severity() == null ? "(none)" : i.severity();
    }

    private static List<String> severities(List<Incident> chosen, IrConfig config) {
        List<String> out = new ArrayList<>();
        for (IrConfig.Severity s : config.severities()) {
            if (chosen.stream().anyMatch(i -> s.name().equals(i.severity()))) {
                out.add(s.name());
            }
        }
        for (Incident i : chosen) {
            if (!out.contains(severityOf(i))) {
                out.add(severityOf(i));
            }
        }
        return out;
    }

    /** The severities marked {@code major: true}, else the two most severe. */
    static List<String> major(IrConfig config) {
        List<String> out = new ArrayList<>();
        config.severities().stream().filter(IrConfig.Severity::major).forEach(s -> out.add(s.name()));
        if (out.isEmpty()) {
            config.severities().stream().limit(2).forEach(s -> out.add(s.name()));
        }
        return out;
    }

    private static List<TagCount> topTags(List<Incident> chosen) {
        Map<String, Integer> counts = new HashMap<>();
        for (Incident i : chosen) {
            i.list(ListField.TAGS).stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).distinct()
                    .forEach(t -> counts.merge(t, 1, Integer::sum));
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_TAGS).map(e -> new TagCount(e.getKey(), e.getValue())).toList();
    }

    /**
     * Incidents (in impact-start order) that share a tag with one whose impact started at most {@link #REPEAT_DAYS}
     * days before: each such incident once, with the tag and the earlier incident nearest in time.
     */
    private static Map<String, Repeat> repeats(List<Incident> chosen) {
        Map<String, Repeat> out = new LinkedHashMap<>();
        Map<String, Incident> lastWithTag = new HashMap<>();
        Duration window = Duration.ofDays(REPEAT_DAYS);
        for (Incident i : chosen) {
            Instant start = impactStart(i);
            Repeat best = null;
            List<String> tags = i.list(ListField.TAGS).stream().map(t -> t.strip().toLowerCase(Locale.ROOT))
                    .distinct().sorted().toList();
            for (String tag : tags) {
                Incident prev = lastWithTag.get(tag);
                if (prev != null) {
                    Duration after = Duration.between(impactStart(prev), start);
                    if (after.compareTo(window) <= 0 && (best == null || after.compareTo(best.after()) < 0)) {
                        best = new Repeat(i.id(), tag, prev.id(), after);
                    }
                }
            }
            if (best != null) {
                out.put(i.id(), best);
            }
            tags.forEach(t -> lastWithTag.put(t, i));
        }
        return out;
    }

    private static Actions actions(List<Incident> chosen, Instant asOf) {
        int created = 0;
        int done = 0;
        int wontDo = 0;
        int open = 0;
        int overdue = 0;
        List<Duration> toDone = new ArrayList<>();
        LocalDate today = asOf.atZone(ZoneOffset.UTC).toLocalDate();
        for (Incident i : chosen) {
            for (ActionItem a : i.actions()) {
                created++;
                if (ActionItem.DONE.equals(a.status())) {
                    done++;
                    Instant added = a.addedAt() != null ? a.addedAt() : i.openedAt();
                    add(toDone, between(added, a.doneAt()));
                } else if (ActionItem.WONT_DO.equals(a.status())) {
                    wontDo++;
                } else {
                    open++;
                    LocalDate due = dueDate(a.due());
                    if (due != null && due.isBefore(today)) {
                        overdue++;
                    }
                }
            }
        }
        return new Actions(created, done, wontDo, open, overdue, Measure.of(toDone));
    }

    private static LocalDate dueDate(String due) {
        if (due == null || due.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(due.strip().length() > 10 ? due.strip().substring(0, 10) : due.strip());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static List<OverduePostmortem> overduePostmortems(List<Incident> chosen, IrConfig config, Instant asOf) {
        List<OverduePostmortem> out = new ArrayList<>();
        for (Incident i : chosen) {
            Instant resolved = i.time(Milestone.RESOLVED);
            if (resolved == null || !Postmortems.required(i, config) || Postmortems.reviewed(i)) {
                continue;
            }
            Instant due = resolved.plus(Duration.ofDays(REVIEW_DAYS));
            if (asOf.isAfter(due)) {
                out.add(new OverduePostmortem(i.id(), i.title(), i.severity(), resolved,
                        Postmortems.status(i) == null ? "none" : Postmortems.status(i),
                        Duration.between(due, asOf).toDays()));
            }
        }
        out.sort(Comparator.comparing(OverduePostmortem::resolved).thenComparing(OverduePostmortem::id));
        return out;
    }
}
