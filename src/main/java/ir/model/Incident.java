package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One incident, as stored in {@code incidents/<id>.yaml}. Immutable: every change returns a new value. {@code extra}
 * keeps the top-level keys this version does not know, so rewriting a file written by a newer version loses nothing.
 */
public record Incident(int schema, String id, String title, String severity, String status, boolean drill,
                       Map<Milestone, Instant> times, Map<String, List<String>> roles, Map<TextField, String> texts,
                       Map<ListField, List<String>> lists, List<ActionItem> actions, List<TimelineEvent> timeline,
                       Map<String, Object> extra, List<ImpactWindow> impactWindows, DataLoss dataLoss,
                       String type, List<ChecklistItem> checklist) {

    public static final int SCHEMA = 1;

    /** Events in time order; ties keep their id order so every clone sorts alike. */
    public static final Comparator<TimelineEvent> EVENT_ORDER =
            Comparator.comparing(TimelineEvent::at).thenComparing(TimelineEvent::id);

    public Incident {
        Objects.requireNonNull(id, "id");
        if (title == null || title.isBlank()) {
            throw IrException.usage("incident " + id + " has no title");
        }
        Map<Milestone, Instant> t = new EnumMap<>(Milestone.class);
        if (times != null) {
            times.forEach((k, v) -> {
                if (v != null) {
                    t.put(k, v);
                }
            });
        }
        times = java.util.Collections.unmodifiableMap(t);
        roles = Maps.copyLists(roles);
        Map<TextField, String> tx = new EnumMap<>(TextField.class);
        if (texts != null) {
            texts.forEach((k, v) -> {
                if (v != null && !v.isBlank()) {
                    tx.put(k, v);
                }
            });
        }
        texts = java.util.Collections.unmodifiableMap(tx);
        Map<ListField, List<String>> ls = new EnumMap<>(ListField.class);
        if (lists != null) {
            lists.forEach((k, v) -> {
                if (v != null && !v.isEmpty()) {
                    ls.put(k, List.copyOf(v));
                }
            });
        }
        lists = java.util.Collections.unmodifiableMap(ls);
        actions = Maps.copy(actions);
        timeline = Maps.copy(timeline);
        extra = Maps.copy(extra);
        impactWindows = impactWindows == null ? List.of() : List.copyOf(impactWindows);
        type = type == null || type.isBlank() ? null : type.strip();
        checklist = checklist == null ? List.of() : List.copyOf(checklist);
    }

    /** A newly declared incident with its {@code declared} event. */
    public static Incident declare(String id, String title, String severity, String status, boolean drill,
                                   Instant openedAt, TimelineEvent declared) {
        return new Incident(SCHEMA, id, title, severity, status, drill, Map.of(Milestone.OPENED, openedAt), Map.of(),
                Map.of(), Map.of(), List.of(), List.of(declared), Map.of(), List.of(), null, null, List.of());
    }

    public Instant time(Milestone m) {
        return times.get(m);
    }

    public String text(TextField f) {
        return texts.get(f);
    }

    public List<String> list(ListField f) {
        return lists.getOrDefault(f, List.of());
    }

    public Instant openedAt() {
        return times.get(Milestone.OPENED);
    }

    /** The timeline in time order. */
    public List<TimelineEvent> sortedTimeline() {
        List<TimelineEvent> sorted = new ArrayList<>(timeline);
        sorted.sort(EVENT_ORDER);
        return sorted;
    }

    public Incident withTitle(String newTitle) {
        return new Incident(schema, id, newTitle, severity, status, drill, times, roles, texts, lists, actions,
                timeline, extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withSeverity(String newSeverity) {
        return new Incident(schema, id, title, newSeverity, status, drill, times, roles, texts, lists, actions,
                timeline, extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withStatus(String newStatus) {
        return new Incident(schema, id, title, severity, newStatus, drill, times, roles, texts, lists, actions,
                timeline, extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withTime(Milestone m, Instant at) {
        Map<Milestone, Instant> t = new EnumMap<>(Milestone.class);
        t.putAll(times);
        if (at == null) {
            t.remove(m);
        } else {
            t.put(m, at);
        }
        return new Incident(schema, id, title, severity, status, drill, t, roles, texts, lists, actions, timeline,
                extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withRole(String role, List<String> people) {
        Map<String, List<String>> r = new LinkedHashMap<>(roles);
        if (people == null || people.isEmpty()) {
            r.remove(role);
        } else {
            r.put(role, people);
        }
        return new Incident(schema, id, title, severity, status, drill, times, r, texts, lists, actions, timeline,
                extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withText(TextField f, String value) {
        Map<TextField, String> t = new EnumMap<>(TextField.class);
        t.putAll(texts);
        t.put(f, value);
        return new Incident(schema, id, title, severity, status, drill, times, roles, t, lists, actions, timeline,
                extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withList(ListField f, List<String> values) {
        Map<ListField, List<String>> l = new EnumMap<>(ListField.class);
        l.putAll(lists);
        l.put(f, values);
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, l, actions, timeline,
                extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withActions(List<ActionItem> newActions) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, newActions,
                timeline, extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withTimeline(List<TimelineEvent> newTimeline) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions,
                newTimeline, extra, impactWindows, dataLoss, type, checklist);
    }

    public Incident withExtra(Map<String, Object> newExtra) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions,
                timeline, newExtra, impactWindows, dataLoss, type, checklist);
    }

    /**
     * The impact windows as stored; empty when the milestones say it all (one window, {@code started_at} to
     * {@code mitigated_at}). {@link Phases#windows} gives the windows either way.
     */
    public Incident withImpactWindows(List<ImpactWindow> windows) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions, timeline,
                extra, windows, dataLoss, type, checklist);
    }

    public Incident withDataLoss(DataLoss newDataLoss) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions, timeline,
                extra, impactWindows, newDataLoss, type, checklist);
    }

    /** The incident type ({@code ir open --type}, ir.yaml's {@code types:}); null for none. */
    public Incident withType(String newType) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions, timeline,
                extra, impactWindows, dataLoss, newType, checklist);
    }

    /** The snapshot of checklist steps that apply to this incident (see {@link Checklists}). */
    public Incident withChecklist(List<ChecklistItem> items) {
        return new Incident(schema, id, title, severity, status, drill, times, roles, texts, lists, actions, timeline,
                extra, impactWindows, dataLoss, type, items);
    }

    /** Appends an event; the file keeps events in time order. */
    public Incident withEvent(TimelineEvent event) {
        List<TimelineEvent> t = new ArrayList<>(timeline);
        t.add(event);
        t.sort(EVENT_ORDER);
        return withTimeline(t);
    }
}
