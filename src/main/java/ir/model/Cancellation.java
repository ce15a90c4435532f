package ir.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mistaken incidents: one declared by mistake (a false alarm, a test) or twice (a duplicate of another) is
 * <em>canceled</em>, not deleted. The record stays, with status {@code canceled} (built in: it needs no line in
 * ir.yaml), a {@code status} event that says why, and a top-level {@code canceled} key holding the reason and/or the
 * surviving incident:
 * <pre>
 * status: canceled
 * canceled: {reason: "opened by mistake during the drill", duplicate_of: 2026-11-28-checkout-latency}
 * </pre>
 * A canceled incident is left out of lists, stats, action-item lists and post-mortem requirements by default;
 * {@code ir reopen} brings it back (and drops the key; the events keep the history).
 */
public final class Cancellation {
    /** The top-level key of the incident file. */
    public static final String KEY = "canceled";
    public static final String REASON = "reason";
    public static final String DUPLICATE_OF = "duplicate_of";

    private Cancellation() {
    }

    /** True for the built-in {@code canceled} status. */
    public static boolean isCanceled(String status) {
        return IrConfig.CANCELED.equals(status);
    }

    public static boolean isCanceled(Incident i) {
        return isCanceled(i.status());
    }

    /** The incident this one duplicates, or null. */
    public static String duplicateOf(Incident i) {
        return field(i, DUPLICATE_OF);
    }

    /** Why it was canceled, or null. */
    public static String reason(Incident i) {
        return field(i, REASON);
    }

    private static String field(Incident i, String name) {
        if (i.extra().get(KEY) instanceof Map<?, ?> m && m.get(name) != null) {
            return String.valueOf(m.get(name));
        }
        return null;
    }

    /**
     * Cancels {@code i}: a reason, a surviving incident ({@code duplicateOf}, already resolved to an existing other
     * incident by the caller), or both. Refused when it is canceled already, or with neither.
     */
    public static Change cancel(Incident i, String reason, String duplicateOf, Instant at, String author) {
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (isCanceled(i)) {
            throw IrException.usage(i.id() + " is canceled already" + (duplicateOf(i) == null ? ""
                    : " (a duplicate of " + duplicateOf(i) + ")")
                    + ": nothing to change; 'ir reopen WHY' brings it back");
        }
        if (why == null && duplicateOf == null) {
            throw IrException.usage("say why it is canceled, e.g. ir cancel opened by mistake, or name the incident "
                    + "it duplicates: ir cancel --duplicate-of ID");
        }
        if (i.id().equals(duplicateOf)) {
            throw IrException.usage(i.id() + " cannot be a duplicate of itself: name the incident that stays");
        }
        if (i.openedAt() != null && at.isBefore(i.openedAt())) {
            throw IrException.usage("--at " + Times.format(at) + " is before " + i.id() + " was declared ("
                    + Times.format(i.openedAt()) + ")");
        }
        Lifecycle.notBeforeLast(i, e -> TimelineEvent.STATUS.equals(e.type()), at, "status change");
        Map<String, Object> key = new LinkedHashMap<>();
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (i.status() != null) {
            attrs.put("from", i.status());
        }
        attrs.put("to", IrConfig.CANCELED);
        if (why != null) {
            key.put(REASON, why);
            attrs.put(REASON, why);
        }
        if (duplicateOf != null) {
            key.put(DUPLICATE_OF, duplicateOf);
            attrs.put(DUPLICATE_OF, duplicateOf);
        }
        String what = duplicateOf == null ? why : "duplicate of " + duplicateOf + (why == null ? "" : ": " + why);
        TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), at, author, TimelineEvent.STATUS,
                "Canceled: " + what, false, attrs);
        Map<String, Object> extra = new LinkedHashMap<>(i.extra());
        extra.put(KEY, key);
        Incident next = i.withStatus(IrConfig.CANCELED).withExtra(extra).withEvent(e);
        String line = what.strip().lines().findFirst().orElse("");
        return new Change(next, "cancel (" + (i.status() == null ? "no status" : i.status()) + " -> "
                + IrConfig.CANCELED + "): " + (line.length() > 60 ? line.substring(0, 57) + "..." : line),
                TimelineEvent.STATUS);
    }

    /**
     * Refuses a status move of a canceled incident ({@code ir status}, {@code ir resolve}), and a move to
     * {@code canceled} that would not say why: both have their own command. Returns {@code i} for chaining.
     */
    public static Incident checkStatusMove(Incident i, String status) {
        if (isCanceled(status)) {
            throw IrException.usage("to cancel " + i.id() + " say why: ir cancel REASON, or ir cancel "
                    + "--duplicate-of ID");
        }
        if (isCanceled(i)) {
            throw IrException.usage(i.id() + " is canceled: to work on it again run 'ir reopen WHY'");
        }
        return i;
    }

    /** {@link Lifecycle#reopen}, which for a canceled incident also drops its {@code canceled} key. */
    public static Change reopen(Incident i, IrConfig config, String why, Instant at, String author) {
        Change c = Lifecycle.reopen(i, config, why, at, author);
        if (!c.incident().extra().containsKey(KEY)) {
            return c;
        }
        Map<String, Object> extra = new LinkedHashMap<>(c.incident().extra());
        extra.remove(KEY);
        return new Change(c.incident().withExtra(extra), c.summary(), c.eventType());
    }
}
