package ir.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How alert groups map to incidents. One group (Alertmanager's or Grafana's {@code groupKey}, a PagerDuty incident, a
 * generic JSON {@code group}) feeds one incident, recorded in the incident file under {@link #KEY} so that every
 * clone knows it; what each alert did is an {@code alert} timeline event, and the group's state is read back from
 * those events (so clones merge it like any other events). Alert events have ids derived from their content, so two
 * receivers that record the same notification write the same event, and a merge keeps one.
 */
public final class AlertMapping {
    /** The incident file's key listing the alert groups that feed it: {@code [{source, key}]}. */
    public static final String KEY = "alert_groups";
    /** The timeline event type of an alert. */
    public static final String ALERT = "alert";

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private AlertMapping() {
    }

    /** An alert group: the format it comes in and its key there. */
    public record Group(String source, String key) {
        /** 7 hex digits of SHA-256 of source and key: the end of the ID of an incident the group opens. */
        public String hash() {
            return hex(sha256(source + "\n" + key)).substring(0, 7);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", source);
            m.put("key", key);
            return m;
        }
    }

    public static Group group(Notification n) {
        return new Group(n.source(), n.groupKey());
    }

    /** The alert groups an incident records under {@link #KEY}. */
    public static List<Group> groups(Incident i) {
        List<Group> out = new ArrayList<>();
        if (i.extra().get(KEY) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("source") != null && m.get("key") != null) {
                    out.add(new Group(String.valueOf(m.get("source")), String.valueOf(m.get("key"))));
                }
            }
        }
        return out;
    }

    public static boolean feeds(Incident i, Group g) {
        return groups(i).contains(g);
    }

    /**
     * The ID of an incident a group opens: {@code YYYY-MM-DD-<slug of title>-<hash of the group>}, so receivers in two
     * clones that open it choose the same one. The date is the group's earliest start when the payload gives one (not
     * after receipt), else the receipt's: receipts a second apart across midnight still agree. A clash (the group's
     * earlier incident from the same day) gets {@code -2}, {@code -3}, ....
     */
    public static String newId(String title, Notification n, Instant receivedAt, Set<String> taken) {
        Instant start = earliestStart(n);
        Instant day = start != null && !start.isAfter(receivedAt) ? start : receivedAt;
        String base = day.atOffset(ZoneOffset.UTC).toLocalDate() + "-" + IncidentIds.slug(title) + "-"
                + group(n).hash();
        String id = base;
        for (int k = 2; taken.contains(id); k++) {
            id = base + "-" + k;
        }
        return IncidentIds.validate(id);
    }

    /** Whether an incident's ID is one a group with this hash may have opened (a cheap filter before loading it). */
    public static boolean mayBeFor(String incidentId, Group g) {
        String h = "-" + g.hash();
        return incidentId.endsWith(h) || incidentId.contains(h + "-");
    }

    /** The title of an incident a notification opens: the rule's template, else the payload's own title. */
    public static String title(Notification n, TriggerRule rule) {
        if (rule.title() != null) {
            String t = Triggers.title(rule.title(), n);
            if (!t.isBlank()) {
                return t;
            }
        }
        String t = Triggers.oneLine(n.title());
        return t.isBlank() ? "Alert " + Triggers.oneLine(n.groupKey()) : t;
    }

    /**
     * A new incident for a group's notification (without its alerts: {@link #apply} adds them): the rule's severity,
     * tags and commander, {@code detected_at} the receipt time, the group recorded under {@link #KEY}.
     */
    public static Incident open(Notification n, TriggerRule rule, IrConfig config, String id, String title,
                                Instant receivedAt, String author) {
        String sev = config.severity(rule.severity());
        Instant at = receivedAt.truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("severity", sev);
        attrs.put("source", n.source());
        attrs.put("group", n.groupKey());
        TimelineEvent declared = new TimelineEvent("d" + eventHash(n.source(), n.groupKey(), id), at, author,
                TimelineEvent.DECLARED, "Declared " + sev + " from " + sourceName(n.source()) + " alert: " + title,
                false, attrs);
        Incident i = Incident.declare(id, title, sev, config.initialStatus(), false, at, declared)
                .withTime(Milestone.DETECTED, at);
        if (rule.commander() != null) {
            i = i.withRole("commander", List.of(rule.commander()));
        }
        i = Checklists.apply(i, config, at);
        if (!rule.tags().isEmpty()) {
            i = i.withList(ListField.TAGS, rule.tags());
        }
        if (n.summary() != null && !n.summary().isBlank()) {
            i = i.withText(TextField.SUMMARY, n.summary().strip());
        }
        List<String> links = n.links().stream().filter(l -> l != null && !l.isBlank()).distinct().toList();
        if (!links.isEmpty()) {
            i = i.withList(ListField.LINKS, links);
        }
        Map<String, Object> extra = new LinkedHashMap<>(i.extra());
        extra.put(KEY, List.of(group(n).toMap()));
        return i.withExtra(extra);
    }

    /** What applying one notification did: the incident after it, and what changed, for messages. */
    public record Step(Incident incident, int firing, int resolved, int acknowledged, int updated,
                       List<String> notes) {
        public Step {
            notes = List.copyOf(notes);
        }

        public int alerts() {
            return firing + resolved + acknowledged + updated;
        }
    }

    /**
     * Whether {@code n} makes the group fire again while its incident is done (resolved, closed, canceled): an alert
     * the incident has not seen firing, or one that had resolved, fires.
     */
    public static boolean refires(Incident i, Notification n, IrConfig config) {
        if (!Lifecycle.isDone(config, i.status())) {
            return false;
        }
        Map<String, TimelineEvent> last = lastByFingerprint(i, n.source());
        for (Alert a : n.alerts()) {
            TimelineEvent prev = last.get(a.fingerprint());
            if (a.firing() && (prev == null || Alert.RESOLVED.equals(prev.attr("state")))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records one notification on the incident its group feeds: an {@code alert} event for each alert that is new or
     * changed (its state, or an annotation it did not have or had otherwise), nothing for what the incident already
     * knows; the earliest start as {@code started_at} and a PagerDuty acknowledgement as {@code acknowledged_at} when
     * unset (and in order); a refire of a done incident reopens it when the rule says so (the caller opens a new one
     * otherwise); once every alert has resolved, what the rule says ({@link TriggerRule.OnResolve}).
     */
    public static Step apply(Incident i, Notification n, TriggerRule rule, IrConfig config, Instant receivedAt,
                             String author) {
        Instant now = receivedAt.truncatedTo(ChronoUnit.SECONDS);
        List<String> notes = new ArrayList<>();
        Incident next = i;
        if (rule.refire() == TriggerRule.OnRefire.REOPEN && refires(i, n, config)
                && !IrConfig.CANCELED.equals(i.status())) {
            Instant resolved = i.time(Milestone.RESOLVED);
            Instant at = resolved != null && resolved.isAfter(now) ? resolved : now;
            try {
                next = derivedIds(i, Lifecycle.reopen(next, config, "alerts of its group fire again ("
                        + String.join(", ", n.alerts().stream().filter(Alert::firing).map(Alert::name).distinct()
                        .limit(5).toList()) + ")", at, author).incident(), "reopen");
                notes.add("reopened");
            } catch (IrException e) {
                notes.add("not reopened: " + e.getMessage());
            }
        }
        Map<String, TimelineEvent> last = lastByFingerprint(next, n.source());
        Set<String> ids = new HashSet<>();
        next.timeline().forEach(e -> ids.add(e.id()));
        int firing = 0;
        int resolved = 0;
        int acknowledged = 0;
        int updated = 0;
        Instant lastEnd = null;
        for (Alert a : n.alerts()) {
            TimelineEvent prev = last.get(a.fingerprint());
            String prevState = prev == null ? null : prev.attr("state");
            String text;
            Instant at;
            if (prev != null && a.status().equals(prevState)) {
                Map<String, String> changed = changedAnnotations(prev, a);
                if (changed.isEmpty()) {
                    continue;
                }
                text = "Updated: " + a.name() + ": " + String.join(", ", changed.entrySet().stream()
                        .map(e -> e.getKey() + " " + Triggers.oneLine(e.getValue())).toList());
                at = now;
            } else if (Alert.RESOLVED.equals(a.status())) {
                text = "Resolved: " + a.name();
                at = validTime(a.endsAt(), n.occurredAt(), now);
            } else if (Alert.ACKNOWLEDGED.equals(a.status())) {
                text = "Acknowledged: " + a.name();
                at = validTime(n.occurredAt(), null, now);
            } else {
                String what = Alert.ACKNOWLEDGED.equals(prevState) ? "Unacknowledged: "
                        : Alert.RESOLVED.equals(prevState) ? "Firing again: " : "Firing: ";
                String summary = alertSummary(a);
                text = what + a.name() + (summary == null ? "" : ": " + summary);
                at = Alert.RESOLVED.equals(prevState) || Alert.ACKNOWLEDGED.equals(prevState)
                        ? validTime(n.occurredAt(), a.startsAt(), now) : validTime(a.startsAt(), n.occurredAt(), now);
            }
            // An update is dated at its receipt, so its id is derived from what it follows instead: two receivers
            // that record the same change a second apart write one event.
            boolean update = prev != null && a.status().equals(prevState);
            TimelineEvent e = event(n, a, at, update ? "after " + prev.id() : Times.format(at), author, text);
            if (!ids.add(e.id())) {
                continue;
            }
            next = next.withEvent(e);
            last.put(a.fingerprint(), e);
            if (prev != null && a.status().equals(prevState)) {
                updated++;
            } else if (Alert.RESOLVED.equals(a.status())) {
                resolved++;
                lastEnd = lastEnd == null || at.isAfter(lastEnd) ? at : lastEnd;
            } else if (Alert.ACKNOWLEDGED.equals(a.status())) {
                acknowledged++;
            } else {
                firing++;
            }
        }
        Instant start = earliestStart(n);
        if (start != null && next.time(Milestone.STARTED) == null) {
            next = setIfInOrder(next, Milestone.STARTED, start);
        }
        if (n.acknowledgedAt() != null && next.time(Milestone.ACKNOWLEDGED) == null) {
            Incident acked = setIfInOrder(next, Milestone.ACKNOWLEDGED, n.acknowledgedAt().truncatedTo(
                    ChronoUnit.SECONDS));
            if (acked != next) {
                notes.add("marked acknowledged");
                next = acked;
            }
        }
        boolean allResolved = !last.isEmpty() && last.values().stream()
                .allMatch(e -> Alert.RESOLVED.equals(e.attr("state")));
        if (resolved > 0 && allResolved) {
            Instant at = lastEnd == null ? now : lastEnd;
            next = whenAllResolved(next, rule, config, at, now, author, notes);
        }
        return new Step(next, firing, resolved, acknowledged, updated, notes);
    }

    private static Incident whenAllResolved(Incident i, TriggerRule rule, IrConfig config, Instant at, Instant now,
                                            String author, List<String> notes) {
        switch (rule.resolve()) {
            case MITIGATE -> {
                List<ImpactWindow> w = i.impactWindows();
                boolean open = w.isEmpty() ? i.time(Milestone.MITIGATED) == null : w.get(w.size() - 1).open();
                if (!open || Lifecycle.isDone(config, i.status())) {
                    return i;
                }
                for (Instant t : List.of(at, now)) {
                    try {
                        Incident m = derivedIds(i, Lifecycle.mark(i, Milestone.MITIGATED, t, author).incident(),
                                "mitigate " + Times.format(t));
                        notes.add("mitigated");
                        return m;
                    } catch (IrException e) {
                        // out of order with a milestone set by hand: try the receipt time, else leave it to a person
                    }
                }
                return i;
            }
            case RESOLVE -> {
                if (Lifecycle.isDone(config, i.status())) {
                    return i;
                }
                for (Instant t : List.of(at, now)) {
                    try {
                        Incident r = derivedIds(i, Lifecycle.status(i, config, IrConfig.RESOLVED, "every alert "
                                + "of its group resolved", t, author).incident(), "resolve " + Times.format(t));
                        notes.add("resolved");
                        return r;
                    } catch (IrException e) {
                        // out of order: try the receipt time, else leave it to a person
                    }
                }
                return i;
            }
            default -> {
                return i;
            }
        }
    }

    /**
     * Gives the events a lifecycle change made for the intake (a reopening, a mitigation, a resolution) ids derived
     * from their content and {@code cause} instead of random ones, as alert events have: two receivers that apply the
     * same notification write the same events, and a merge keeps one of each. The time of an event is left out when
     * it is the receipt (a reopening's), so that receipts a second apart still agree; {@code cause} holds it when
     * it comes from the alerts (a mitigation at the last alert's end).
     */
    static Incident derivedIds(Incident before, Incident after, String cause) {
        Set<String> old = new HashSet<>();
        before.timeline().forEach(e -> old.add(e.id()));
        Set<String> taken = new HashSet<>();
        after.timeline().forEach(e -> taken.add(e.id()));
        List<TimelineEvent> timeline = new ArrayList<>(after.timeline().size());
        int k = 0;
        for (TimelineEvent e : after.timeline()) {
            if (old.contains(e.id())) {
                timeline.add(e);
                continue;
            }
            String id;
            int n = k++;
            do {
                id = "i" + eventHash(after.id(), cause, e.type(), String.valueOf(e.text()), e.author() == null ? ""
                        : e.author(), String.valueOf(new TreeMap<>(e.attrs())), String.valueOf(n));
                n += 1000;
            } while (taken.contains(id));
            taken.add(id);
            timeline.add(new TimelineEvent(id, e.at(), e.author(), e.type(), e.text(), e.important(), e.attrs()));
        }
        return after.withTimeline(timeline);
    }

    /** The state the incident knows of each alert of the group: its last {@code alert} event by fingerprint. */
    static Map<String, TimelineEvent> lastByFingerprint(Incident i, String source) {
        Map<String, TimelineEvent> last = new HashMap<>();
        for (TimelineEvent e : i.sortedTimeline()) {
            if (ALERT.equals(e.type()) && e.attr("fingerprint") != null && e.attr("state") != null
                    && (source.equals(e.attr("source")) || e.attr("source") == null)) {
                last.put(e.attr("fingerprint"), e);
            }
        }
        return last;
    }

    private static Map<String, String> changedAnnotations(TimelineEvent prev, Alert a) {
        Map<?, ?> before = prev.attrs().get("annotations") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, String> changed = new TreeMap<>();
        a.annotations().forEach((k, v) -> {
            Object old = before.get(k);
            if (v != null && !v.isBlank() && (old == null || !v.equals(String.valueOf(old)))) {
                changed.put(k, v);
            }
        });
        return changed;
    }

    private static TimelineEvent event(Notification n, Alert a, Instant at, String when, String author,
                                       String text) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("source", n.source());
        attrs.put("fingerprint", a.fingerprint());
        attrs.put("state", a.status());
        if (!a.labels().isEmpty()) {
            attrs.put("labels", new TreeMap<>(a.labels()));
        }
        if (!a.annotations().isEmpty()) {
            attrs.put("annotations", new TreeMap<>(a.annotations()));
        }
        if (a.startsAt() != null && validTime(a.startsAt(), null, null) != null) {
            attrs.put("starts_at", Times.format(a.startsAt().truncatedTo(ChronoUnit.SECONDS)));
        }
        if (a.link() != null && !a.link().isBlank()) {
            attrs.put("link", a.link());
        }
        String id = "a" + eventHash(n.source(), n.groupKey(), a.fingerprint(), a.status(), when,
                String.valueOf(new TreeMap<>(a.annotations())));
        return new TimelineEvent(id, at, author, ALERT, Triggers.oneLine(text), false, attrs);
    }

    private static String alertSummary(Alert a) {
        for (String k : List.of("summary", "title", "description", "message")) {
            String v = a.annotations().get(k);
            if (v != null && !v.isBlank()) {
                return Triggers.oneLine(v);
            }
        }
        return null;
    }

    /** The earliest start of a firing alert of the notification, to the second; null when none is given. */
    static Instant earliestStart(Notification n) {
        Instant min = null;
        for (Alert a : n.alerts()) {
            Instant s = validTime(a.startsAt(), null, null);
            if (a.firing() && s != null && (min == null || s.isBefore(min))) {
                min = s;
            }
        }
        return min;
    }

    /** The first of the times that is a real one (Alertmanager writes year 1 for "none"), to the second. */
    private static Instant validTime(Instant a, Instant b, Instant fallback) {
        for (Instant t : new Instant[] {a, b}) {
            if (t != null && t.atOffset(ZoneOffset.UTC).getYear() > 1970 && Times.inRange(t)) {
                return t.truncatedTo(ChronoUnit.SECONDS);
            }
        }
        return fallback;
    }

    private static Incident setIfInOrder(Incident i, Milestone m, Instant at) {
        try {
            Milestones.checkOrder(i, m, at);
        } catch (IrException e) {
            return i;
        }
        return i.withTime(m, at);
    }

    private static String sourceName(String source) {
        return switch (source) {
            case "alertmanager" -> "an Alertmanager";
            case "grafana" -> "a Grafana";
            case "pagerduty" -> "a PagerDuty";
            default -> "a JSON";
        };
    }

    private static String eventHash(String... parts) {
        byte[] h = sha256(String.join("\u0000", parts));
        char[] c = new char[13];
        long bits = 0;
        int have = 0;
        int k = 0;
        for (int b = 0; k < c.length; b++) {
            bits = bits << 8 | (h[b] & 0xff);
            have += 8;
            while (have >= 5 && k < c.length) {
                have -= 5;
                c[k++] = BASE32[(int) (bits >>> have) & 31];
            }
        }
        return new String(c);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return sb.toString();
    }
}
