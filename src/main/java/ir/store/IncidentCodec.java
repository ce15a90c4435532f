package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.ActionItem;
import ir.model.ChecklistItem;
import ir.model.DataLoss;
import ir.model.ImpactWindow;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.ListField;
import ir.model.Milestone;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.model.Times;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Maps incidents to the YAML document of the README's file format and back, keeping the key order and unknown keys. */
final class IncidentCodec {
    private static final Set<String> EVENT_KEYS = Set.of("id", "at", "author", "type", "text", "important");
    private static final Set<String> ACTION_KEYS = Set.of("id", "text", "type", "owner", "due", "status", "reason",
            "done_at", "link", "added_at");
    private static final Set<String> KNOWN;

    static {
        Set<String> k = new java.util.HashSet<>(List.of("schema", "id", "title", "severity", "status", "drill",
                "roles", "actions", "timeline", "impact_windows", "data_loss", "type", "checklist"));
        for (Milestone m : Milestone.values()) {
            k.add(m.key());
        }
        for (TextField f : TextField.values()) {
            k.add(f.key());
        }
        for (ListField f : ListField.values()) {
            k.add(f.key());
        }
        KNOWN = Set.copyOf(k);
    }

    private IncidentCodec() {
    }

    static Incident parse(byte[] bytes, String name) {
        return fromTree(YamlCodec.get().readObject(bytes, name), name);
    }

    static byte[] toYaml(Incident incident) {
        return YamlCodec.get().writeYaml(toTree(incident));
    }

