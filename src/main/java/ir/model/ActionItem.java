package ir.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A follow-up task that comes out of an incident: mitigate now, prevent a recurrence, fix a process. */
public record ActionItem(String id, String text, String type, String owner, String due, String status, String link,
                         Map<String, Object> extra) {

    public static final List<String> TYPES = List.of("mitigate", "prevent", "process", "other");
    public static final String OPEN = "open";
    public static final String DONE = "done";

    public ActionItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        status = status == null ? OPEN : status;
        extra = Maps.copy(extra);
    }

    public boolean isOpen() {
        return !DONE.equals(status);
    }

    public ActionItem withStatus(String newStatus) {
        return new ActionItem(id, text, type, owner, due, newStatus, link, extra);
    }
}
