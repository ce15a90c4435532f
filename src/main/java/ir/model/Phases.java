package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident's impact windows and data-loss window, as pure functions to a {@link Change}.
 * <p>
 * An incident that recovers and comes back has several impact windows (degraded, recovered, then a full outage). The
 * milestones stay the summary: {@code started_at} is the start of the first window and {@code mitigated_at} the end
 * of the last one that ended. A file with no {@code impact_windows} has the one window its milestones imply
 * ({@link #windows}); the list is written only when it says more than they do (a second window or a label), so
 * simple incidents keep their simple files.
 * <p>
 * Without {@code started_at} the impact is taken to begin when it was detected, else when the incident was declared.
 */
public final class Phases {
    /** The timeline event type that records the data-loss window. */
    public static final String DATA_LOSS = "data-loss";

    private Phases() {
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /**
     * The impact windows, earliest first: those stored, else the one the milestones imply ({@code started_at}, or
     * detection or declaration when a mitigation or resolution is recorded without it, until {@code mitigated_at} or
     * {@code resolved_at}); empty when nothing about the impact is recorded yet.
     */
    public static List<ImpactWindow> windows(Incident i) {
        if (!i.impactWindows().isEmpty()) {
            return i.impactWindows();
        }
        Instant started = i.time(Milestone.STARTED);
        Instant end = first(i.time(Milestone.MITIGATED), i.time(Milestone.RESOLVED));
        Instant start = started != null ? started : end != null ? implicitStart(i) : null;
        return start == null ? List.of() : List.of(new ImpactWindow(start, end, null));
    }

    /** True while impact is ongoing: the last window is open, or nothing about the impact is recorded yet. */
    public static boolean ongoing(Incident i) {
        List<ImpactWindow> ws = windows(i);
        return ws.isEmpty() || ws.get(ws.size() - 1).open();
    }

    /** The total impact: the sum of the windows, an open one counted to {@code now}; null when none is recorded. */
    public static Duration impact(Incident i, Instant now) {
        List<ImpactWindow> ws = windows(i);
        if (ws.isEmpty()) {
            return null;
        }
        Duration total = Duration.ZERO;
        for (ImpactWindow w : ws) {
            total = total.plus(w.length(now));
        }
        return total;
    }

    /** Where impact is taken to begin without {@code started_at}: its detection, else the declaration. */
    static Instant implicitStart(Incident i) {
        return first(i.time(Milestone.DETECTED), i.openedAt());
    }

    // ---- impact windows ----------------------------------------------------------------------------------------

    /** Opens a new impact window at {@code at}; refused while one is open or before the last one ended. */
    public static Change startWindow(Incident i, Instant at, String label, String author) {
        if (i.time(Milestone.RESOLVED) != null) {
            throw IrException.usage(i.id() + " is resolved (" + Times.format(i.time(Milestone.RESOLVED))
                    + "): if the impact came back, reopen it with 'ir reopen WHY', which opens a new impact window");
        }
        List<ImpactWindow> ws = new ArrayList<>(windows(i));
        int n = ws.size() + 1;
        checkCanStart(i, ws, at);
        ws.add(new ImpactWindow(at, null, label));
        Incident next = withWindows(i, ws);
        Map<String, Object> attrs = attrs("milestone", Milestone.STARTED.label(), "window", n, "label", clean(label));
        String text = (n == 1 ? "Impact started" : "Impact window " + n + " started") + (clean(label) == null ? ""
                : ": " + clean(label));
        return new Change(next.withEvent(event(at, author, TimelineEvent.MILESTONE, text, attrs)),
                "impact window " + n + " started " + Times.format(at) + (clean(label) == null ? ""
                        : " (" + clean(label) + ")"), TimelineEvent.MILESTONE);
    }

    /** Ends the open impact window at {@code at} (its mitigation). */
    public static Change endWindow(Incident i, Instant at, String author) {
        List<ImpactWindow> ws = new ArrayList<>(windows(i));
        if (ws.isEmpty()) {
            Instant start = implicitStart(i);
            if (start == null) {
                throw IrException.usage(i.id() + " has no impact window to end: start one with 'ir window start "
                        + "--at TIME'");
            }
            ws.add(new ImpactWindow(start, null, null));
        }
        ImpactWindow last = ws.get(ws.size() - 1);
        int n = ws.size();
        if (last.open()) {
            Milestones.checkOrder(i, Milestone.MITIGATED, at);
        }
        if (!last.open()) {
            throw IrException.usage("no impact window is open on " + i.id() + " (window " + n + " ended at "
                    + Times.format(last.mitigatedAt()) + "): correct that end with 'ir mark mitigated --at TIME', or "
                    + "open a new window with 'ir window start'");
        }
        if (at.isBefore(last.startedAt())) {
            throw IrException.usage("--at " + Times.format(at) + " is before impact window " + n + " started ("
                    + Times.format(last.startedAt()) + "): a window ends after it starts");
        }
        Instant was = i.time(Milestone.MITIGATED);
        Incident next = closeLast(i, ws, at);
        Map<String, Object> attrs = attrs("milestone", Milestone.MITIGATED.label(), "window", n,
                "was", was == null ? null : Times.format(was));
        String text = n == 1 ? "Mitigated" : "Impact window " + n + " mitigated";
        return new Change(next.withEvent(event(at, author, TimelineEvent.MILESTONE, text, attrs)),
                "impact window " + n + " mitigated " + Times.format(at), TimelineEvent.MILESTONE);
    }

    /**
     * Gives impact window {@code n} (1-based; 0 for the last) a label, or clears it with a blank one. The event is
     * dated at the window's start, where the timeline tells of it.
     */
    public static Change label(Incident i, int n, String label, String author) {
        List<ImpactWindow> ws = new ArrayList<>(windows(i));
        if (ws.isEmpty()) {
            throw IrException.usage(i.id() + " has no impact window yet: open one with 'ir window start --label "
                    + "TEXT'");
        }
        int k = n == 0 ? ws.size() : n;
        if (k < 1 || k > ws.size()) {
            throw IrException.usage(i.id() + " has " + ws.size() + " impact window" + (ws.size() == 1 ? "" : "s")
                    + ": give a number from 1 to " + ws.size());
        }
        ImpactWindow w = ws.get(k - 1);
        String to = clean(label);
        if (java.util.Objects.equals(to, w.label())) {
            throw IrException.usage("impact window " + k + " is already " + (to == null ? "unlabelled"
                    : "labelled '" + to + "'") + ": nothing to change");
        }
        ws.set(k - 1, w.withLabel(to));
        Map<String, Object> attrs = attrs("window", k, "from", w.label(), "to", to);
        String text = "Impact window " + k + (to == null ? " unlabelled (was '" + w.label() + "')"
                : " labelled '" + to + "'" + (w.label() == null ? "" : " (was '" + w.label() + "')"));
        return new Change(withWindows(i, ws).withEvent(event(w.startedAt(), author, TimelineEvent.MILESTONE, text,
                attrs)), "label impact window " + k + (to == null ? " (cleared)" : ": " + to), TimelineEvent.MILESTONE);
    }

    /**
     * The status moved back from monitoring (the impact is back): a new window opens at {@code at}. Returns null when
     * a window is already open or nothing was mitigated yet (the impact simply goes on).
     */
    static Incident reopenImpact(Incident i, Instant at, Map<String, Object> attrs) {
        List<ImpactWindow> ws = new ArrayList<>(windows(i));
        if (ws.isEmpty() || ws.get(ws.size() - 1).open()) {
            return null;
        }
        checkCanStart(i, ws, at);
        ws.add(new ImpactWindow(at, null, null));
        attrs.put("window", ws.size());
        attrs.put("impact", "resumed");
        return withWindows(i, ws);
    }

    /**
     * The impact ended (monitoring, resolved): the open window closes at {@code at}. Returns null when no window is
     * open. {@code attrs} gains the window's number.
     */
    static Incident endImpact(Incident i, Instant at, Map<String, Object> attrs) {
        List<ImpactWindow> ws = new ArrayList<>(windows(i));
        if (ws.isEmpty()) {
            Instant start = implicitStart(i);
            if (start == null) {
                return null;
            }
            ws.add(new ImpactWindow(start, null, null));
        }
        ImpactWindow last = ws.get(ws.size() - 1);
        if (!last.open()) {
            return null;
        }
        Milestones.checkOrder(i, Milestone.MITIGATED, at);
        if (at.isBefore(last.startedAt())) {
            throw IrException.usage("--at " + Times.format(at) + " is before impact window " + ws.size()
                    + " started (" + Times.format(last.startedAt()) + "): the impact ends after it starts");
        }
        if (ws.size() > 1) {
            attrs.put("window", ws.size());
        }
        return closeLast(i, ws, at);
    }

    private static Incident closeLast(Incident i, List<ImpactWindow> ws, Instant at) {
        Milestones.checkOrder(i, Milestone.MITIGATED, at);
        ws.set(ws.size() - 1, ws.get(ws.size() - 1).withEnd(at));
        return withWindows(i, ws);
    }

    private static void checkCanStart(Incident i, List<ImpactWindow> ws, Instant at) {
        if (!ws.isEmpty()) {
            ImpactWindow last = ws.get(ws.size() - 1);
            if (last.open()) {
                throw IrException.usage("impact window " + ws.size() + " (since " + Times.format(last.startedAt())
                        + ") is still open on " + i.id() + ": end it first with 'ir window end --at TIME'");
            }
            if (at.isBefore(last.mitigatedAt())) {
                throw IrException.usage("--at " + Times.format(at) + " is before impact window " + ws.size()
                        + " ended (" + Times.format(last.mitigatedAt()) + "): windows follow each other without "
                        + "overlapping; correct that end first with 'ir mark mitigated --at TIME'");
            }
        } else {
            Milestones.checkOrder(i, Milestone.STARTED, at);
        }
    }

    /**
     * {@code ir mark started}: corrects the start of the first window. Past the end of that window the impact came
     * back, which is a new window, and the message says so.
     */
    static Incident markStarted(Incident i, Instant at) {
        if (i.impactWindows().isEmpty()) {
            Instant mitigated = i.time(Milestone.MITIGATED);
            if (mitigated != null && at.isAfter(mitigated)) {
                throw IrException.usage("started at " + Times.format(at) + " would be after mitigated ("
                        + Times.format(mitigated) + "): if the impact came back, open a new impact window with "
                        + "'ir window start --at " + Times.format(at) + "'; else correct mitigated first");
            }
            Milestones.checkOrder(i, Milestone.STARTED, at);
            return i.withTime(Milestone.STARTED, at);
        }
        List<ImpactWindow> ws = new ArrayList<>(i.impactWindows());
        ImpactWindow w = ws.get(0);
        if (w.mitigatedAt() != null && at.isAfter(w.mitigatedAt())) {
            throw IrException.usage("started at " + Times.format(at) + " would be after impact window 1 ended ("
                    + Times.format(w.mitigatedAt()) + "): started is the start of the first window");
        }
        Milestones.checkOrder(i, Milestone.STARTED, at);
        ws.set(0, w.withStart(at));
        return withWindows(i, ws);
    }

    /** {@code ir mark mitigated}: ends the open window, or corrects the end of the last one. */
    static Incident markMitigated(Incident i, Instant at, Map<String, Object> attrs) {
        if (i.impactWindows().isEmpty()) {
            Milestones.checkOrder(i, Milestone.MITIGATED, at);
            return i.withTime(Milestone.MITIGATED, at);
        }
        List<ImpactWindow> ws = new ArrayList<>(i.impactWindows());
        ImpactWindow last = ws.get(ws.size() - 1);
        if (at.isBefore(last.startedAt())) {
            throw IrException.usage("mitigated at " + Times.format(at) + " would be before impact window "
                    + ws.size() + " started (" + Times.format(last.startedAt()) + "): mitigated is the end of the "
                    + "last window");
        }
        attrs.put("window", ws.size());
        return closeLast(i, ws, at);
    }

    /**
     * Sets the impact windows and keeps the milestones in step: {@code started_at} is the first start,
     * {@code mitigated_at} the last end. One unlabelled window is not stored: the milestones say it.
     */
    static Incident withWindows(Incident i, List<ImpactWindow> ws) {
        Instant lastEnd = null;
        for (ImpactWindow w : ws) {
            if (w.mitigatedAt() != null) {
                lastEnd = w.mitigatedAt();
            }
        }
        ImpactWindow first = ws.get(0);
        boolean trivial = ws.size() == 1 && first.label() == null;
        Incident next = i;
        // One window that starts where the impact is assumed to start: no started_at is invented for it.
        if (!(trivial && i.time(Milestone.STARTED) == null && first.startedAt().equals(implicitStart(i)))) {
            next = next.withTime(Milestone.STARTED, first.startedAt());
        }
        next = next.withTime(Milestone.MITIGATED, lastEnd);
        return next.withImpactWindows(trivial ? List.of() : ws);
    }

    // ---- data loss ---------------------------------------------------------------------------------------------

    /** Records (or corrects) the data-loss window; the event is dated at its start. */
    public static Change dataLoss(Incident i, Instant from, Instant to, String note, String author) {
        if (to != null && to.isBefore(from)) {
            throw IrException.usage("--to " + Times.format(to) + " is before --from " + Times.format(from)
                    + ": the data-loss window ends after it starts");
        }
        DataLoss next = new DataLoss(from, to, note);
        DataLoss old = i.dataLoss();
        if (next.equals(old)) {
            throw IrException.usage("the data-loss window is already " + old.show() + ": nothing to change");
        }
        Map<String, Object> attrs = attrs("from", Times.format(from), "to", to == null ? null : Times.format(to),
                "note", next.note(), "was", old == null ? null : old.show());
        String text = "Data lost " + (to == null ? "from " + Times.format(from) + " (end not known)"
                : "between " + Times.format(from) + " and " + Times.format(to))
                + (next.note() == null ? "" : ": " + next.note()) + (old == null ? "" : " (corrected from "
                + old.show() + ")");
        return new Change(i.withDataLoss(next).withEvent(event(from, author, DATA_LOSS, text, attrs)),
                "data loss " + next.show().lines().findFirst().orElse(""), DATA_LOSS);
    }

    /** Removes the data-loss window (the event keeps it). */
    public static Change clearDataLoss(Incident i, Instant at, String author) {
        DataLoss old = i.dataLoss();
        if (old == null) {
            throw IrException.usage(i.id() + " has no data-loss window: nothing to clear");
        }
        Map<String, Object> attrs = attrs("cleared", true, "was", old.show());
        return new Change(i.withDataLoss(null).withEvent(event(at, author, DATA_LOSS,
                "Data-loss window cleared (was " + old.show() + ")", attrs)),
                "clear data loss (was " + old.show() + ")", DATA_LOSS);
    }

    // ---- validation --------------------------------------------------------------------------------------------

    /** Checks hand-edited windows: each in order, not overlapping, in step with the milestones; a sane data loss. */
    public static void validate(Incident i) {
        List<ImpactWindow> ws = i.impactWindows();
        Instant lastEnd = null;
        for (int k = 0; k < ws.size(); k++) {
            ImpactWindow w = ws.get(k);
            int n = k + 1;
            if (w.mitigatedAt() != null && w.mitigatedAt().isBefore(w.startedAt())) {
                throw IrException.usage("impact window " + n + " ends (" + Times.format(w.mitigatedAt())
                        + ") before it starts (" + Times.format(w.startedAt()) + ")");
            }
            if (w.open() && k < ws.size() - 1) {
                throw IrException.usage("impact window " + n + " has no mitigated_at but window " + (n + 1)
                        + " follows it: only the last window may be open");
            }
            if (k > 0 && w.startedAt().isBefore(ws.get(k - 1).mitigatedAt())) {
                throw IrException.usage("impact window " + n + " starts (" + Times.format(w.startedAt())
                        + ") before window " + k + " ended (" + Times.format(ws.get(k - 1).mitigatedAt())
                        + "): windows are in time order and do not overlap");
            }
            if (w.mitigatedAt() != null) {
                lastEnd = w.mitigatedAt();
            }
        }
        if (!ws.isEmpty()) {
            Instant start = ws.get(0).startedAt();
            if (!start.equals(i.time(Milestone.STARTED))) {
                throw IrException.usage("started_at (" + show(i.time(Milestone.STARTED)) + ") must be the start of "
                        + "the first impact window (" + Times.format(start) + "): change both");
            }
            if (!java.util.Objects.equals(lastEnd, i.time(Milestone.MITIGATED))) {
                throw IrException.usage("mitigated_at (" + show(i.time(Milestone.MITIGATED)) + ") must be the end "
                        + "of the last impact window that ended (" + show(lastEnd) + "): change both");
            }
            ImpactWindow last = ws.get(ws.size() - 1);
            if (last.open() && i.time(Milestone.RESOLVED) != null) {
                throw IrException.usage("resolved_at is set but impact window " + ws.size() + " is still open: "
                        + "give it a mitigated_at");
            }
        }
        DataLoss d = i.dataLoss();
        if (d != null && d.to() != null && d.to().isBefore(d.from())) {
            throw IrException.usage("data_loss ends (" + Times.format(d.to()) + ") before it starts ("
                    + Times.format(d.from()) + ")");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static String show(Instant at) {
        return at == null ? "not set" : Times.format(at);
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? null : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static TimelineEvent event(Instant at, String author, String type, String text,
                                       Map<String, Object> attrs) {
        return new TimelineEvent(IncidentIds.eventId(), at, author, type, text, false, attrs);
    }

    static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            if (kv[k + 1] != null) {
                m.put((String) kv[k], kv[k + 1]);
            }
        }
        return m;
    }

    private static Instant first(Instant... candidates) {
        for (Instant c : candidates) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}
