package ir.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The semantic three-way merge of one incident changed in two clones (README, "Sharing with a team").
 *
 * <ul>
 *   <li>Timeline events and action items: union by id; the timeline sorted by ({@code at}, {@code id}), the action
 *       items in the order they were added ({@link ActionItem#ordered}). An item changed on both sides: the later
 *       change wins.</li>
 *   <li>Scalars (title, severity, status, drill, milestones, texts, unknown keys) and role assignments: three-way. A
 *       side that changed wins; both changed differently: the change made at the later event time wins and a
 *       {@code merge} event records the value that lost. Severity is the exception: two different escalations or
 *       downgrades resolve to the more severe value (ir.yaml's order), the safe answer during a response.</li>
 *   <li>The {@code merge} events are dated at the merge ({@link Context#at}), when the two values met.</li>
 *   <li>List fields (tags, went-well, ...): three-way on their items, so both sides' additions are kept.</li>
 *   <li>No base (the same ID declared in two clones): one incident, both declarations kept, a warning. Unless both
 *       sides hold the same declaration (one alert group opened the incident in both, see {@link AlertMapping}): then
 *       it is one opening, received at two times, and {@code opened_at} and {@code detected_at} are the earlier.</li>
 *   <li>An event with the same id on both sides but not in the base (ids derived from content) at two times: the
 *       earlier.</li>
 * </ul>
 *
 * <p>The merge is symmetric: swapping {@code ours} and {@code theirs} gives an equal incident (ties are broken by
 * value, merge-event ids are content hashes), so every clone computes the same bytes whichever side it is on.
 */
public final class IncidentMerge {
    /** The author of the {@code merge} events the merge adds. */
    public static final String MERGE_AUTHOR = "ir merge";

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Incident base;
    private final Incident ours;
    private final Incident theirs;
    private final Context context;
    private final Set<String> baseEventIds = new HashSet<>();
    private final List<TimelineEvent> mergeEvents = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** No base, and both sides hold the same declaration: one alert group opened it in both (see below). */
    private final boolean sameOpening;

    /** The merged incident and what the person should know about it (one line each). */
    public record Result(Incident incident, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * What a merge takes from outside the two files: the workspace's severity levels, most severe first (ir.yaml), and
     * the merging session's clock reading, the time of the {@code merge} events (null: the later change's time).
     */
    public record Context(List<String> severityOrder, Instant at) {
        /** Without a workspace's configuration: the severity levels {@code ir init} writes. */
        public static final List<String> DEFAULT_SEVERITIES = List.of("SEV-1", "SEV-2", "SEV-3", "SEV-4", "SEV-5");

        public Context {
            severityOrder = List.copyOf(severityOrder);
            at = at == null ? null : at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }

        public static Context of(IrConfig config, Instant at) {
            return new Context(config.severities().stream().map(IrConfig.Severity::name).toList(), at);
        }

        /** Index in the order, lower is more severe; an unknown severity ranks after every known one. */
        int rank(String severity) {
            for (int i = 0; i < severityOrder.size(); i++) {
                if (severityOrder.get(i).equalsIgnoreCase(severity)) {
                    return i;
                }
            }
            return severityOrder.size();
        }
    }

    private IncidentMerge(Incident base, Incident ours, Incident theirs, Context context) {
        this.base = base;
        this.ours = ours;
        this.theirs = theirs;
        this.context = context;
        if (base != null) {
            base.timeline().forEach(e -> baseEventIds.add(e.id()));
        }
        this.sameOpening = base == null && declarations(ours).stream().anyMatch(declarations(theirs)::contains);
    }

    /**
     * The ids of an incident's declarations. A person's declaration has a random id; one an alert group made has an id
     * derived from the group and the incident ID, so two receivers that opened the same incident share it.
     */
    private static Set<String> declarations(Incident i) {
        Set<String> ids = new HashSet<>();
        i.timeline().forEach(e -> {
            if (TimelineEvent.DECLARED.equals(e.type())) {
                ids.add(e.id());
            }
        });
        return ids;
    }

    /**
     * Merges two versions of one incident.
     *
     * @param base   the common ancestor, or null when both sides declared the incident independently
     * @param ours   one side
     * @param theirs the other side
     */
    public static Result merge(Incident base, Incident ours, Incident theirs, Context context) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(ours, "ours");
        Objects.requireNonNull(theirs, "theirs");
        if (base != null && ours.equals(base)) {
            return new Result(theirs, List.of());
        }
        if (base != null && theirs.equals(base) || ours.equals(theirs)) {
            return new Result(ours, List.of());
        }
        return new IncidentMerge(base, ours, theirs, context).run();
    }

    /**
     * A merge without a workspace or a session: {@code ir init}'s severity levels, merge events dated at the later of
     * the two changes. Commands merge with {@link #merge(Incident, Incident, Incident, Context)}.
     */
    public static Result merge(Incident base, Incident ours, Incident theirs) {
        return merge(base, ours, theirs, new Context(Context.DEFAULT_SEVERITIES, null));
    }

    private Result run() {
        if (base == null && !sameOpening) {
            warnings.add("incident " + ours.id() + " was declared in two clones: merged into one, both "
                    + "declarations are in its timeline; check its title and severity");
        }
        String title = scalar("title", Incident::title, any(), Function.identity());
        String severity = severity();
        String status = scalar("status", Incident::status, type(TimelineEvent.STATUS), Function.identity());
        Boolean drill = scalar("drill", Incident::drill, any(), String::valueOf);

        Map<Milestone, Instant> times = new EnumMap<>(Milestone.class);
        for (Milestone m : Milestone.values()) {
            Instant at = sameOpening && (m == Milestone.OPENED || m == Milestone.DETECTED)
                    ? earlier(ours.time(m), theirs.time(m))
                    : scalar(m.key(), i -> i.time(m), milestone(m), Times::format);
            if (at != null) {
                times.put(m, at);
            }
        }
        Map<String, List<String>> roles = keyed("roles", false, Incident::roles,
                role -> e -> TimelineEvent.ROLE.equals(e.type()) && role.equals(e.attr("role")),
                people -> String.join(", ", people));
        Map<TextField, String> texts = new EnumMap<>(TextField.class);
        for (TextField f : TextField.values()) {
            String v = scalar(f.key(), i -> i.text(f), any(), Function.identity());
            if (v != null) {
                texts.put(f, v);
            }
        }
        Map<ListField, List<String>> lists = new EnumMap<>(ListField.class);
        for (ListField f : ListField.values()) {
            List<String> v = items(valueOf(base, i -> i.list(f)), ours.list(f), theirs.list(f));
            if (v != null && !v.isEmpty()) {
                lists.put(f, v);
            }
        }
        Map<String, Object> extra = keyed("", true, Incident::extra, key -> any(), IncidentMerge::show);
        List<ActionItem> actions = actions();
        String type = scalar("type", Incident::type, any(), Function.identity());
        List<ChecklistItem> checklist = checklist();
        DataLoss dataLoss = scalar("data_loss", Incident::dataLoss, type(Phases.DATA_LOSS), DataLoss::show);
        List<ImpactWindow> windows = impactWindows();
        List<TimelineEvent> timeline = timeline();
        timeline.addAll(dedup(mergeEvents, timeline));
        timeline.sort(Incident.EVENT_ORDER);
        Incident merged = new Incident(Math.max(ours.schema(), theirs.schema()), ours.id(), title, severity, status,
                Boolean.TRUE.equals(drill), times, roles, texts, lists, actions, timeline, extra, List.of(), dataLoss, type,
                checklist);
        if (windows != null) {
            merged = Phases.withWindows(merged, windows);
        }
        return new Result(merged, warnings);
    }

    // ---- scalars -------------------------------------------------------------------------------------------------

    private <T> T scalar(String field, Function<Incident, T> get, Predicate<TimelineEvent> touches,
                         Function<T, String> show) {
        return pick(field, valueOf(base, get), get.apply(ours), get.apply(theirs), touches, show);
    }

    /** The three-way choice for one value; both changed differently: the later change wins, the loser is logged. */
    private <T> T pick(String field, T b, T o, T t, Predicate<TimelineEvent> touches, Function<T, String> show) {
        if (Objects.equals(o, t)) {
            return o;
        }
        if (Objects.equals(o, b)) {
            return t;
        }
        if (Objects.equals(t, b)) {
            return o;
        }
        Instant to = changedAt(ours, touches);
        Instant tt = changedAt(theirs, touches);
        String so = o == null ? null : show.apply(o);
        String st = t == null ? null : show.apply(t);
        int c = to.compareTo(tt);
        if (c == 0) {
            c = Comparator.<String>nullsFirst(Comparator.naturalOrder()).compare(so, st);
        }
        boolean oursWins = c > 0;
        record(field, oursWins ? so : st, oursWins ? st : so, to.isAfter(tt) ? to : tt, "the later change wins");
        return oursWins ? o : t;
    }

    /**
     * Severity, three-way like any scalar, except that two different changes resolve to the more severe value: a
     * concurrent SEV-2 and SEV-4 is a SEV-2 until someone decides otherwise. Levels ir.yaml does not rank alike fall
     * back to the later change.
     */
    private String severity() {
        Predicate<TimelineEvent> touches = type(TimelineEvent.SEVERITY);
        String b = valueOf(base, Incident::severity);
        String o = ours.severity();
        String t = theirs.severity();
        int ro = context.rank(o);
        int rt = context.rank(t);
        if (Objects.equals(o, t) || Objects.equals(o, b) || Objects.equals(t, b) || ro == rt) {
            return pick("severity", b, o, t, touches, Function.identity());
        }
        boolean oursWins = ro < rt;
        Instant to = changedAt(ours, touches);
        Instant tt = changedAt(theirs, touches);
        record("severity", oursWins ? o : t, oursWins ? t : o, to.isAfter(tt) ? to : tt, "the more severe wins");
        return oursWins ? o : t;
    }

    /**
     * Maps (roles, unknown keys) merged key by key; keys keep the base order, then new keys sorted. With
     * {@code lists}, a key whose value is a list of texts on every side that has it (a custom list field such as
     * {@code broken_recovery_procedures}) is merged item by item, like went-well, so both sides' entries are kept.
     */
    private <V> Map<String, V> keyed(String prefix, boolean lists, Function<Incident, Map<String, V>> get,
                                     Function<String, Predicate<TimelineEvent>> touches, Function<V, String> show) {
        Map<String, V> b = base == null ? Map.of() : get.apply(base);
        Map<String, V> o = get.apply(ours);
        Map<String, V> t = get.apply(theirs);
        if (o.equals(t) || base != null && o.equals(b)) {
            return t;
        }
        if (base != null && t.equals(b)) {
            return o;
        }
        Set<String> keys = new LinkedHashSet<>(b.keySet());
        Set<String> added = new TreeSet<>(o.keySet());
        added.addAll(t.keySet());
        keys.addAll(added);
        Map<String, V> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (lists && textList(o.get(k)) && textList(t.get(k)) && (b.get(k) == null || textList(b.get(k)))) {
                @SuppressWarnings("unchecked")
                V v = (V) items(texts(b.get(k)), texts(o.get(k)), texts(t.get(k)));
                if (!((List<?>) v).isEmpty()) {
                    out.put(k, v);
                }
                continue;
            }
            V v = pick(prefix.isEmpty() ? k : prefix + "." + k, b.get(k), o.get(k), t.get(k), touches.apply(k),
                    show);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    private static boolean textList(Object v) {
        return v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String);
    }

    private static List<String> texts(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add((String) x));
        }
        return out;
    }

    /**
     * A three-way merge of a list's items: an item either side removed is removed, every added item is kept (base
     * order first, then each side's additions; the two blocks ordered by value so the merge is symmetric).
     */
    static List<String> items(List<String> b, List<String> o, List<String> t) {
        List<String> base = b == null ? List.of() : b;
        if (o.equals(t) || o.equals(base)) {
            return t;
        }
        if (t.equals(base)) {
            return o;
        }
        List<String> out = new ArrayList<>();
        for (String x : base) {
            if (o.contains(x) && t.contains(x) && !out.contains(x)) {
                out.add(x);
            }
        }
        List<String> addO = o.stream().filter(x -> !base.contains(x)).toList();
        List<String> addT = t.stream().filter(x -> !base.contains(x)).toList();
        List<List<String>> blocks = new ArrayList<>(List.of(addO, addT));
        blocks.sort(Comparator.comparing(l -> String.join("\n", l)));
        for (List<String> block : blocks) {
            for (String x : block) {
                if (!out.contains(x)) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    // ---- impact windows ------------------------------------------------------------------------------------------

    /**
     * The impact windows, when any side stores them (null otherwise: the milestones merged as scalars say it all).
     * Each side's windows (stored or implied by its milestones) are united by their start; a window on both sides
     * merges field by field, three-way; one side removed (a start corrected on one side): removed unless the other
     * changed it. Windows the union leaves overlapping (both sides opened one) become one.
     */
    private List<ImpactWindow> impactWindows() {
        if (ours.impactWindows().isEmpty() && theirs.impactWindows().isEmpty()
                && (base == null || base.impactWindows().isEmpty())) {
            return null;
        }
        Map<Instant, ImpactWindow> b = byStart(base == null ? List.of() : Phases.windows(base));
        Map<Instant, ImpactWindow> o = byStart(Phases.windows(ours));
        Map<Instant, ImpactWindow> t = byStart(Phases.windows(theirs));
        Set<Instant> starts = new TreeSet<>(b.keySet());
        starts.addAll(o.keySet());
        starts.addAll(t.keySet());
        List<ImpactWindow> out = new ArrayList<>();
        for (Instant start : starts) {
            ImpactWindow bw = b.get(start);
            ImpactWindow ow = o.get(start);
            ImpactWindow tw = t.get(start);
            if (ow == null || tw == null) {
                ImpactWindow kept = ow == null ? tw : ow;
                if (kept != null && !kept.equals(bw)) {
                    out.add(kept);
                }
                continue;
            }
            String key = "impact_windows." + Times.format(start);
            Instant end = pick(key + ".mitigated_at", bw == null ? null : bw.mitigatedAt(), ow.mitigatedAt(),
                    tw.mitigatedAt(), milestone(Milestone.MITIGATED), Times::format);
            String label = pick(key + ".label", bw == null ? null : bw.label(), ow.label(), tw.label(),
                    e -> TimelineEvent.MILESTONE.equals(e.type()) && e.attr("window") != null, Function.identity());
            out.add(new ImpactWindow(start, end, label));
        }
        List<ImpactWindow> folded = new ArrayList<>();
        for (ImpactWindow w : out) {
            ImpactWindow prev = folded.isEmpty() ? null : folded.get(folded.size() - 1);
            if (prev != null && (prev.open() || w.startedAt().isBefore(prev.mitigatedAt()))) {
                Instant end = prev.open() && w.open() ? null : prev.open() ? w.mitigatedAt() : w.open()
                        ? prev.mitigatedAt() : later(prev.mitigatedAt(), w.mitigatedAt());
                folded.set(folded.size() - 1, new ImpactWindow(prev.startedAt(), end,
                        prev.label() != null ? prev.label() : w.label()));
            } else {
                folded.add(w);
            }
        }
        return folded.isEmpty() ? null : folded;
    }

    private static Map<Instant, ImpactWindow> byStart(List<ImpactWindow> windows) {
        Map<Instant, ImpactWindow> m = new LinkedHashMap<>();
        windows.forEach(w -> m.putIfAbsent(w.startedAt(), w));
        return m;
    }

    // ---- events and action items ---------------------------------------------------------------------------------

    private List<TimelineEvent> timeline() {
        Map<String, TimelineEvent> b = byId(base == null ? List.of() : base.timeline(), TimelineEvent::id);
        Map<String, TimelineEvent> o = byId(ours.timeline(), TimelineEvent::id);
        Map<String, TimelineEvent> t = byId(theirs.timeline(), TimelineEvent::id);
        List<TimelineEvent> out = new ArrayList<>();
        for (String id : union(b.keySet(), o.keySet(), t.keySet())) {
            TimelineEvent bo = b.get(id);
            TimelineEvent eo = o.get(id);
            TimelineEvent et = t.get(id);
            if (bo == null && eo != null && et != null && !eo.at().equals(et.at())) {
                // The same event made on both sides (an id derived from its content: an alert group's declaration,
                // the same change recorded by two receivers) at different receipts: the first one.
                out.add(eo.at().isBefore(et.at()) ? eo : et);
                continue;
            }
            TimelineEvent e = unionPick(bo, eo, et, String::valueOf, null);
            if (e != null) {
                out.add(e);
            }
        }
        out.sort(Incident.EVENT_ORDER);
        return out;
    }

    private List<ActionItem> actions() {
        Map<String, ActionItem> b = byId(base == null ? List.of() : base.actions(), ActionItem::id);
        Map<String, ActionItem> o = byId(ours.actions(), ActionItem::id);
        Map<String, ActionItem> t = byId(theirs.actions(), ActionItem::id);
        if (ours.actions().equals(theirs.actions()) || base != null && ours.actions().equals(base.actions())) {
            return theirs.actions();
        }
        if (base != null && theirs.actions().equals(base.actions())) {
            return ours.actions();
        }
        List<ActionItem> out = new ArrayList<>();
        for (String id : union(b.keySet(), o.keySet(), t.keySet())) {
            ActionItem a = unionPick(b.get(id), o.get(id), t.get(id), IncidentMerge::showAction, id);
            if (a != null) {
                out.add(a);
            }
        }
        // The order they were added in (added_at, then the adding event), whichever side each came from.
        List<TimelineEvent> events = new ArrayList<>(ours.timeline());
        events.addAll(theirs.timeline());
        return ActionItem.ordered(out, events);
    }

    /**
     * The checklist snapshots: a union by id, like action items (an item both sides added differently, e.g. from two
     * versions of ir.yaml: the one added first, ties by value). Base order first, then each side's additions in a
     * symmetric order ({@link #items}); whether an item was done lives in the timeline, merged above.
     */
    private List<ChecklistItem> checklist() {
        List<ChecklistItem> b = base == null ? List.of() : base.checklist();
        if (ours.checklist().equals(theirs.checklist()) || base != null && ours.checklist().equals(b)) {
            return theirs.checklist();
        }
        if (base != null && theirs.checklist().equals(b)) {
            return ours.checklist();
        }
        Map<String, ChecklistItem> o = byId(ours.checklist(), ChecklistItem::id);
        Map<String, ChecklistItem> t = byId(theirs.checklist(), ChecklistItem::id);
        List<String> ids = items(b.stream().map(ChecklistItem::id).toList(), List.copyOf(o.keySet()),
                List.copyOf(t.keySet()));
        List<ChecklistItem> out = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            ChecklistItem x = o.get(id);
            ChecklistItem y = t.get(id);
            if (x == null || y == null || x.equals(y)) {
                out.add(x == null ? y : x);
                continue;
            }
            int c = Comparator.nullsLast(Comparator.<Instant>naturalOrder()).compare(x.addedAt(), y.addedAt());
            out.add(c < 0 || c == 0 && String.valueOf(x).compareTo(String.valueOf(y)) <= 0 ? x : y);
        }
        return out;
    }

    /**
     * Union of one item: kept unless one side deleted it and the other left it unchanged; changed on both sides
     * differently: the later change wins ({@code actionId} set: recorded in a merge event), ties by value.
     */
    private <T> T unionPick(T b, T o, T t, Function<T, String> show, String actionId) {
        if (Objects.equals(o, t)) {
            return o;
        }
        if (b != null && (o == null || t == null)) {
            T kept = o == null ? t : o;
            return kept.equals(b) ? null : kept;
        }
        if (o == null || t == null) {
            return o == null ? t : o;
        }
        if (o.equals(b)) {
            return t;
        }
        if (t.equals(b)) {
            return o;
        }
        if (actionId == null) {
            return show.apply(o).compareTo(show.apply(t)) >= 0 ? o : t;
        }
        return pick("actions." + actionId, b, o, t, e -> mentions(e, actionId), show);
    }

    private static boolean mentions(TimelineEvent e, String actionId) {
        if (!TimelineEvent.ACTION_ITEM.equals(e.type())) {
            return false;
        }
        for (Object v : e.attrs().values()) {
            if (actionId.equals(String.valueOf(v))) {
                return true;
            }
        }
        return false;
    }

    // ---- when a side made its change -----------------------------------------------------------------------------

    /**
     * When {@code side} made its change: its latest new event (not in the base) touching the value, else its newest
     * new event, else its newest event at all.
     */
    private Instant changedAt(Incident side, Predicate<TimelineEvent> touches) {
        Instant touching = null;
        Instant newest = null;
        Instant any = null;
        for (TimelineEvent e : side.timeline()) {
            any = later(any, e.at());
            if (baseEventIds.contains(e.id())) {
                continue;
            }
            newest = later(newest, e.at());
            if (touches.test(e)) {
                touching = later(touching, e.at());
            }
        }
        Instant at = touching != null ? touching : newest != null ? newest : any;
        return at == null ? Instant.EPOCH : at;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b != null && b.isBefore(a) ? b : a;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Predicate<TimelineEvent> any() {
        return e -> false;
    }

    private static Predicate<TimelineEvent> type(String type) {
        return e -> type.equals(e.type());
    }

    private static Predicate<TimelineEvent> milestone(Milestone m) {
        return e -> TimelineEvent.MILESTONE.equals(e.type()) && m == Milestone.parse(String.valueOf(e.attr(
                "milestone")));
    }

    // ---- merge events --------------------------------------------------------------------------------------------

    /** Records a value that lost; {@code changedAt} dates it when the merge has no clock of its own. */
    private void record(String field, String kept, String lost, Instant changedAt, String rule) {
        Instant at = context.at() != null ? context.at() : changedAt;
        String k = kept == null ? "(none)" : kept;
        String l = lost == null ? "(none)" : lost;
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("field", field);
        attrs.put("kept", k);
        attrs.put("lost", l);
        // Named by the conflict (the later change's time, not the merge's): two clones that merge the same changes at
        // different times make one event, which the next merge unites instead of doubling.
        String id = "m" + hash(ours.id() + "\0" + field + "\0" + k + "\0" + l + "\0" + changedAt).substring(0, 11);
        mergeEvents.add(new TimelineEvent(id, at, MERGE_AUTHOR, TimelineEvent.MERGE,
                "concurrent changes to " + field + ": kept " + oneLine(k) + ", lost " + oneLine(l)
                        + " (" + rule + ")", false, attrs));
    }

    private static List<TimelineEvent> dedup(List<TimelineEvent> add, List<TimelineEvent> existing) {
        Set<String> ids = new HashSet<>();
        existing.forEach(e -> ids.add(e.id()));
        List<TimelineEvent> out = new ArrayList<>();
        for (TimelineEvent e : add) {
            if (ids.add(e.id())) {
                out.add(e);
            }
        }
        return out;
    }

    private static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s*\\R\\s*", " ");
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            long bits = 0;
            int n = 0;
            for (byte x : d) {
                bits = bits << 8 | (x & 0xff);
                n += 8;
                while (n >= 5) {
                    out.append(BASE32[(int) (bits >>> (n - 5)) & 31]);
                    n -= 5;
                }
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String show(Object v) {
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(x -> parts.add(String.valueOf(x)));
            return String.join(", ", parts);
        }
        return String.valueOf(v);
    }

    private static String showAction(ActionItem a) {
        StringBuilder s = new StringBuilder(a.text()).append(" [").append(a.status());
        if (a.owner() != null) {
            s.append(", owner ").append(a.owner());
        }
        if (a.due() != null) {
            s.append(", due ").append(a.due());
        }
        return s.append(']').toString();
    }

    private static <T> T valueOf(Incident i, Function<Incident, T> get) {
        return i == null ? null : get.apply(i);
    }

    private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
        Map<String, T> m = new LinkedHashMap<>();
        items.forEach(x -> m.putIfAbsent(id.apply(x), x));
        return m;
    }

    private static Set<String> union(Set<String> a, Set<String> b, Set<String> c) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }
}
