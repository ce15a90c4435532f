package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checklists of an incident (docs/checklists.md): which steps of ir.yaml apply (the steps of every role held, of
 * the severity and of the type), the snapshot the incident keeps of them, and what the {@code checklist} events of
 * its timeline say about each (done, skipped, still open; on time or late). Pure: the commands record, this reads.
 */
public final class Checklists {
    /** The timeline event that records a step done or skipped; kept out of the post-mortem's timeline. */
    public static final String EVENT = "checklist";
    public static final String OPEN = "open";
    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";

    private static final int SLUG_WORDS = 4;
    private static final int SLUG_LENGTH = 32;

    private Checklists() {
    }

    /**
     * The id a step without {@code id:} gets: its first four words, lower-case, joined by '-', at most 32 characters
     * ("Announce yourself on the bridge" is {@code announce-yourself-on-the}). Two steps of one list with the same
     * slug get {@code -2}, {@code -3}, ... in their order.
     */
    public static String slug(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip().split(" ");
        StringBuilder s = new StringBuilder();
        int n = 0;
        for (String w : words) {
            if (w.isEmpty() || n == SLUG_WORDS) {
                continue;
            }
            if (s.length() + w.length() + 1 > SLUG_LENGTH && s.length() > 0) {
                break;
            }
            if (s.length() > 0) {
                s.append('-');
            }
            s.append(w);
            n++;
        }
        String out = s.length() > SLUG_LENGTH ? s.substring(0, SLUG_LENGTH) : s.toString();
        return out.isEmpty() ? "step" : out;
    }

    /** True for an id a step may be given in ir.yaml: lower-case letters, digits and '-'. */
    public static boolean validId(String id) {
        return id != null && id.matches("[a-z0-9][a-z0-9-]{0,62}");
    }

    /** The key of an owner in item ids: the role, severity or type name in lower case ({@code sev-1}). */
    static String ownerKey(String owner) {
        return owner.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    }

    /** The steps of one role, severity or type as the items an incident keeps, added at {@code at}. */
    static List<ChecklistItem> items(String scope, String owner, List<IrConfig.Step> steps, Instant at) {
        List<ChecklistItem> out = new ArrayList<>();
        for (IrConfig.Step s : steps) {
            out.add(new ChecklistItem(ownerKey(owner) + "." + s.id(), s.text(), scope, owner, s.within(), at));
        }
        return out;
    }

    /** Every item that applies to {@code i} under {@code config} now, each added at {@code at}. */
    public static List<ChecklistItem> applicable(Incident i, IrConfig config, Instant at) {
        List<ChecklistItem> out = new ArrayList<>();
        for (IrConfig.Role r : config.roles()) {
            if (!i.roles().getOrDefault(r.name(), List.of()).isEmpty()) {
                out.addAll(items(ChecklistItem.ROLE, r.name(), r.checklist(), at));
            }
        }
        if (i.severity() != null) {
            config.findSeverity(i.severity()).ifPresent(s -> out.addAll(items(ChecklistItem.SEVERITY, s.name(),
                    s.checklist(), at)));
        }
        if (i.type() != null) {
            config.findType(i.type()).ifPresent(t -> out.addAll(items(ChecklistItem.TYPE, t.name(), t.checklist(),
                    at)));
        }
        return out;
    }

    /**
     * The incident with every applicable item it does not hold yet added to its snapshot, dated {@code at} (the
     * declaration, the moment a role was taken, an escalation). Items it holds are never changed or removed: the
     * snapshot is what the response was asked to do, whatever ir.yaml says later.
     */
    public static Incident apply(Incident i, IrConfig config, Instant at) {
        return add(i, applicable(i, config, at));
    }

    /** The incident with the steps of {@code role} it does not hold yet, due from {@code at} (the role taken). */
    public static Incident addRole(Incident i, IrConfig.Role role, Instant at) {
        return add(i, items(ChecklistItem.ROLE, role.name(), role.checklist(), at));
    }

    private static Incident add(Incident i, List<ChecklistItem> items) {
        Set<String> have = new HashSet<>();
        i.checklist().forEach(x -> have.add(x.id()));
        List<ChecklistItem> next = new ArrayList<>(i.checklist());
        for (ChecklistItem x : items) {
            if (have.add(x.id())) {
                next.add(x);
            }
        }
        return next.size() == i.checklist().size() ? i : i.withChecklist(next);
    }

    /** The item's state: open, done or skipped; who recorded it and when; the reason of a skip; when it was due. */
    public record State(ChecklistItem item, String state, String by, Instant at, String reason) {
        public boolean open() {
            return OPEN.equals(state);
        }

        public Instant due() {
            return item.due();
        }

        /**
         * Done or skipped before its due time (at the due time it is overdue, as {@link #overdue} and ir check say);
         * null when it has no due time or is still open.
         */
        public Boolean onTime() {
            Instant due = item.due();
            return due == null || open() ? null : at.isBefore(due);
        }

        /** Still open at {@code now} and past its due time. */
        public boolean overdue(Instant now) {
            Instant due = item.due();
            return open() && due != null && !now.isBefore(due);
        }
    }

