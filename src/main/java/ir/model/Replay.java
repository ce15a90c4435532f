package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An incident as it stood at a moment of <em>incident time</em>, replayed from its merged timeline: the severity,
 * status, roles and milestones that its events say held then, and the entries dated up to then, including entries
 * recorded later with a backdated {@code at} and entries that came from other clones. (Record time, the file as one
 * commit holds it, is git's business: see {@code ir show --as-of COMMIT}.)
 * <p>
 * What each event says: {@code declared} the first severity (its {@code severity}); {@code severity} and
 * {@code status} events {@code from}/{@code to}; {@code role} events {@code role}, {@code from} (who gave it up) and
 * {@code to} (who took it); a {@code milestone} event sets its {@code milestone} to its own time and, as a
 * correction, sets aside the value in {@code was} (with {@code cleared}, it only sets that value aside); a status
 * event with {@code milestone} sets that milestone, and a reopening clears {@code resolved_at} and
 * {@code closed_at} ({@code was_resolved_at}, {@code was_closed_at}); a {@code merge} event sets the value it kept.
 * A value changed after its last event (an edit) is what the incident holds from that event on. Texts, lists and
 * the title are as they are now: no event dates them.
 */
public final class Replay {
    private Replay() {
    }

    /** When the incident was declared: {@code opened_at}, else its first {@code declared} event, else its first. */
    public static Instant declaredAt(Incident i) {
        if (i.openedAt() != null) {
            return i.openedAt();
        }
        return i.sortedTimeline().stream().filter(e -> TimelineEvent.DECLARED.equals(e.type()))
                .map(TimelineEvent::at).findFirst()
                .orElse(i.timeline().isEmpty() ? null : i.sortedTimeline().get(0).at());
    }

    /**
     * The incident as known at {@code at}. Refused (not found) before its declaration: there was no incident yet.
     */
    public static Incident asOf(Incident i, IrConfig config, Instant at) {
        Instant declared = declaredAt(i);
        if (declared != null && at.isBefore(declared)) {
            throw IrException.notFound(i.id() + " was not declared yet at " + Times.format(at) + " (declared "
                    + Times.format(declared) + "): give a later time");
        }
        List<TimelineEvent> events = i.sortedTimeline();
        List<TimelineEvent> known = events.stream().filter(e -> !e.at().isAfter(at)).toList();
        Incident out = i.withTimeline(known)
                .withSeverity(severity(i, events, at))
                .withStatus(status(i, config, events, at));
        Map<String, List<String>> roles = roles(i, events, at);
        for (String role : new ArrayList<>(i.roles().keySet())) {
            out = out.withRole(role, null);
        }
        for (Map.Entry<String, List<String>> r : roles.entrySet()) {
            out = out.withRole(r.getKey(), r.getValue());
        }
        for (Milestone m : Milestone.values()) {
            out = out.withTime(m, milestone(i, m, events, at));
        }
        return out.withActions(actions(i, events, at)).withImpactWindows(windows(i, at))
                .withDataLoss(dataLoss(i, events, at));
    }

    /**
     * The impact windows as they stood at {@code at}: windows that began later are not there yet, and a window that
     * ended later is still open.
     */
    static List<ImpactWindow> windows(Incident i, Instant at) {
        List<ImpactWindow> out = new ArrayList<>();
        for (ImpactWindow w : i.impactWindows()) {
            if (w.startedAt() != null && w.startedAt().isAfter(at)) {
                continue;
            }
            out.add(w.mitigatedAt() != null && w.mitigatedAt().isAfter(at) ? w.withEnd(null) : w);
        }
        return out;
    }

    /** The data-loss window once an entry recorded it (at or before {@code at}); none before. */
    static DataLoss dataLoss(Incident i, List<TimelineEvent> events, Instant at) {
        if (i.dataLoss() == null) {
            return null;
        }
        boolean recorded = events.stream().anyMatch(e -> Phases.DATA_LOSS.equals(e.type()) && !e.at().isAfter(at));
        boolean anyEvent = events.stream().anyMatch(e -> Phases.DATA_LOSS.equals(e.type()));
        return recorded || !anyEvent ? i.dataLoss() : null;
    }

    // ---- severity and status -------------------------------------------------------------------------------------

    private static String severity(Incident i, List<TimelineEvent> events, Instant at) {
        String first = null;
        for (TimelineEvent e : events) {
            if (TimelineEvent.DECLARED.equals(e.type()) && e.attr("severity") != null) {
                first = e.attr("severity");
                break;
            }
        }
        return chain(i.severity(), first, null, TimelineEvent.SEVERITY, "severity", events, at);
    }

    private static String status(Incident i, IrConfig config, List<TimelineEvent> events, Instant at) {
        return chain(i.status(), null, config == null ? null : config.initialStatus(), TimelineEvent.STATUS, "status",
                events, at);
    }

    /**
     * A value with a from/to chain: the {@code to} of the last event of {@code type} (or the value a merge kept) up to
     * {@code at}; before any, the declared value, else the first event's {@code from}, else {@code fallback}; after
     * the last, the value the incident holds now.
     */
    private static String chain(String now, String declared, String fallback, String type, String field,
                                List<TimelineEvent> events, Instant at) {
        String value = null;
        boolean set = false;
        Instant last = null;
        String firstFrom = null;
        boolean sawFirst = false;
        for (TimelineEvent e : events) {
            boolean own = type.equals(e.type());
            boolean merged = TimelineEvent.MERGE.equals(e.type()) && field.equals(e.attr("field"));
            if (!own && !merged) {
                continue;
            }
            if (own && !sawFirst) {
                firstFrom = e.attr("from");
                sawFirst = true;
            }
            last = e.at();
            if (e.at().isAfter(at)) {
                continue;
            }
            String v = own ? e.attr("to") : kept(e);
            if (v != null) {
                value = v;
                set = true;
            }
        }
        if (last == null || !at.isBefore(last)) {
            return now;
        }
        if (set) {
            return value;
        }
        return declared != null ? declared : firstFrom != null ? firstFrom : fallback != null ? fallback : now;
    }

    private static String kept(TimelineEvent merge) {
        String k = merge.attr("kept");
        return k == null || "(none)".equals(k) ? null : k;
    }

    // ---- roles ---------------------------------------------------------------------------------------------------

    /**
     * Each role's holders at {@code at}. Who held a role before its first event is found by undoing the role's events
     * from the holders now (a commander named at the declaration has no event of its own), then the events up to
     * {@code at} are played forward.
     */
    private static Map<String, List<String>> roles(Incident i, List<TimelineEvent> events, Instant at) {
        Map<String, List<TimelineEvent>> byRole = new LinkedHashMap<>();
        for (String role : i.roles().keySet()) {
            byRole.put(role, new ArrayList<>());
        }
        for (TimelineEvent e : events) {
            if (TimelineEvent.ROLE.equals(e.type()) && e.attr("role") != null) {
                byRole.computeIfAbsent(e.attr("role"), r -> new ArrayList<>()).add(e);
            } else if (TimelineEvent.MERGE.equals(e.type()) && e.attr("field") != null
                    && e.attr("field").startsWith("roles.")) {
                byRole.computeIfAbsent(e.attr("field").substring("roles.".length()), r -> new ArrayList<>()).add(e);
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<TimelineEvent>> r : byRole.entrySet()) {
            List<String> now = i.roles().getOrDefault(r.getKey(), List.of());
            List<TimelineEvent> es = r.getValue();
            List<String> holders;
            if (es.isEmpty() || !at.isBefore(es.get(es.size() - 1).at())) {
                holders = now;
            } else {
                holders = new ArrayList<>(now);
                for (int k = es.size() - 1; k >= 0; k--) {
                    undo(holders, es.get(k));
                }
                for (TimelineEvent e : es) {
                    if (!e.at().isAfter(at)) {
                        apply(holders, e);
                    }
                }
            }
            if (!holders.isEmpty()) {
                out.put(r.getKey(), List.copyOf(holders));
            }
        }
        return out;
    }

    private static void apply(List<String> holders, TimelineEvent e) {
        if (TimelineEvent.MERGE.equals(e.type())) {
            String k = kept(e);
            holders.clear();
            if (k != null) {
                holders.add(k);
            }
            return;
        }
        String from = e.attr("from");
        String to = e.attr("to");
        if (to != null && (from != null || Boolean.parseBoolean(e.attr("handoff")))) {
            holders.clear();
            holders.add(to);
        } else if (to != null) {
            if (holders.stream().noneMatch(h -> Lifecycle.samePerson(h, to))) {
                holders.add(to);
            }
        } else if (from != null) {
            remove(holders, from);
        }
    }

    private static void undo(List<String> holders, TimelineEvent e) {
        if (TimelineEvent.MERGE.equals(e.type())) {
            return; // what the merge kept was also one side's own event: undone there
        }
        String from = e.attr("from");
        String to = e.attr("to");
        if (to != null) {
            holders.removeIf(h -> Lifecycle.samePerson(h, to));
        }
        if (from != null && holders.stream().noneMatch(h -> h.equals(from) || Lifecycle.samePerson(h, from))) {
            holders.add(from);
        }
    }

    /** Removes who {@code from} names: all of them ("A, B") or one. */
    private static void remove(List<String> holders, String from) {
        if (from.equals(String.join(", ", holders))) {
            holders.clear();
            return;
        }
        Set<String> gone = new HashSet<>(List.of(from.split(",\\s+(?=[^,]*<)")));
        gone.add(from);
        holders.removeIf(h -> gone.stream().anyMatch(g -> h.equals(g) || Lifecycle.samePerson(h, g)));
    }

    // ---- milestones ----------------------------------------------------------------------------------------------

    /** One point of a milestone's history in incident time: set to {@code value} from {@code at}, or cleared. */
    private record Point(Instant at, Instant value, boolean ifUnset, String event) {
    }

    /**
     * A milestone at {@code at}: it is reached at its own time. Every event that set it is a point; a correction
     * (an event with {@code was}) sets the old value aside, as if it had never been; a reopening clears resolved_at
     * and closed_at from its own time on. After the last event that touched it, the value the incident holds now.
     */
    private static Instant milestone(Incident i, Milestone m, List<TimelineEvent> events, Instant at) {
        List<Point> points = new ArrayList<>();
        Set<Instant> setAside = new HashSet<>();
        Map<Instant, String> setAsideBy = new HashMap<>();
        Instant last = null;
        for (TimelineEvent e : events) {
            String type = e.type();
            boolean touches = false;
            if (m == Milestone.OPENED && TimelineEvent.DECLARED.equals(type)) {
                points.add(new Point(e.at(), e.at(), true, e.id()));
                touches = true;
            } else if (TimelineEvent.MILESTONE.equals(type) && m == parse(e.attr("milestone"))) {
                if (!Boolean.parseBoolean(e.attr("cleared"))) {
                    points.add(new Point(e.at(), e.at(), false, e.id()));
                }
                Instant was = instant(e.attr("was"));
                if (was != null) {
                    setAside.add(was);
                    setAsideBy.put(was, e.id());
                }
                touches = true;
            } else if (TimelineEvent.STATUS.equals(type)) {
                if (m == parse(e.attr("milestone"))) {
                    points.add(new Point(e.at(), e.at(), false, e.id()));
                    touches = true;
                }
                if (m == Milestone.MITIGATED && IrConfig.RESOLVED.equals(e.attr("to"))
                        && !Boolean.parseBoolean(e.attr("reopened"))) {
                    // resolved without a separate mitigation: the impact ended then too
                    points.add(new Point(e.at(), e.at(), true, e.id()));
                    touches = true;
                }
                String cleared = m == Milestone.RESOLVED ? e.attr("was_resolved_at")
                        : m == Milestone.CLOSED ? e.attr("was_closed_at") : null;
                if (cleared != null) {
                    points.add(new Point(e.at(), null, false, e.id()));
                    touches = true;
                }
            } else if (TimelineEvent.MERGE.equals(type) && m.key().equals(e.attr("field"))) {
                Instant kept = instant(kept(e));
                Instant lost = instant(e.attr("lost"));
                if (lost != null) {
                    setAside.add(lost);
                    setAsideBy.put(lost, e.id());
                }
                if (kept != null) {
                    points.add(new Point(kept, kept, false, e.id()));
                }
                touches = true;
            }
            if (touches) {
                last = last == null || e.at().isAfter(last) ? e.at() : last;
            }
        }
        Instant now = i.time(m);
        if (last == null || !at.isBefore(last)) {
            return now != null && !now.isAfter(at) ? now : null;
        }
        List<Point> valid = new ArrayList<>();
        for (Point p : points) {
            boolean asideByAnother = p.value() != null && setAside.contains(p.value())
                    && !p.event().equals(setAsideBy.get(p.value()));
            if (!asideByAnother) {
                valid.add(p);
            }
        }
        Collections.sort(valid, (a, b) -> a.at().compareTo(b.at()));
        Instant value = null;
        for (Point p : valid) {
            if (p.at().isAfter(at)) {
                break;
            }
            if (p.value() == null) {
                value = null;
            } else if (!p.ifUnset() || value == null) {
                value = p.value();
            }
        }
        return value;
    }

    private static Milestone parse(String label) {
        return label == null ? null : Milestone.parse(label);
    }

    private static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.strip());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // ---- action items --------------------------------------------------------------------------------------------

    /**
     * The action items added by {@code at} (by their first event, else {@code added_at}), each in the status its
     * events gave it by then.
     */
    private static List<ActionItem> actions(Incident i, List<TimelineEvent> events, Instant at) {
        Map<String, Instant> added = new HashMap<>();
        Map<String, String> status = new HashMap<>();
        Map<String, Instant> doneAt = new HashMap<>();
        Set<String> withEvents = new HashSet<>();
        for (TimelineEvent e : events) {
            String id = TimelineEvent.ACTION_ITEM.equals(e.type()) ? e.attr("action") : null;
            if (id == null) {
                continue;
            }
            withEvents.add(id);
            added.putIfAbsent(id, e.at());
            if (!e.at().isAfter(at) && e.attr("status") != null) {
                status.put(id, e.attr("status"));
                if (ActionItem.DONE.equals(e.attr("status"))) {
                    doneAt.put(id, e.at());
                }
            }
        }
        List<ActionItem> out = new ArrayList<>();
        for (ActionItem a : ActionItem.ordered(i.actions(), i.timeline())) {
            Instant when = added.getOrDefault(a.id(), a.addedAt());
            if (when != null && when.isAfter(at)) {
                continue;
            }
            if (!withEvents.contains(a.id())) {
                out.add(a);
                continue;
            }
            String s = status.getOrDefault(a.id(), ActionItem.OPEN);
            out.add(s.equals(a.status()) ? a : a.withStatus(s, doneAt.get(a.id())));
        }
        return out;
    }
}
