package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The rules of an incident's response, as pure functions from the incident to a {@link Change}: severity changes,
 * role assignments and hand-offs, status transitions (including reopening) and milestones. Each one refuses an
 * invalid step with a usage error and otherwise returns the new incident with its timeline event.
 */
public final class Lifecycle {
    private Lifecycle() {
    }

    // ---- severity --------------------------------------------------------------------------------------------

    /** Changes the severity; {@code severity} must already be canonical (see {@link IrConfig#severity}). */
    public static Change severity(Incident i, IrConfig config, String severity, String reason, Instant at,
                                  String author) {
        String from = i.severity();
        if (severity.equals(from)) {
            throw IrException.usage(i.id() + " is already " + severity + ": nothing to change");
        }
        if (i.openedAt() != null && at.isBefore(i.openedAt())) {
            throw IrException.usage("--at " + Times.format(at) + " is before " + i.id() + " was declared ("
                    + Times.format(i.openedAt()) + ") as " + from + ": a severity changes after the declaration");
        }
        notBeforeLast(i, e -> TimelineEvent.SEVERITY.equals(e.type()), at, "severity change");
        boolean escalate = from == null || config.rank(severity) < config.rank(from);
        String verb = escalate ? "escalate" : "downgrade";
        String text = (escalate ? "Escalated " : "Downgraded ") + (from == null ? "" : from + " -> ") + severity
                + (blank(reason) ? "" : ": " + reason.strip());
        TimelineEvent e = event(at, author, TimelineEvent.SEVERITY, text, attrs("from", from, "to", severity));
        // The new level's checklist steps join the incident's, due from the change (see Checklists).
        return new Change(Checklists.apply(i.withSeverity(severity), config, at).withEvent(e), verb + " " + (from == null ? "" : from + " -> ")
                + severity, TimelineEvent.SEVERITY);
    }

    // ---- roles -----------------------------------------------------------------------------------------------

    /**
     * Gives {@code role} to {@code person}. A role held by one person is handed off (the event has {@code from} and
     * {@code to}); a {@code multiple} role (such as {@code sme}) gains the person.
     */
    public static Change assignRole(Incident i, IrConfig.Role role, String person, Instant at, String author) {
        String who = person(person);
        List<String> holders = i.roles().getOrDefault(role.name(), List.of());
        if (holders.stream().anyMatch(h -> samePerson(h, who))) {
            throw IrException.usage(who + " already holds " + role.name() + " on " + i.id() + ": nothing to change");
        }
        notBeforeLast(i, e -> TimelineEvent.ROLE.equals(e.type()) && role.name().equals(e.attr("role")), at,
                role.name() + " change");
        if (role.multiple() || holders.isEmpty()) {
            List<String> next = new ArrayList<>(holders);
            next.add(who);
            String text = who + (role.multiple() && !holders.isEmpty() ? " joins as " : " is ") + role.name();
            TimelineEvent e = event(at, author, TimelineEvent.ROLE, text, attrs("role", role.name(), "to", who));
            return new Change(Checklists.addRole(i.withRole(role.name(), next), role, at).withEvent(e),
                    "role " + role.name() + ": " + who,
                    TimelineEvent.ROLE);
        }
        String from = String.join(", ", holders);
        String text = role.name() + " handed off from " + from + " to " + who;
        TimelineEvent e = event(at, author, TimelineEvent.ROLE, text,
                attrs("role", role.name(), "from", from, "to", who, "handoff", true));
        return new Change(Checklists.addRole(i.withRole(role.name(), List.of(who)), role, at).withEvent(e),
                "hand off " + role.name() + " "
                + from + " -> " + who, TimelineEvent.ROLE);
    }

