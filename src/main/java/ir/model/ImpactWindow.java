package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One stretch of customer impact ({@code impact_windows} in the incident file): from {@code startedAt} until
 * {@code mitigatedAt}, or still ongoing while {@code mitigatedAt} is null. An incident that recovers and comes back has
 * several, in time order and never overlapping; {@code label} says what kind of impact it was ("degraded", "full
 * outage").
 */
public record ImpactWindow(Instant startedAt, Instant mitigatedAt, String label) {
    public ImpactWindow {
        Objects.requireNonNull(startedAt, "startedAt");
        label = label == null || label.isBlank() ? null : label.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    public boolean open() {
        return mitigatedAt == null;
    }

    /** Its length; an open window runs to {@code now}. */
    public Duration length(Instant now) {
        Instant end = mitigatedAt != null ? mitigatedAt : now;
        return end.isBefore(startedAt) ? Duration.ZERO : Duration.between(startedAt, end);
    }

    public ImpactWindow withStart(Instant at) {
        return new ImpactWindow(at, mitigatedAt, label);
    }

    public ImpactWindow withEnd(Instant at) {
        return new ImpactWindow(startedAt, at, label);
    }

    public ImpactWindow withLabel(String newLabel) {
        return new ImpactWindow(startedAt, mitigatedAt, newLabel);
    }

    /** For messages and merge events: {@code 14:54Z..16:00Z (degraded)}. */
    public String show() {
        return Times.format(startedAt) + ".." + (mitigatedAt == null ? "ongoing" : Times.format(mitigatedAt))
                + (label == null ? "" : " (" + label + ")");
    }
}
