package ir.model;

import java.util.HashSet;
import java.util.Set;

/**
 * A closed incident is finished: its post-mortem is reviewed and its record is what the team agreed on. A change to
 * it warns; a late note ({@code ir log}), action-item bookkeeping (follow-ups are finished long after closing) and
 * the post-mortem need nothing more, reopening it ({@code ir reopen}) is the way back to work, and anything else
 * needs {@code --force}. Every mutating command goes through {@link #check}, so the rule lives here once.
 */
public final class ClosedIncidents {
    /** Event types a closed incident takes without {@code --force}. */
    static final Set<String> LATE = late();

    private ClosedIncidents() {
    }

    private static Set<String> late() {
        Set<String> s = new HashSet<>(TimelineEvent.LOG_TYPES);
        s.add(TimelineEvent.ACTION_ITEM);
        s.add(Postmortems.EVENT);
        return Set.copyOf(s);
    }

    /**
     * Checks {@code change} of {@code before}: null when {@code before} is not closed or the change reopens it; a
     * warning to show once the change is committed when it may go ahead; a usage error when it needs {@code --force}
     * and {@code force} is false.
     */
    public static String check(Incident before, Change change, IrConfig config, boolean force) {
        if (!IrConfig.CLOSED.equals(before.status())) {
            return null;
        }
        if (TimelineEvent.STATUS.equals(change.eventType()) && !Lifecycle.isDone(config, change.incident().status())) {
            return null; // reopened: the way back to work, which says why
        }
        if (LATE.contains(change.eventType())) {
            return before.id() + " is closed: " + (TimelineEvent.ACTION_ITEM.equals(change.eventType())
                    ? "action item recorded" : Postmortems.EVENT.equals(change.eventType()) ? "post-mortem updated"
                    : "late entry added") + " all the same";
        }
        if (!force) {
            throw IrException.usage(before.id() + " is closed: '" + change.summary() + "' would change its record; "
                    + "add --force to change it anyway, or 'ir reopen WHY' to work on it again");
        }
        return before.id() + " is closed: '" + change.summary() + "' changed its record (--force)";
    }
}