    /** Clears a role, or removes one person from it when {@code person} is given. */
    public static Change clearRole(Incident i, IrConfig.Role role, String person, Instant at, String author) {
        List<String> holders = i.roles().getOrDefault(role.name(), List.of());
        if (holders.isEmpty()) {
            throw IrException.usage("nobody holds " + role.name() + " on " + i.id() + ": nothing to clear");
        }
        List<String> removed;
        List<String> next;
        if (blank(person)) {
            removed = holders;
            next = List.of();
        } else {
            String who = person(person);
            removed = holders.stream().filter(h -> samePerson(h, who)).toList();
            if (removed.isEmpty()) {
                throw IrException.usage(who + " does not hold " + role.name() + " on " + i.id() + " (held by "
                        + String.join(", ", holders) + ")");
            }
            next = holders.stream().filter(h -> !removed.contains(h)).toList();
        }
        notBeforeLast(i, e -> TimelineEvent.ROLE.equals(e.type()) && role.name().equals(e.attr("role")), at,
                role.name() + " change");
        String from = String.join(", ", removed);
        TimelineEvent e = event(at, author, TimelineEvent.ROLE, from + " no longer " + role.name(),
                attrs("role", role.name(), "from", from));
        return new Change(i.withRole(role.name(), next).withEvent(e), "clear " + role.name() + " (was " + from + ")",
                TimelineEvent.ROLE);
    }

    // ---- status ----------------------------------------------------------------------------------------------

    /**
     * Moves the incident to {@code status} (canonical, see {@link IrConfig#status}). Statuses before
     * {@code resolved} in ir.yaml are active and may follow each other in any order (monitoring can fall back to
     * investigating); a resolved or closed incident goes back only through {@link #reopen}; statuses after
     * {@code resolved} (such as {@code closed}) need a resolved incident, and {@code closed} also passes
     * {@link #checkCanClose}. Entering monitoring ends the open impact window ({@code mitigated_at}); resolving ends
     * it too when still open (its impact ended then) and sets {@code resolved_at}, closed {@code closed_at}, each only
     * when not yet set. Moving back from monitoring to an earlier status means the impact is back: a new impact window
     * opens (see {@link Phases}).
     */
    public static Change status(Incident i, IrConfig config, String status, String text, Instant at, String author) {
        String from = i.status();
        if (status.equals(from)) {
            throw IrException.usage(i.id() + " is already " + status + ": nothing to change");
        }
        if (isDone(config, from) && !isDone(config, status)) {
            throw IrException.usage(i.id() + " is " + from + ": to work on it again run 'ir reopen WHY'");
        }
        if (isAfterResolved(config, status) && !isDone(config, from)) {
            throw IrException.usage(i.id() + " is " + from + ", not resolved: it can be " + status
                    + " only after 'ir resolve'");
        }
        if (isDone(config, from) && isDone(config, status) && config.statuses().indexOf(status)
                < config.statuses().indexOf(from)) {
            throw IrException.usage(i.id() + " is " + from + ": to work on it again run 'ir reopen WHY'");
        }
        if (IrConfig.CLOSED.equals(status)) {
            checkCanClose(i, config);
        }
        if (i.openedAt() != null && at.isBefore(i.openedAt())) {
            throw IrException.usage("--at " + Times.format(at) + " is before " + i.id() + " was declared ("
                    + Times.format(i.openedAt()) + "): a status changes after the declaration");
        }
        notBeforeLast(i, e -> TimelineEvent.STATUS.equals(e.type()), at, "status change");
        Incident next = i.withStatus(status);
        Map<String, Object> attrs = attrs("from", from, "to", status);
        Milestone sets = switch (status) {
            case IrConfig.MONITORING -> Milestone.MITIGATED;
            case IrConfig.RESOLVED -> Milestone.RESOLVED;
            case IrConfig.CLOSED -> Milestone.CLOSED;
            default -> null;
        };
        boolean impactResumed = false;
        if (sets == Milestone.MITIGATED || sets == Milestone.RESOLVED) {
            // The impact ends: the open impact window closes (resolved without a monitoring phase: it ended then).
            Instant marked = i.time(Milestone.RESOLVED);
            Instant end = sets == Milestone.RESOLVED && marked != null && marked.isBefore(at) ? marked : at;
            Incident ended = Phases.endImpact(next, end, attrs);
            if (ended != null) {
                next = ended;
                attrs.putIfAbsent("milestone", Milestone.MITIGATED.label());
            }
        } else if (backFromMitigation(config, from, status)) {
            // Back from monitoring: the impact is back, in a new window (the old mitigation stays on record).
            Incident resumed = Phases.reopenImpact(next, at, attrs);
            if (resumed != null) {
                next = resumed;
                impactResumed = true;
            }
        }
        if ((sets == Milestone.RESOLVED || sets == Milestone.CLOSED) && i.time(sets) == null) {
            Milestones.checkOrder(next, sets, at);
            next = next.withTime(sets, at);
            attrs.put("milestone", sets.label());
        }
        String eventText = blank(text) ? "Status " + (from == null ? "" : from + " -> ") + status
                + (impactResumed ? "; impact window " + attrs.get("window") + " started" : "")
                : status + ": " + text.strip();
        TimelineEvent e = event(at, author, TimelineEvent.STATUS, eventText, attrs);
        return new Change(next.withEvent(e), "status " + (from == null ? "" : from + " -> ") + status
                + (blank(text) ? "" : ": " + firstLine(text)), TimelineEvent.STATUS);
    }

