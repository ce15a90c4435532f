package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One step of an incident's checklist, as the incident keeps it: a snapshot of a step of ir.yaml taken when the step
 * came to apply (declaration, a role taken, an escalation, a type set), so a later edit of ir.yaml never rewrites what
 * a response was asked to do.
 * <p>
 * {@code id} is {@code <owner>.<step>} (e.g. {@code commander.announce}); {@code scope} says whose step it is
 * ({@link #ROLE}, {@link #SEVERITY} or {@link #TYPE}) and {@code owner} which role, severity or type; {@code within}
 * (optional) is how long after {@code addedAt} it is due. Whether it was done is not kept here but in the timeline
 * ({@code checklist} events, see {@link Checklists}), so two clones that tick different steps merge like any events.
 */
public record ChecklistItem(String id, String text, String scope, String owner, Duration within, Instant addedAt) {
    public static final String ROLE = "role";
    public static final String SEVERITY = "severity";
    public static final String TYPE = "type";

    public ChecklistItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(owner, "owner");
    }

    /** When it is due, or null when it has no {@code within}. */
    public Instant due() {
        return within == null || addedAt == null ? null : addedAt.plus(within);
    }

    /** The role whose step this is, or null for a severity's or a type's step. */
    public String role() {
        return ROLE.equals(scope) ? owner : null;
    }
}
