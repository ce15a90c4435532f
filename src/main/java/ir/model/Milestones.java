package ir.model;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The order an incident's milestones must keep: impact starts, is detected, acknowledged, mitigated, resolved, and the
 * incident is closed. {@code opened_at} is outside the chain: an incident is often declared after impact began, and
 * sometimes before (a risky change announced ahead).
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
            prev = m;
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