    /** Each item of the snapshot with its state: the latest {@code checklist} event about it wins. */
    public static List<State> states(Incident i) {
        Map<String, TimelineEvent> last = new LinkedHashMap<>();
        for (TimelineEvent e : i.sortedTimeline()) {
            if (EVENT.equals(e.type()) && e.attr("item") != null) {
                last.put(e.attr("item"), e);
            }
        }
        List<State> out = new ArrayList<>();
        for (ChecklistItem x : i.checklist()) {
            TimelineEvent e = last.get(x.id());
            if (e == null) {
                out.add(new State(x, OPEN, null, null, null));
            } else {
                String st = SKIPPED.equals(e.attr("state")) ? SKIPPED : DONE;
                out.add(new State(x, st, e.author(), e.at(), e.attr("reason")));
            }
        }
        return out;
    }

    /** The items of the snapshot that belong to {@code role} (null: all). */
    public static List<State> states(Incident i, String role) {
        return states(i).stream().filter(s -> role == null || role.equalsIgnoreCase(s.item().role())).toList();
    }

    /**
     * How often items were done on time, for a report across incidents: per item id, the count done or skipped by
     * their due time and the count that had a due time and were done, skipped or left open (late or never).
     */
    public record OnTime(String id, String text, int onTime, int due) {
    }

    /**
     * {@link OnTime} for each item with a due time, over {@code incidents} (open items past due at {@code now} count
     * as late).
     */
    public static List<OnTime> onTime(List<Incident> incidents, Instant now) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Incident i : incidents) {
            for (State s : states(i)) {
                if (s.due() == null || s.open() && now.isBefore(s.due())) {
                    continue;
                }
                int[] c = counts.computeIfAbsent(s.item().id(), k -> new int[2]);
                texts.putIfAbsent(s.item().id(), s.item().text());
                c[1]++;
                if (Boolean.TRUE.equals(s.onTime())) {
                    c[0]++;
                }
            }
        }
        List<OnTime> out = new ArrayList<>();
        counts.forEach((id, c) -> out.add(new OnTime(id, texts.get(id), c[0], c[1])));
        return out;
    }

    /**
     * The item {@code ref} names: its id ({@code commander.announce}), its step id when only one item has it
     * ({@code announce}), or the start of one id or step id; otherwise a usage error that lists the ids.
     */
    public static ChecklistItem find(Incident i, String ref) {
        String r = ref == null ? "" : ref.strip().toLowerCase(Locale.ROOT);
        if (i.checklist().isEmpty()) {
            throw IrException.usage(i.id() + " has no checklist: give its roles, severity or type steps in ir.yaml "
                    + "(see docs/checklists.md)");
        }
        for (ChecklistItem x : i.checklist()) {
            if (x.id().equals(r)) {
                return x;
            }
        }
        List<ChecklistItem> hits = i.checklist().stream().filter(x -> x.id().endsWith("." + r)).toList();
        if (hits.isEmpty()) {
            hits = i.checklist().stream().filter(x -> !r.isEmpty() && (x.id().startsWith(r)
                    || x.id().substring(x.id().indexOf('.') + 1).startsWith(r))).toList();
        }
        if (hits.size() == 1) {
            return hits.get(0);
        }
        List<String> ids = (hits.isEmpty() ? i.checklist() : hits).stream().map(ChecklistItem::id).toList();
        throw IrException.usage((hits.isEmpty() ? "no checklist item '" : "checklist item '") + ref.strip()
                + (hits.isEmpty() ? "' on " + i.id() + ": use one of " : "' is ambiguous: use one of ")
                + String.join(", ", ids) + " (ir checklist lists them)");
    }

    /** Records {@code ref} done at {@code at}. */
    public static Change done(Incident i, String ref, Instant at, String author) {
        return record(i, ref, DONE, null, at, author);
    }

    /** Records {@code ref} skipped at {@code at}, and why. */
    public static Change skip(Incident i, String ref, String reason, Instant at, String author) {
        if (reason == null || reason.isBlank()) {
            throw IrException.usage("say why the step is skipped, e.g. ir checklist skip " + ref.strip()
                    + " \"no customer impact\"");
        }
        return record(i, ref, SKIPPED, reason.strip().replaceAll("\\s*\\R\\s*", " "), at, author);
    }

    private static Change record(Incident i, String ref, String state, String reason, Instant at, String author) {
        ChecklistItem x = find(i, ref);
        State now = states(i).stream().filter(s -> s.item().id().equals(x.id())).findFirst().orElseThrow();
        if (now.state().equals(state) && (reason == null || reason.equals(now.reason()))) {
            throw IrException.usage(x.id() + " is already " + state + " on " + i.id() + " (by " + now.by() + " at "
                    + Times.format(now.at()) + "): nothing to change");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("item", x.id());
        attrs.put("state", state);
        if (reason != null) {
            attrs.put("reason", reason);
        }
        String text = (DONE.equals(state) ? "Done: " : "Skipped: ") + x.text() + (reason == null ? "" : " (" + reason
                + ")");
        TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), at, author, EVENT, text, false, attrs);
        return new Change(i.withEvent(e), "checklist " + (DONE.equals(state) ? "done " : "skip ") + x.id(), EVENT);
    }
}
