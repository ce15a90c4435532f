package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A follow-up task that comes out of an incident: mitigate now, prevent a recurrence, fix a process.
 * <p>
 * {@code status} is {@code open}, {@code in-progress}, {@code done} or {@code wont-do} (with a {@code reason});
 * {@code doneAt} is when it was done (cleared when it is reopened); {@code addedAt} is when it was added, by the
 * clock of the session that added it: with the adding event's id it is the item's place in the list, the same in
 * every clone whatever order a merge met them in (see {@link #ordered}).
 */
public record ActionItem(String id, String text, String type, String owner, String due, String status, String link,
                         Instant doneAt, Instant addedAt, String reason, Map<String, Object> extra) {

    public static final List<String> TYPES = List.of("mitigate", "prevent", "process", "other");
    public static final String OPEN = "open";
    public static final String IN_PROGRESS = "in-progress";
    public static final String DONE = "done";
    public static final String WONT_DO = "wont-do";
    /** Every status, in the order an item usually goes through them. */
    public static final List<String> STATUSES = List.of(OPEN, IN_PROGRESS, DONE, WONT_DO);

    public ActionItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        status = status == null ? OPEN : status;
        extra = Maps.copy(extra);
    }

    /** An item as older versions of ir wrote it: no done date, no added time, no reason. */
    public ActionItem(String id, String text, String type, String owner, String due, String status, String link,
                      Map<String, Object> extra) {
        this(id, text, type, owner, due, status, link, null, null, null, extra);
    }

    /** Still to do: {@code open} or {@code in-progress} (anything but done or won't do). */
    public boolean isOpen() {
        return isOpen(status);
    }

    /** True for a status still to do: {@code open}, {@code in-progress} (anything but done or won't do). */
    public static boolean isOpen(String status) {
        return !DONE.equals(status) && !WONT_DO.equals(status);
    }

    /**
     * The item in {@code newStatus}: done records {@code at} as its done date (kept when it already was done), any
     * other status clears it; a reason is kept only while the item is not done.
     */
    public ActionItem withStatus(String newStatus, Instant at) {
        Instant done = DONE.equals(newStatus) ? (DONE.equals(status) && doneAt != null ? doneAt : at) : null;
        String why = WONT_DO.equals(newStatus) ? reason : null;
        return new ActionItem(id, text, type, owner, due, newStatus, link, done, addedAt, why, extra);
    }

    /** The item in {@code newStatus}, done date and reason untouched (a merge or an edit sets those). */
    public ActionItem withStatus(String newStatus) {
        return new ActionItem(id, text, type, owner, due, newStatus, link, doneAt, addedAt, reason, extra);
    }

    public ActionItem withReason(String newReason) {
        return new ActionItem(id, text, type, owner, due, status, link, doneAt, addedAt, newReason, extra);
    }

    /** The item with its owner, due date, text and link replaced (null owner, due or link: none). */
    public ActionItem withFields(String newOwner, String newDue, String newText, String newLink) {
        return new ActionItem(id, newText, type, newOwner, newDue, status, newLink, doneAt, addedAt, reason, extra);
    }

    /**
     * The canonical spelling of an action item status ({@code in progress}, {@code wontdo}, {@code won't do} are
     * understood), or a usage error that lists them.
     */
    public static String status(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace("'", "").replace('’', ' ')
                .replaceAll("[\\s_]+", "-");
        String canonical = switch (t) {
            case "open", "todo", "to-do" -> OPEN;
            case "in-progress", "inprogress", "doing", "started" -> IN_PROGRESS;
            case "done", "closed" -> DONE;
            case "wont-do", "wontdo", "won-t-do", "will-not-do", "wontfix", "superseded" -> WONT_DO;
            default -> null;
        };
        if (canonical == null) {
            throw IrException.usage("unknown action item status '" + (text == null ? "" : text.strip())
                    + "': use one of " + String.join(", ", STATUSES));
        }
        return canonical;
    }

    /**
     * The items in the order they were added, the same in every clone: by {@code added_at} (for items written
     * before it existed: their first {@code action-item} event's time), then by the id of that first event (its
     * first characters are the recording machine's clock in milliseconds: two items added in one second keep the
     * order they were added in), then by item id.
     */
    public static List<ActionItem> ordered(List<ActionItem> actions, List<TimelineEvent> timeline) {
        Map<String, TimelineEvent> first = new HashMap<>();
        for (TimelineEvent e : timeline) {
            if (!TimelineEvent.ACTION_ITEM.equals(e.type())) {
                continue;
            }
            String a = e.attr("action");
            if (a != null) {
                first.merge(a, e, (x, y) -> Incident.EVENT_ORDER.compare(x, y) <= 0 ? x : y);
            }
        }
        List<ActionItem> out = new ArrayList<>(actions);
        out.sort(Comparator.comparing((ActionItem a) -> {
            if (a.addedAt() != null) {
                return a.addedAt();
            }
            TimelineEvent e = first.get(a.id());
            return e == null ? Instant.MAX : e.at();
        }).thenComparing(a -> {
            TimelineEvent e = first.get(a.id());
            return e == null ? "~" : e.id();
        }).thenComparing(ActionItem::id));
        return out;
    }
}
