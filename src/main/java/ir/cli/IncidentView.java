package ir.cli;

import ir.model.ActionItem;
import ir.model.DataLoss;
import ir.model.ImpactWindow;
import ir.model.Phases;
import ir.model.Durations;
import ir.model.Incident;
import ir.model.ListField;
import ir.model.Milestone;
import ir.model.Person;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.model.Times;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable live state of an incident ({@code ir show}) and its computed values for JSON. */
final class IncidentView {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);

    private IncidentView() {
    }

    /** The durations and time at each severity, as {@code ir show --json} adds them under {@code computed}. */
    static Map<String, Object> computed(Incident i, Instant now) {
        Durations d = Durations.of(i, now);
        Map<String, Object> durations = new LinkedHashMap<>();
        d.named().forEach((k, v) -> durations.put(k, duration(v)));
        Map<String, Object> severities = new LinkedHashMap<>();
        d.timeAtSeverity().forEach((k, v) -> severities.put(k, duration(v)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("as_of", now);
        m.put("durations", durations);
        m.put("impact_ongoing", d.impactOngoing());
        m.put("time_at_severity", severities);
        m.put("open_actions", i.actions().stream().filter(ActionItem::isOpen).count());
        m.put("events", i.timeline().size());
        return m;
    }

    private static Map<String, Object> duration(Duration d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", d.getSeconds());
        m.put("minutes", d.toMinutes());
        m.put("text", Times.human(d));
        return m;
    }

    static void print(PrintWriter out, Incident i, Clock clock, boolean local) {
        Instant now = clock.instant();
        String zone = local ? clock.getZone().getId() : "UTC";
        out.println(i.id());
        out.println(i.title());
        // A hand-written or foreign file may lack any of these: say so rather than print "null" or fail.
        out.println((i.severity() == null ? "no severity" : i.severity()) + " · "
                + (i.status() == null ? "no status" : i.status()) + (i.drill() ? " · DRILL" : "")
                + (i.openedAt() == null ? " · no opened_at" : " · declared " + when(i.openedAt(), clock, local)
                + " (" + Times.human(Duration.between(i.openedAt(), now)) + " ago)"));
        if (!i.list(ListField.TAGS).isEmpty()) {
            out.println("tags: " + String.join(", ", i.list(ListField.TAGS)));
        }
        if (i.type() != null) {
            out.println("type: " + i.type());
        }
        if (!i.checklist().isEmpty()) {
            List<ir.model.Checklists.State> steps = ir.model.Checklists.states(i);
            long done = steps.stream().filter(s -> ir.model.Checklists.DONE.equals(s.state())).count();
            long skipped = steps.stream().filter(s -> ir.model.Checklists.SKIPPED.equals(s.state())).count();
            long late = steps.stream().filter(s -> s.overdue(now)).count();
            out.println("checklist: " + done + " of " + steps.size() + " done" + (skipped == 0 ? "" : ", " + skipped
                    + " skipped") + (late == 0 ? "" : ", " + late + " past due") + " (ir checklist)");
        }
        if (ir.model.Cancellation.isCanceled(i)) {
            String dup = ir.model.Cancellation.duplicateOf(i);
            String why = ir.model.Cancellation.reason(i);
            out.println("canceled: " + (dup == null ? "" : "duplicate of " + dup + (why == null ? "" : ": "))
                    + (why == null ? "" : why.lines().findFirst().orElse("")));
        }

        Durations d = Durations.of(i, now);
        Map<String, Duration> named = d.named();
        int col = labelColumn(i, named.keySet(), d.timeAtSeverity().keySet());
        out.println();
        out.println("Roles");
        if (i.roles().isEmpty()) {
            out.println("  (none assigned: ir role commander \"Name <email>\")");
        }
        i.roles().forEach((role, people) -> out.println("  " + Text.pad(role, col) + String.join(", ", people)));

        out.println();
        out.println("Milestones (" + zone + ")");
        for (Milestone m : Milestone.values()) {
            Instant at = i.time(m);
            if (at != null) {
                out.println("  " + Text.pad(m.label(), col) + when(at, clock, local));
            }
        }
        printPhases(out, i, clock, local, now);
        if (!named.isEmpty()) {
            out.println();
            out.println("Durations");
            named.forEach((k, v) -> out.println("  " + Text.pad(k.replace('_', ' '), col) + Times.human(v)
                    + (k.equals("impact_duration") && d.impactOngoing() ? " (ongoing)" : "")));
        }
        if (d.severities().size() > 1 || !d.severities().isEmpty() && i.time(Milestone.RESOLVED) != null) {
            out.println();
            out.println("Time at severity");
            d.timeAtSeverity().forEach((k, v) -> out.println("  " + Text.pad(k, col) + Times.human(v)));
        }
        for (TextField f : TextField.values()) {
            String t = i.text(f);
            if (t != null) {
                out.println();
                out.println(capitalise(f.key().replace('_', ' ')));
                t.lines().forEach(l -> out.println("  " + l));
            }
        }
        for (ListField f : List.of(ListField.WENT_WELL, ListField.WENT_WRONG, ListField.GOT_LUCKY, ListField.LINKS)) {
            if (!i.list(f).isEmpty()) {
                out.println();
                out.println(capitalise(f.key().replace('_', ' ')));
                i.list(f).forEach(v -> out.println("  - " + v));
            }
        }
        if (!i.actions().isEmpty()) {
            out.println();
            out.println("Action items");
            for (ActionItem a : ActionItem.ordered(i.actions(), i.timeline())) {
                StringBuilder s = new StringBuilder("  [").append(ActionsCommand.mark(a)).append("] ")
                        .append(a.id(), 0, Math.min(6, a.id().length())).append("  ").append(a.text());
                if (!ActionItem.OPEN.equals(a.status())) {
                    s.append("  ").append(a.status());
                }
                if (a.reason() != null) {
                    s.append(" (").append(a.reason()).append(')');
                }
                if (a.doneAt() != null) {
                    s.append(" ").append(when(a.doneAt(), clock, local));
                }
                if (a.owner() != null) {
                    s.append("  owner: ").append(a.owner());
                }
                if (a.due() != null) {
                    s.append("  due: ").append(a.due());
                }
                out.println(s);
            }
        }
        out.println();
        out.println("Timeline (" + zone + ")");
        String lastDay = "";
        // Author and type columns as wide as their widest entry, so the texts line up whatever the names.
        int authorW = 10;
        int typeW = 10;
        for (TimelineEvent e : i.timeline()) {
            authorW = Math.max(authorW, Text.width(Person.name(e.author())));
            typeW = Math.max(typeW, Text.width(e.type()));
        }
        for (TimelineEvent e : i.sortedTimeline()) {
            var zdt = local ? e.at().atZone(clock.getZone()) : e.at().atZone(ZoneOffset.UTC);
            String day = DAY.format(zdt);
            if (!day.equals(lastDay)) {
                out.println("  " + day);
                lastDay = day;
            }
            String text = e.text() == null ? describe(e) : e.text();
            List<String> lines = text.lines().toList();
            out.println("  " + HMS.format(zdt) + "  " + Text.pad(Person.name(e.author()), authorW) + " "
                    + Text.pad(e.type(), typeW) + (e.important() ? "! " : "  ")
                    + (lines.isEmpty() ? "" : lines.get(0)));
            for (int n = 1; n < lines.size(); n++) {
                out.println(" ".repeat(15 + authorW + typeW) + lines.get(n));
            }
        }
    }

    /**
     * The width of the label column shared by the roles, milestones, durations and time-at-severity blocks, so their
     * values line up whatever a team calls its roles or severities: the widest label (in terminal columns) plus two,
     * at least 21 (the width of "time to acknowledge" and two spaces).
     */
    static int labelColumn(Incident i, java.util.Collection<String> durations,
                           java.util.Collection<String> severities) {
        int w = 19;
        for (String role : i.roles().keySet()) {
            w = Math.max(w, Text.width(role));
        }
        for (String k : durations) {
            w = Math.max(w, Text.width(k));
        }
        for (String k : severities) {
            w = Math.max(w, Text.width(k));
        }
        return w + 2;
    }

    /**
     * The impact windows, when there is more to say than started and mitigated (several, or labelled), and the
     * data-loss window.
     */
    private static void printPhases(PrintWriter out, Incident i, Clock clock, boolean local, Instant now) {
        List<ImpactWindow> windows = Phases.windows(i);
        if (!i.impactWindows().isEmpty()) {
            out.println();
            out.println("Impact windows");
            int n = 0;
            for (ImpactWindow w : windows) {
                out.println("  " + Text.pad(String.valueOf(++n), 3) + when(w.startedAt(), clock, local) + " .. "
                        + (w.open() ? "ongoing" : when(w.mitigatedAt(), clock, local)) + "  "
                        + Times.human(w.length(now)) + (w.label() == null ? "" : "  " + w.label()));
            }
        }
        DataLoss loss = i.dataLoss();
        if (loss != null) {
            out.println();
            out.println("Data loss");
            out.println("  " + when(loss.from(), clock, local) + " .. " + (loss.to() == null ? "unknown"
                    : when(loss.to(), clock, local)) + (loss.to() == null ? ""
                    : "  " + Times.human(Duration.between(loss.from(), loss.to())))
                    + (loss.note() == null ? "" : "  " + loss.note().lines().findFirst().orElse("")));
        }
    }

    /** Text for events written without one (severity, role and status changes carry from/to). */
    static String describe(TimelineEvent e) {
        String from = e.attr("from");
        String to = e.attr("to");
        String what = e.attr("role") != null ? e.attr("role") + " " : e.attr("milestone") != null
                ? e.attr("milestone") + " " : "";
        if (from != null || to != null) {
            return what + (from == null ? "" : from) + " -> " + (to == null ? "(none)" : to);
        }
        return what.strip();
    }

    static String when(Instant at, Clock clock, boolean local) {
        return Times.short_(at, clock, local);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
