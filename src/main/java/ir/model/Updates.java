package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stakeholder updates ({@code ir update}): the audiences, the {@code update} timeline event that records one, which
 * public message an incident's state calls for, and when the next update of an audience is due.
 * <p>
 * An update event carries {@code audience}, {@code kind} (public messages: {@code initial}, {@code scoping},
 * {@code update}, {@code resolution}), the rendered message as its {@code text} and, when a next update was promised,
 * {@code next_update_at}. Whatever delivers updates (the outbox) keys on the event itself: see {@link #isUpdate} and
 * {@link #recorded}.
 */
public final class Updates {
    /** The timeline event type of a stakeholder update. */
    public static final String EVENT = "update";
    public static final String INTERNAL = "internal";
    public static final String EXEC = "exec";
    public static final String PUBLIC = "public";
    /** The audiences, in the order help lists them; internal is the default. */
    public static final List<String> AUDIENCES = List.of(INTERNAL, EXEC, PUBLIC);

    /** The public messages of the PagerDuty guide, chosen by the incident's state (see {@link #publicKind}). */
    public static final String INITIAL = "initial";
    public static final String SCOPING = "scoping";
    public static final String UPDATE = "update";
    public static final String RESOLUTION = "resolution";
    public static final List<String> PUBLIC_KINDS = List.of(INITIAL, SCOPING, UPDATE, RESOLUTION);

    public static final String AUDIENCE_ATTR = "audience";
    public static final String KIND_ATTR = "kind";
    public static final String NEXT_ATTR = "next_update_at";

    private Updates() {
    }

    /** Parses {@code --audience}: internal, exec (or executive), public; anything else is a usage error. */
    public static String audience(String text) {
        if (text == null) {
            return INTERNAL;
        }
        String a = text.strip().toLowerCase(Locale.ROOT);
        if (a.equals("executive") || a.equals("executives") || a.equals("execs")) {
            a = EXEC;
        }
        if (!AUDIENCES.contains(a)) {
            throw IrException.usage("unknown audience '" + text.strip() + "': use one of "
                    + String.join(", ", AUDIENCES));
        }
        return a;
    }

    /** True for a stakeholder update's event: what a notifier queues when it sees one recorded. */
    public static boolean isUpdate(TimelineEvent e) {
        return e != null && EVENT.equals(e.type());
    }

    /** The update events {@code after} holds that {@code before} did not (by event id): what one change recorded. */
    public static List<TimelineEvent> recorded(Incident before, Incident after) {
        Set<String> had = before == null ? Set.of()
                : before.timeline().stream().map(TimelineEvent::id).collect(Collectors.toSet());
        List<TimelineEvent> out = new ArrayList<>();
        for (TimelineEvent e : after.timeline()) {
            if (isUpdate(e) && !had.contains(e.id())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The audience an update event was for (internal when it names none). */
    public static String audienceOf(TimelineEvent e) {
        String a = e.attr(AUDIENCE_ATTR);
        return a == null ? INTERNAL : a.strip().toLowerCase(Locale.ROOT);
    }

    /** The incident's last update for {@code audience}, if any. */
    public static Optional<TimelineEvent> last(Incident incident, String audience) {
        TimelineEvent last = null;
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (isUpdate(e) && audience.equals(audienceOf(e))) {
                last = e;
            }
        }
        return Optional.ofNullable(last);
    }

    /** When an update event promised the next one, or null (also for a value that is not a time). */
    public static Instant nextUpdateAt(TimelineEvent e) {
        String v = e.attr(NEXT_ATTR);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v.strip());
        } catch (java.time.format.DateTimeParseException ex) {
            return null;
        }
    }

    /**
     * Which public message the incident's state calls for: {@code resolution} once it is resolved (or later);
     * {@code initial} when nothing was posted publicly yet; {@code scoping} when the cause is identified (or it is being
     * monitored) and no public post since said so; otherwise {@code update}.
     */
    public static String publicKind(Incident incident, IrConfig config) {
        if (Lifecycle.isDone(config, incident.status())) {
            return RESOLUTION;
        }
        Optional<TimelineEvent> last = last(incident, PUBLIC);
        if (last.isEmpty()) {
            return INITIAL;
        }
        String lastKind = last.get().attr(KIND_ATTR);
        boolean scoped = !IrConfig.INVESTIGATING.equals(incident.status());
        if (scoped && (INITIAL.equals(lastKind) || RESOLUTION.equals(lastKind))) {
            return SCOPING;
        }
        return UPDATE;
    }

    /**
     * The {@code update} event: {@code text} is the rendered message; {@code kind} only for public messages;
     * {@code next} (may be null) becomes {@code next_update_at}.
     */
    public static TimelineEvent event(String id, Instant at, String author, String audience, String kind,
                                      Instant next, String text) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put(AUDIENCE_ATTR, audience);
        if (kind != null) {
            attrs.put(KIND_ATTR, kind);
        }
        if (next != null) {
            attrs.put(NEXT_ATTR, Times.format(next));
        }
        return new TimelineEvent(id, at, author, EVENT, text, false, attrs);
    }
}
