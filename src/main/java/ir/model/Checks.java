package ir.model;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hygiene and cadence rules {@code ir check} applies to one incident at one moment: pure, so a pinned clock tests
 * each rule. A rule that is due gives a {@link Finding}; none means nothing is due.
 */
public final class Checks {
    /** A major incident without a commander is a finding this long after its declaration. */
    public static final Duration COMMANDER_WITHIN = Duration.ofMinutes(5);
    /** An open incident with no timeline entry for this long is a finding. */
    public static final Duration SILENT_AFTER = Duration.ofHours(12);
    /** Post-mortem of the most severe level: due this many calendar days after resolution. */
    public static final int POSTMORTEM_DAYS_MOST_SEVERE = 3;
    /** Post-mortem of any other level that requires one: due this many business days (Monday to Friday) after. */
    public static final int POSTMORTEM_BUSINESS_DAYS = 5;

    public static final String COMMANDER = "commander";
    public static final String UPDATE = "update";
    public static final String POSTMORTEM = "postmortem";
    public static final String ACTION = "action";
    public static final String SILENT = "silent";
    public static final String MILESTONES = "milestones";
    public static final String CHECKLIST = "checklist";
    /** Every rule, in the order findings are listed. */
    public static final List<String> RULES = List.of(COMMANDER, UPDATE, CHECKLIST, POSTMORTEM, ACTION, SILENT,
            MILESTONES);

    private Checks() {
    }

    /**
     * One thing that is due. {@code subject} says which audience ({@code update}) or action item ({@code action}) it
     * is about, else null; {@code dueSince} is when it became due (null when it has no moment, e.g. milestones out of
     * order).
     */
    public record Finding(String rule, String incident, boolean drill, String subject, Instant dueSince,
                          String message) {
    }

    /** {@link #due(Incident, IrConfig, Instant, ZoneId)} with action due dates read in UTC. */
    public static List<Finding> due(Incident incident, IrConfig config, Instant now) {
        return due(incident, config, now, ZoneOffset.UTC);
    }

    /**
     * What is due on {@code incident} at {@code now}. Cadence, commander and silence rules apply to open incidents
     * only; post-mortem and action rules to any; a canceled incident has none. Action due dates are days in
     * {@code zone} (as {@code ir action add --due} reads them).
     */
    public static List<Finding> due(Incident incident, IrConfig config, Instant now, ZoneId zone) {
        List<Finding> out = new ArrayList<>();
        if (Cancellation.isCanceled(incident)) {
            return out;
        }
        boolean open = !Lifecycle.isDone(config, incident.status());
        Instant declared = incident.openedAt();
        if (open && declared != null) {
            commander(incident, config, now, declared, out);
            updates(incident, config, now, declared, out);
            checklist(incident, now, out);
        }
        postmortem(incident, config, now, out);
        actions(incident, now, zone, out);
        if (open) {
            silent(incident, now, out);
        }
        try {
            Milestones.checkAll(incident);
        } catch (IrException e) {
            out.add(finding(incident, MILESTONES, null, null, "milestones out of order: " + e.getMessage()));
        }
        return out;
    }

    private static Finding finding(Incident i, String rule, String subject, Instant since, String message) {
        return new Finding(rule, i.id(), i.drill(), subject, since, message);
    }

    private static boolean major(Incident i, IrConfig config) {
        return config.findSeverity(i.severity() == null ? "" : i.severity()).map(IrConfig.Severity::major)
                .orElse(false);
    }

    private static void commander(Incident i, IrConfig config, Instant now, Instant declared, List<Finding> out) {
        List<String> cmd = i.roles().get("commander");
        Instant since = declared.plus(COMMANDER_WITHIN);
        if (major(i, config) && (cmd == null || cmd.isEmpty()) && !now.isBefore(since)) {
            out.add(finding(i, COMMANDER, null, since, i.severity() + " is a major incident and has no incident "
                    + "commander: ir role commander PERSON"));
        }
    }

    /** When the next update for {@code audience} is due, or empty when its cadence asks none of this incident. */
    public static Optional<Instant> nextUpdateDue(Incident i, IrConfig config, String audience) {
        Instant declared = i.openedAt();
        Optional<TimelineEvent> last = Updates.last(i, audience);
        Instant promised = last.map(Updates::nextUpdateAt).orElse(null);
        if (promised != null) {
            // The update said when the next one comes: that promise is what the audience waits for.
            return Optional.of(promised);
        }
        Cadence.Rule rule = config.cadence().rule(audience);
        if (rule == null || declared == null || !rule.appliesTo(i.severity(), config)) {
            return Optional.empty();
        }
        if (last.isEmpty()) {
            return Optional.of(declared.plus(rule.first()));
        }
        Instant at = last.get().at();
        Duration interval = rule.interval(Duration.between(declared, at));
        return interval == null ? Optional.empty() : Optional.of(at.plus(interval));
    }

