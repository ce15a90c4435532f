package ir.model;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a listing shows of an incident: its header, milestone times, roles and tags, and how many timeline events and
 * open action items it has. Small enough to cache per clone, so {@code ir list} need not parse every file.
 */
public record IncidentSummary(String id, String title, String severity, String status, boolean drill,
                              Map<Milestone, Instant> times, Map<String, List<String>> roles, List<String> tags,
                              int events, long openActions) {
    public IncidentSummary {
        Objects.requireNonNull(id, "id");
        Map<Milestone, Instant> t = new EnumMap<>(Milestone.class);
        if (times != null) {
            t.putAll(times);
        }
        times = java.util.Collections.unmodifiableMap(t);
        roles = Maps.copyLists(roles);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static IncidentSummary of(Incident i) {
        return new IncidentSummary(i.id(), i.title(), i.severity(), i.status(), i.drill(), i.times(), i.roles(),
                i.list(ListField.TAGS), i.timeline().size(), i.actions().stream().filter(ActionItem::isOpen).count());
    }

    public Instant openedAt() {
        return times.get(Milestone.OPENED);
    }
}
