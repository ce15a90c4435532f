package ir.model;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The order an incident's milestones must keep: impact starts, is detected, acknowledged, mitigated, resolved, and the
 * incident is closed. {@code opened_at} is outside the chain: an incident is often declared after impact began, and
 * sometimes before (a risky change announced ahead). Without {@code started_at}, though, the impact is taken to begin
 * at the declaration, so nothing can be mitigated, resolved or closed before it (detection and acknowledgement may
 * come first: an alert can fire before anyone declares an incident).
 */
public final class Milestones {
    /** The chain, earliest first. */
    public static final List<Milestone> ORDER = List.of(Milestone.STARTED, Milestone.DETECTED, Milestone.ACKNOWLEDGED,
            Milestone.MITIGATED, Milestone.RESOLVED, Milestone.CLOSED);

    /** What {@code ir mark} may set; {@code opened} and {@code closed} follow from {@code ir open} and the status. */
    public static final List<Milestone> MARKABLE = List.of(Milestone.STARTED, Milestone.DETECTED,
            Milestone.ACKNOWLEDGED, Milestone.MITIGATED, Milestone.RESOLVED);

    private Milestones() {
    }

    public static String markableNames() {
        return MARKABLE.stream().map(Milestone::label).collect(Collectors.joining(", "));
    }

    /** Parses a milestone {@code ir mark} accepts, or a usage error that lists them. */
    public static Milestone markable(String text) {
        Milestone m = text == null ? null : Milestone.parse(text);
        if (m == null || !MARKABLE.contains(m)) {
            throw IrException.usage("unknown milestone '" + (text == null ? "" : text.trim()) + "': use one of "
                    + markableNames());
        }
        return m;
    }

    /**
     * Refuses setting {@code m} to {@code at} when that puts it before an earlier milestone of the chain or after a
     * later one that is already set.
     */
    public static void checkOrder(Incident incident, Milestone m, Instant at) {
        int idx = ORDER.indexOf(m);
        if (idx < 0 || at == null) {
            return;
        }
        checkOpened(incident, m, at);
        for (int k = 0; k < ORDER.size(); k++) {
            Milestone other = ORDER.get(k);
            Instant t = incident.time(other);
            if (k == idx || t == null) {
                continue;
            }
            if (k < idx && at.isBefore(t)) {
                throw outOfOrder(m, at, "before", other, t);
            }
            if (k > idx && at.isAfter(t)) {
                throw outOfOrder(m, at, "after", other, t);
            }
        }
    }

    /** Refuses an incident whose milestones (as a whole) are out of order, e.g. one edited by hand. */
    public static void checkAll(Incident incident) {
        Milestone prev = null;
        for (Milestone m : ORDER) {
            Instant t = incident.time(m);
            if (t == null) {
                continue;
            }
            if (prev != null && t.isBefore(incident.time(prev))) {
                throw outOfOrder(m, t, "before", prev, incident.time(prev));
            }
            checkOpened(incident, m, t);
            prev = m;
        }
    }

    /** The milestones that end the impact or the incident: without a start of impact, not before the declaration. */
    private static final List<Milestone> AFTER_DECLARATION = List.of(Milestone.MITIGATED, Milestone.RESOLVED,
            Milestone.CLOSED);

    private static void checkOpened(Incident incident, Milestone m, Instant at) {
        Instant opened = incident.openedAt();
        if (opened != null && incident.time(Milestone.STARTED) == null && AFTER_DECLARATION.contains(m)
                && at.isBefore(opened)) {
            throw IrException.usage(m.label() + " at " + Times.format(at) + " would be before " + incident.id()
                    + " was declared (" + Times.format(opened) + ") with no start of impact marked: mark when the "
                    + "impact began first with 'ir mark started --at TIME'");
        }
    }

    private static IrException outOfOrder(Milestone m, Instant at, String relation, Milestone other, Instant t) {
        String fix = other == Milestone.CLOSED ? "reopen the incident first (ir reopen WHY)"
                : "correct " + other.label() + " first with 'ir mark " + other.label() + " --at TIME'";
        return IrException.usage(m.label() + " at " + Times.format(at) + " would be " + relation + " " + other.label()
                + " (" + Times.format(t) + "): milestones go " + ORDER.stream().map(Milestone::label)
                .collect(Collectors.joining(" <= ")) + "; " + fix);
    }
}