    private static void updates(Incident i, IrConfig config, Instant now, Instant declared, List<Finding> out) {
        for (String audience : Updates.AUDIENCES) {
            Optional<Instant> due = nextUpdateDue(i, config, audience);
            if (due.isPresent() && !now.isBefore(due.get())) {
                boolean first = Updates.last(i, audience).isEmpty();
                out.add(finding(i, UPDATE, audience, due.get(), (first ? "first " : "") + audience + " update "
                        + "overdue by " + Times.human(Duration.between(due.get(), now)) + ": ir update --audience "
                        + audience));
            }
        }
    }

    /** Checklist steps of an open incident still open past their {@code within} (see {@link Checklists}). */
    private static void checklist(Incident i, Instant now, List<Finding> out) {
        for (Checklists.State s : Checklists.states(i)) {
            if (s.overdue(now)) {
                ChecklistItem x = s.item();
                out.add(finding(i, CHECKLIST, x.id(), s.due(), "checklist step " + x.id() + " ('" + oneLine(x.text())
                        + "', " + x.scope() + " " + x.owner() + ") overdue by " + Times.human(Duration.between(
                        s.due(), now)) + ": ir checklist done " + x.id() + ", or skip it with a reason"));
            }
        }
    }

    /** When the post-mortem is due, or empty when none is required or it is reviewed (or not resolved yet). */
    public static Optional<Instant> postmortemDue(Incident i, IrConfig config) {
        Instant resolved = i.time(Milestone.RESOLVED);
        if (resolved == null || !Postmortems.required(i, config) || Postmortems.reviewed(i)) {
            return Optional.empty();
        }
        String worst = Postmortems.worstSeverity(i, config);
        if (worst != null && config.rank(worst) == 0) {
            return Optional.of(resolved.plus(Duration.ofDays(POSTMORTEM_DAYS_MOST_SEVERE)));
        }
        return Optional.of(plusBusinessDays(resolved, POSTMORTEM_BUSINESS_DAYS));
    }

    /** {@code at} plus {@code days} working days (Monday to Friday, in UTC), at the same time of day. */
    static Instant plusBusinessDays(Instant at, int days) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        int left = days;
        while (left > 0) {
            t = t.plusDays(1);
            if (t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY) {
                left--;
            }
        }
        return t.toInstant();
    }

    private static void postmortem(Incident i, IrConfig config, Instant now, List<Finding> out) {
        Optional<Instant> due = postmortemDue(i, config);
        if (due.isPresent() && !now.isBefore(due.get())) {
            String st = Postmortems.status(i);
            out.add(finding(i, POSTMORTEM, null, due.get(), "post-mortem overdue since " + Times.format(due.get())
                    + " (" + Postmortems.worstSeverity(i, config) + ", " + (st == null ? "not written" : st)
                    + "): ir postmortem, then ir postmortem --status reviewed"));
        }
    }

    private static void actions(Incident i, Instant now, ZoneId zone, List<Finding> out) {
        LocalDate today = now.atZone(zone).toLocalDate();
        for (ActionItem a : ActionItem.ordered(i.actions(), i.timeline())) {
            if (!a.isOpen() || a.due() == null || a.due().isBlank()) {
                continue;
            }
            LocalDate due;
            try {
                due = LocalDate.parse(a.due().strip());
            } catch (java.time.format.DateTimeParseException e) {
                continue;
            }
            if (due.isBefore(today)) {
                Instant since = due.plusDays(1).atStartOfDay(zone).toInstant();
                out.add(finding(i, ACTION, a.id(), since, "action item " + a.id() + " ('" + oneLine(a.text())
                        + "'" + (a.owner() == null ? "" : ", " + a.owner()) + ") was due " + due + ": ir action done "
                        + a.id() + " or ir action set " + a.id() + " --due DATE"));
            }
        }
    }

    private static void silent(Incident i, Instant now, List<Finding> out) {
        Instant last = null;
        for (TimelineEvent e : i.timeline()) {
            if (last == null || e.at().isAfter(last)) {
                last = e.at();
            }
        }
        if (last == null) {
            last = i.openedAt();
        }
        if (last == null) {
            return;
        }
        Instant since = last.plus(SILENT_AFTER);
        if (!now.isBefore(since)) {
            out.add(finding(i, SILENT, null, since, "no entry for " + Times.human(Duration.between(last, now))
                    + " while open: log what is happening, or resolve it"));
        }
    }

    private static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 50 ? t : t.substring(0, 49) + "…";
    }
}