    /**
     * Reopens a resolved or closed incident: back to the first status of ir.yaml, with {@code resolved_at} and
     * {@code closed_at} cleared (the event keeps their old values) so that the next resolution is measured.
     * {@code mitigated_at} stays (the mitigation still happened) and a new impact window opens.
     */
    public static Change reopen(Incident i, IrConfig config, String why, Instant at, String author) {
        if (!isDone(config, i.status())) {
            throw IrException.usage(i.id() + " is " + i.status() + ", not resolved or closed: nothing to reopen");
        }
        if (blank(why)) {
            throw IrException.usage("say why it is reopened, e.g. ir reopen errors are back after the rollback");
        }
        notBeforeLast(i, e -> TimelineEvent.STATUS.equals(e.type()), at, "status change");
        Instant resolved = i.time(Milestone.RESOLVED);
        if (resolved != null && at.isBefore(resolved)) {
            throw IrException.usage("--at " + Times.format(at) + " is before it was resolved (" + Times.format(resolved)
                    + "): an incident is reopened after its resolution");
        }
        String to = config.initialStatus();
        Map<String, Object> attrs = attrs("from", i.status(), "to", to, "reopened", true);
        if (resolved != null) {
            attrs.put("was_resolved_at", Times.format(resolved));
        }
        if (i.time(Milestone.CLOSED) != null) {
            attrs.put("was_closed_at", Times.format(i.time(Milestone.CLOSED)));
        }
        Incident next = i.withStatus(to).withTime(Milestone.RESOLVED, null).withTime(Milestone.CLOSED, null);
        Incident resumed = Phases.reopenImpact(next, at, attrs);
        if (resumed != null) {
            next = resumed;
        }
        TimelineEvent e = event(at, author, TimelineEvent.STATUS, "Reopened: " + why.strip(), attrs);
        return new Change(next.withEvent(e), "reopen (" + i.status() + " -> " + to + "): " + firstLine(why),
                TimelineEvent.STATUS);
    }

    /**
     * The gate before {@code closed}: an incident whose severity needs a post-mortem ({@code postmortem.required_for}
     * in ir.yaml) may be closed only once that post-mortem is reviewed. Throws a usage error naming what is missing.
     * <p>
     * The review is recorded by {@code ir postmortem --status reviewed}; {@link Postmortems#closeBlocker} decides.
     */
    public static void checkCanClose(Incident i, IrConfig config) {
        Optional<String> missing = postmortemMissing(i, config);
        if (missing.isPresent()) {
            throw IrException.usage(i.id() + " cannot be closed yet: " + missing.get());
        }
    }

    /** What still stands between a required post-mortem and closing, or empty when nothing does. */
    static Optional<String> postmortemMissing(Incident i, IrConfig config) {
        return Postmortems.closeBlocker(i, config);
    }

    /**
     * True for {@code resolved}, every status listed after it in ir.yaml (such as {@code closed}), and the built-in
     * {@code canceled}.
     */
    public static boolean isDone(IrConfig config, String status) {
        if (status == null) {
            return false;
        }
        if (IrConfig.RESOLVED.equals(status) || IrConfig.CLOSED.equals(status) || IrConfig.CANCELED.equals(status)) {
            return true;
        }
        int r = config.statuses().indexOf(IrConfig.RESOLVED);
        int s = config.statuses().indexOf(status);
        return r >= 0 && s > r;
    }