    static Incident fromTree(ObjectNode n, String name) {
        try {
            int schema = schema(n, name);
            String id = text(n, "id");
            if (id == null || id.isBlank()) {
                throw bad(name, "has no 'id'");
            }
            Map<Milestone, Instant> times = new EnumMap<>(Milestone.class);
            for (Milestone m : Milestone.values()) {
                times.put(m, instant(n, m.key(), name));
            }
            List<ImpactWindow> windows = windows(n.get("impact_windows"), name);
            DataLoss dataLoss = dataLoss(n.get("data_loss"), name);
            Map<String, List<String>> roles = new LinkedHashMap<>();
            JsonNode r = n.get("roles");
            if (r != null && r.isObject()) {
                r.fields().forEachRemaining(e -> roles.put(e.getKey(), strings(e.getValue())));
            }
            Map<TextField, String> texts = new EnumMap<>(TextField.class);
            for (TextField f : TextField.values()) {
                texts.put(f, text(n, f.key()));
            }
            Map<ListField, List<String>> lists = new EnumMap<>(ListField.class);
            for (ListField f : ListField.values()) {
                lists.put(f, strings(n.get(f.key())));
            }
            List<ActionItem> actions = new ArrayList<>();
            for (JsonNode a : iterable(n.get("actions"))) {
                if (a.isObject()) {
                    actions.add(action((ObjectNode) a, name));
                }
            }
            List<TimelineEvent> timeline = new ArrayList<>();
            for (JsonNode e : iterable(n.get("timeline"))) {
                if (e.isObject()) {
                    timeline.add(event((ObjectNode) e, name));
                }
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (!KNOWN.contains(e.getKey())) {
                    extra.put(e.getKey(), plain(e.getValue()));
                }
            });
            String title = text(n, "title");
            if (title == null || title.isBlank()) {
                throw bad(name, "has no 'title'");
            }
            return new Incident(schema, id, title,
                    text(n, "severity"), text(n, "status"), n.path("drill").asBoolean(false), times, roles, texts,
                    lists, actions, timeline, extra, windows, dataLoss, text(n, "type"), checklist(n.get("checklist"),
                    name));
        } catch (IrException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(name, "does not look like an incident: " + e.getMessage());
        }
    }

    /**
     * The file's schema: a file of a newer schema is refused, never read as this one (and so never rewritten, which
     * would drop or mangle what the newer ir meant).
     */
    private static int schema(ObjectNode n, String name) {
        JsonNode v = n.get("schema");
        if (v == null || v.isNull()) {
            return Incident.SCHEMA;
        }
        boolean number = v.isIntegralNumber() ? v.canConvertToInt() : v.isTextual() && v.asText().matches("[0-9]{1,9}");
        int schema = number ? v.asInt() : 0;
        if (schema < 1) {
            throw bad(name, "has an invalid 'schema' (" + shorten(v.asText()) + "): it must be " + Incident.SCHEMA);
        }
        if (schema > Incident.SCHEMA) {
            throw new IrException(ExitCode.FAILURE, name + " is written in schema " + schema + ", newer than "
                    + "this ir knows (" + Incident.SCHEMA + "): upgrade ir to read or change it; it was left as it is");
        }
        return schema;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static IrException bad(String name, String what) {
        return new IrException(ExitCode.FAILURE, name + " " + what + " (fix it, or restore it with git)");
    }

    static ObjectNode toTree(Incident i) {
        ObjectNode n = YamlCodec.newObject();
        n.put("schema", i.schema());
        n.put("id", i.id());
        n.put("title", i.title());
        putIf(n, "severity", i.severity());
        putIf(n, "status", i.status());
        n.put("drill", i.drill());
        i.times().forEach((m, at) -> n.put(m.key(), Times.format(at)));
        putPhases(n, i);
        if (!i.roles().isEmpty()) {
            ObjectNode roles = n.putObject("roles");
            i.roles().forEach((role, people) -> {
                if (people.size() == 1) {
                    roles.put(role, people.get(0));
                } else {
                    ArrayNode a = roles.putArray(role);
                    people.forEach(a::add);
                }
            });
        }
        i.texts().forEach((f, v) -> n.put(f.key(), v));
        i.lists().forEach((f, v) -> {
            ArrayNode a = n.putArray(f.key());
            v.forEach(a::add);
        });
        putIf(n, "type", i.type());
        if (!i.checklist().isEmpty()) {
            ArrayNode a = n.putArray("checklist");
            for (ChecklistItem x : i.checklist()) {
                ObjectNode o = a.addObject();
                o.put("id", x.id());
                o.put("text", x.text());
                o.put(x.scope(), x.owner());
                if (x.within() != null) {
                    o.put("within", ir.model.Cadence.formatDuration(x.within()));
                }
                if (x.addedAt() != null) {
                    o.put("added_at", Times.format(x.addedAt()));
                }
            }
        }
        if (!i.actions().isEmpty()) {
            ArrayNode a = n.putArray("actions");
            i.actions().forEach(x -> a.add(actionTree(x)));
        }
        ArrayNode t = n.putArray("timeline");
        i.timeline().forEach(e -> t.add(eventTree(e)));
        i.extra().forEach((k, v) -> n.set(k, toNode(v)));
        return n;
    }

    /** {@code impact_windows} and {@code data_loss}, right after the milestones they refine; left out when empty. */
    private static void putPhases(ObjectNode n, Incident i) {
        if (!i.impactWindows().isEmpty()) {
            ArrayNode a = n.putArray("impact_windows");
            for (ImpactWindow w : i.impactWindows()) {
                ObjectNode o = a.addObject();
                o.put("started_at", Times.format(w.startedAt()));
                if (w.mitigatedAt() != null) {
                    o.put("mitigated_at", Times.format(w.mitigatedAt()));
                }
                putIf(o, "label", w.label());
            }
        }
        DataLoss d = i.dataLoss();
        if (d != null) {
            ObjectNode o = n.putObject("data_loss");
            o.put("from", Times.format(d.from()));
            if (d.to() != null) {
                o.put("to", Times.format(d.to()));
            }
            putIf(o, "note", d.note());
        }
    }

    /** {@code checklist:} the snapshot of steps (see docs/incident-format.md). */
    private static List<ChecklistItem> checklist(JsonNode v, String name) {
        List<ChecklistItem> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw bad(name, "has 'checklist' that is not a list of {id, text, role|severity|type, within, added_at}");
        }
        int k = 0;
        for (JsonNode x : v) {
            k++;
            String id = x.isObject() ? text(x, "id") : null;
            String text = x.isObject() ? text(x, "text") : null;
            if (id == null || id.isBlank() || text == null) {
                throw bad(name, "has a checklist item (" + k + ") without 'id' and 'text'");
            }
            String scope = null;
            for (String s : List.of(ChecklistItem.ROLE, ChecklistItem.SEVERITY, ChecklistItem.TYPE)) {
                if (text(x, s) != null) {
                    scope = s;
                }
            }
            if (scope == null) {
                throw bad(name, "has a checklist item (" + id + ") without 'role', 'severity' or 'type'");
            }
            String within = text(x, "within");
            java.time.Duration d = within == null ? null : ir.model.Cadence.parseDuration(within);
            if (within != null && d == null) {
                throw bad(name, "has a checklist item (" + id + ") whose 'within' is not a duration such as 5m");
            }
            out.add(new ChecklistItem(id.strip(), text, scope, text(x, scope), d, instant(x, "added_at", name,
                    "checklist[" + k + "].")));
        }
        return out;
    }

    private static List<ImpactWindow> windows(JsonNode v, String name) {
        List<ImpactWindow> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw bad(name, "has 'impact_windows' that is not a list of {started_at, mitigated_at, label}");
        }
        int k = 0;
        for (JsonNode w : v) {
            k++;
            String where = "impact_windows[" + k + "].";
            if (!w.isObject()) {
                throw bad(name, "has an entry " + k + " of 'impact_windows' that is not {started_at, mitigated_at, "
                        + "label}");
            }
            Instant start = instant(w, "started_at", name, where);
            if (start == null) {
                throw bad(name, "has an impact window (" + k + ") without 'started_at'");
            }
            out.add(new ImpactWindow(start, instant(w, "mitigated_at", name, where), text(w, "label")));
        }
        return out;
    }

    private static DataLoss dataLoss(JsonNode v, String name) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw bad(name, "has 'data_loss' that is not {from, to, note}");
        }
        Instant from = instant(v, "from", name, "data_loss.");
        if (from == null) {
            throw bad(name, "has 'data_loss' without 'from'");
        }
        return new DataLoss(from, instant(v, "to", name, "data_loss."), text(v, "note"));
    }

    static ObjectNode eventTree(TimelineEvent e) {
        ObjectNode n = YamlCodec.newObject();
        n.put("id", e.id());
        n.put("at", Times.format(e.at()));
        putIf(n, "author", e.author());
        n.put("type", e.type());
        putIf(n, "text", e.text());
        e.attrs().forEach((k, v) -> n.set(k, toNode(v)));
        if (e.important()) {
            n.put("important", true);
        }
        return n;
    }

    private static ObjectNode actionTree(ActionItem a) {
        ObjectNode n = YamlCodec.newObject();
        n.put("id", a.id());
        n.put("text", a.text());
        putIf(n, "type", a.type());
        putIf(n, "owner", a.owner());
        putIf(n, "due", a.due());
        putIf(n, "status", a.status());
        putIf(n, "reason", a.reason());
        putIf(n, "done_at", a.doneAt() == null ? null : Times.format(a.doneAt()));
        putIf(n, "link", a.link());
        putIf(n, "added_at", a.addedAt() == null ? null : Times.format(a.addedAt()));
        a.extra().forEach((k, v) -> n.set(k, toNode(v)));
        return n;
    }

    private static TimelineEvent event(ObjectNode n, String name) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        n.fields().forEachRemaining(f -> {
            if (!EVENT_KEYS.contains(f.getKey())) {
                // As read (a number stays a number): a field a newer version wrote comes back unchanged.
                attrs.put(f.getKey(), plain(f.getValue()));
            }
        });
        String id = text(n, "id");
        Instant at = instant(n, "at", name);
        if (id == null || at == null) {
            throw bad(name, "has a timeline event without 'id' or 'at'");
        }
        String type = text(n, "type");
        return new TimelineEvent(id, at, text(n, "author"), type == null ? TimelineEvent.NOTE : type, text(n, "text"),
                n.path("important").asBoolean(false), attrs);
    }

    private static ActionItem action(ObjectNode n, String name) {
        Map<String, Object> extra = new LinkedHashMap<>();
        n.fields().forEachRemaining(f -> {
            if (!ACTION_KEYS.contains(f.getKey())) {
                extra.put(f.getKey(), plain(f.getValue()));
            }
        });
        String id = text(n, "id");
        String text = text(n, "text");
        if (id == null || text == null) {
            throw bad(name, "has an action item without 'id' or 'text'");
        }
        return new ActionItem(id, text, text(n, "type"), text(n, "owner"), text(n, "due"), text(n, "status"),
                text(n, "link"), instant(n, "done_at", name), instant(n, "added_at", name), text(n, "reason"), extra);
    }

    /**
     * A YAML value as plain Java (LinkedHashMap, ArrayList, String, Boolean, Long, Double, null), so the model can
     * read fields it carries in {@code extra} without knowing Jackson, and writes them back unchanged.
     */
    static Object plain(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.asText();
    }

    static JsonNode toNode(Object v) {
        if (v instanceof JsonNode j) {
            return j;
        }
        if (v instanceof Boolean b) {
            return YamlCodec.newObject().booleanNode(b);
        }
        if (v instanceof Integer x) {
            return YamlCodec.newObject().numberNode(x);
        }
        if (v instanceof Long x) {
            return YamlCodec.newObject().numberNode(x);
        }
        if (v instanceof Double x) {
            return YamlCodec.newObject().numberNode(x);
        }
        if (v instanceof java.math.BigInteger x) {
            return YamlCodec.newObject().numberNode(x);
        }
        if (v == null) {
            return YamlCodec.newObject().nullNode();
        }
        if (v instanceof List<?> list) {
            ArrayNode a = YamlCodec.newArray();
            list.forEach(x -> a.add(toNode(x)));
            return a;
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = YamlCodec.newObject();
            map.forEach((k, x) -> o.set(String.valueOf(k), toNode(x)));
            return o;
        }
        return YamlCodec.newObject().textNode(String.valueOf(v));
    }

    private static void putIf(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static List<String> strings(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            v.forEach(x -> {
                if (x.isValueNode() && !x.isNull()) {
                    out.add(x.asText());
                }
            });
        } else if (v.isValueNode()) {
            out.add(v.asText());
        }
        return out;
    }

    private static Iterable<JsonNode> iterable(JsonNode n) {
        if (n == null || !n.isArray()) {
            return List.of();
        }
        return () -> {
            Iterator<JsonNode> it = n.elements();
            return it;
        };
    }

    private static Instant instant(JsonNode n, String key, String name) {
        return instant(n, key, name, "");
    }

    /** A time under {@code key}; {@code where} names its parent in messages ({@code impact_windows[2].}). */
    private static Instant instant(JsonNode n, String key, String name, String where) {
        String s = text(n, key);
        if (s == null || s.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(s.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw bad(name, "has an invalid time in '" + where + key + "': " + shorten(s)
                    + " (use RFC 3339 such as 2015-10-21T14:54:00Z)");
        }
        if (!Times.inRange(at)) {
            throw bad(name, "has a time outside the years 0001..9999 in '" + where + key + "': " + shorten(s));
        }
        return at;
    }
}
