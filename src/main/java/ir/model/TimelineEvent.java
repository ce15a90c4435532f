package ir.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of an incident's timeline. {@code attrs} holds the type-specific fields ({@code from}, {@code to},
 * {@code role}, {@code milestone}, ...) and any field a newer version of ir wrote, in file order.
 */
public record TimelineEvent(String id, Instant at, String author, String type, String text, boolean important,
                            Map<String, Object> attrs) {

    public static final String DECLARED = "declared";
    public static final String NOTE = "note";
    public static final String SEVERITY = "severity";
    public static final String ROLE = "role";
    public static final String STATUS = "status";
    public static final String MILESTONE = "milestone";
    public static final String ACTION_ITEM = "action-item";
    public static final String MERGE = "merge";

    /** The types a user may give to {@code ir log --type}. */
    public static final java.util.List<String> LOG_TYPES =
            java.util.List.of(NOTE, "action", "decision", "alert", "comms");

    public TimelineEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        attrs = Maps.copy(attrs);
    }

    public String attr(String key) {
        Object v = attrs.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