    /**
     * Refuses an edit of the document that moves it past {@code resolved} (e.g. to {@code closed}) while a required
     * post-mortem is not reviewed: {@code ir edit} must not be a way around {@code ir status closed}'s gate.
     */
    public static void checkEdit(Incident before, Incident after, IrConfig config) {
        if (after.status() != null && isAfterResolved(config, after.status())
                && !after.status().equals(before.status())) {
            checkCanClose(after, config);
        }
    }

    /** From monitoring (or an active status after it) back to an active status before it: the impact is back. */
    static boolean backFromMitigation(IrConfig config, String from, String to) {
        int monitoring = config.statuses().indexOf(IrConfig.MONITORING);
        int f = from == null ? -1 : config.statuses().indexOf(from);
        int t = config.statuses().indexOf(to);
        return monitoring >= 0 && f >= monitoring && t >= 0 && t < monitoring && !isDone(config, from)
                && !isDone(config, to);
    }

    private static boolean isAfterResolved(IrConfig config, String status) {
        return isDone(config, status) && !IrConfig.RESOLVED.equals(status) && !IrConfig.CANCELED.equals(status);
    }

    // ---- milestones ------------------------------------------------------------------------------------------

    /**
     * Sets a milestone explicitly (a correction replaces the old time; the event keeps it). {@code started} is the
     * start of the first impact window and {@code mitigated} the end of the last (see {@link Phases}).
     */
    public static Change mark(Incident i, Milestone m, Instant at, String author) {
        if (!Milestones.MARKABLE.contains(m)) {
            throw IrException.usage("unknown milestone '" + m.label() + "': use one of "
                    + Milestones.markableNames());
        }
        Instant old = i.time(m);
        if (at.equals(old)) {
            throw IrException.usage(m.label() + " is already " + Times.format(at) + ": nothing to change");
        }
        Map<String, Object> attrs = attrs("milestone", m.label());
        List<ImpactWindow> windows = i.impactWindows();
        // Marking mitigated while a later window is open ends that window: a mitigation, not a correction.
        boolean endsWindow = m == Milestone.MITIGATED && !windows.isEmpty() && windows.get(windows.size() - 1).open();
        Incident next = switch (m) {
            case STARTED -> Phases.markStarted(i, at);
            case MITIGATED -> Phases.markMitigated(i, at, attrs);
            default -> {
                Milestones.checkOrder(i, m, at);
                yield i.withTime(m, at);
            }
        };
        if (m == Milestone.STARTED && !i.impactWindows().isEmpty()) {
            attrs.put("window", 1);
        }
        if (old != null) {
            attrs.put("was", Times.format(old));
        }
        String text = switch (m) {
            case STARTED -> "Impact started";
            case DETECTED -> "Detected";
            case ACKNOWLEDGED -> "Acknowledged";
            case MITIGATED -> "Mitigated";
            case RESOLVED -> "Resolved";
            default -> m.label();
        } + (old == null || endsWindow ? "" : " (corrected from " + Times.format(old) + ")");
        if (endsWindow) {
            text = "Impact window " + windows.size() + " mitigated";
        }
        TimelineEvent e = event(at, author, TimelineEvent.MILESTONE, text, attrs);
        return new Change(next.withEvent(e), "mark " + m.label() + " " + Times.format(at)
                + (old == null || endsWindow ? "" : " (corrected from " + Times.format(old) + ")"),
                TimelineEvent.MILESTONE);
    }

