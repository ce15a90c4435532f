package ir.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One alert of a {@link Notification}, whatever format it came in: its identity within the group
 * ({@code fingerprint}), state ({@link #FIRING}, {@link #RESOLVED}, or {@link #ACKNOWLEDGED} for a PagerDuty incident),
 * labels, annotations, when it began and ended, and a link to where it came from.
 */
public record Alert(String fingerprint, String status, Map<String, String> labels, Map<String, String> annotations,
                    Instant startsAt, Instant endsAt, String link) {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";
    public static final String ACKNOWLEDGED = "acknowledged";

    public Alert {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        labels = Maps.copy(labels);
        annotations = Maps.copy(annotations);
    }

    public boolean firing() {
        return !RESOLVED.equals(status);
    }

    /** A short name for a timeline entry: the alert name and its distinguishing instance, if any. */
    public String name() {
        String n = labels.getOrDefault("alertname", labels.getOrDefault("title", fingerprint));
        String instance = labels.get("instance");
        return instance == null || instance.isBlank() ? n : n + " (" + instance + ")";
    }
}