    /**
     * Clears a milestone that was marked by mistake; the event (dated {@code at}, when the correction is made) keeps
     * the old value. A resolved incident keeps its resolution (reopen it instead), and the start and end of stored
     * impact windows are corrected, not cleared.
     */
    public static Change clear(Incident i, IrConfig config, Milestone m, Instant at, String author) {
        if (!Milestones.MARKABLE.contains(m)) {
            throw IrException.usage("unknown milestone '" + m.label() + "': use one of "
                    + Milestones.markableNames());
        }
        Instant old = i.time(m);
        if (old == null) {
            throw IrException.usage(m.label() + " is not set on " + i.id() + ": nothing to clear");
        }
        if (m == Milestone.RESOLVED && isDone(config, i.status())) {
            throw IrException.usage(i.id() + " is " + i.status() + ": to undo its resolution run 'ir reopen WHY'");
        }
        if ((m == Milestone.STARTED || m == Milestone.MITIGATED) && !i.impactWindows().isEmpty()) {
            throw IrException.usage(m.label() + " is the " + (m == Milestone.STARTED ? "start of the first"
                    : "end of the last") + " of " + i.impactWindows().size() + " impact windows: correct it with "
                    + "'ir mark " + m.label() + " --at TIME', or change the windows with 'ir edit'");
        }
        Incident next = i.withTime(m, null);
        Milestones.checkAll(next);
        Map<String, Object> attrs = attrs("milestone", m.label(), "was", Times.format(old), "cleared", true);
        TimelineEvent e = event(at, author, TimelineEvent.MILESTONE, "Cleared " + m.label() + " (was "
                + Times.format(old) + ")", attrs);
        return new Change(next.withEvent(e), "clear " + m.label() + " (was " + Times.format(old) + ")",
                TimelineEvent.MILESTONE);
    }

    // ---- validation of a whole document (ir edit) -----------------------------------------------------------

    /** Checks what a hand-edited incident must still satisfy: known severity, status and roles, ordered milestones. */
    public static void validate(Incident i, IrConfig config) {
        if (i.severity() != null && config.findSeverity(i.severity()).isEmpty()) {
            throw IrException.usage("unknown severity '" + i.severity() + "': use one of " + config.severityNames());
        }
        if (i.status() != null) {
            String canonical = config.status(i.status());
            if (!canonical.equals(i.status())) {
                throw IrException.usage("status '" + i.status() + "' should be written '" + canonical + "'");
            }
        }
        for (String role : i.roles().keySet()) {
            config.role(role);
        }
        Milestones.checkAll(i);
        Phases.validate(i);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (TimelineEvent e : i.timeline()) {
            if (!ids.add(e.id())) {
                throw IrException.usage("two timeline events have the id '" + e.id() + "': ids must be unique");
            }
        }
        for (ActionItem a : i.actions()) {
            if (a.type() != null && !ActionItem.TYPES.contains(a.type())) {
                throw IrException.usage("action item " + a.id() + " has type '" + a.type() + "': use one of "
                        + String.join(", ", ActionItem.TYPES));
            }
            if (!ActionItem.STATUSES.contains(a.status())) {
                throw IrException.usage("action item " + a.id() + " has status '" + a.status() + "': use one of "
                        + String.join(", ", ActionItem.STATUSES));
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * Refuses a change backdated before the last event of the same kind, which would break its from/to chain (and the
     * time at each severity).
     */
    static void notBeforeLast(Incident i, Predicate<TimelineEvent> kind, Instant at, String what) {
        i.timeline().stream().filter(kind).map(TimelineEvent::at).max(Instant::compareTo).ifPresent(last -> {
            if (at.isBefore(last)) {
                throw IrException.usage("--at " + Times.format(at) + " is before the last " + what + " ("
                        + Times.format(last) + "): changes are recorded in order; give a later time");
            }
        });
    }

    /** A person as written in the file: one line, trimmed. */
    public static String person(String p) {
        String s = p == null ? "" : p.strip().replaceAll("\\s*\\R\\s*", " ");
        if (s.isEmpty()) {
            throw IrException.usage("the person is empty: give a name, e.g. \"Alice <alice@example.com>\"");
        }
        return s;
    }

    /** Same person when the whole text or the email matches, case-insensitively. */
    static boolean samePerson(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        String ea = email(a);
        return ea != null && ea.equalsIgnoreCase(email(b));
    }

    private static String email(String p) {
        int lt = p.indexOf('<');
        int gt = p.indexOf('>', lt + 1);
        return lt >= 0 && gt > lt + 1 ? p.substring(lt + 1, gt).strip() : null;
    }

    private static TimelineEvent event(Instant at, String author, String type, String text,
                                       Map<String, Object> attrs) {
        return new TimelineEvent(IncidentIds.eventId(), at, author, type, text, false, attrs);
    }

    private static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            if (kv[k + 1] != null) {
                m.put((String) kv[k], kv[k + 1]);
            }
        }
        return m;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl).strip() + " ...";
        return t.length() > 60 ? t.substring(0, 57) + "..." : t;
    }
}
