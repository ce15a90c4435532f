package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.ExitCode;
import ir.model.IrConfig;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code ir.yaml}. Missing sections fall back to the defaults that {@code ir init} writes. */
final class ConfigCodec {
    static final String DEFAULT_RESOURCE = "/ir/default-ir.yaml";

    private ConfigCodec() {
    }

    static byte[] defaultBytes() {
        try (InputStream in = ConfigCodec.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IrException(ExitCode.FAILURE, "built-in ir.yaml is missing from the ir jar: reinstall ir");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the built-in ir.yaml: " + e.getMessage(), e);
        }
    }

    static IrConfig parse(byte[] bytes, String name) {
        ObjectNode n = YamlCodec.get().readObject(bytes, name);
        checkTypes(n, bytes, name);
        IrConfig defaults = null;
        List<IrConfig.Severity> severities = new ArrayList<>();
        int index = 0;
        for (JsonNode s : n.path("severities")) {
            String sevName = s.isObject() ? s.path("name").asText(null) : s.asText(null);
            if (sevName == null || sevName.isBlank()) {
                throw new IrException(ExitCode.USAGE, name + ": every severity needs a 'name'");
            }
            severities.add(new IrConfig.Severity(sevName.trim(), s.path("description").asText(""),
                    s.path("major").asBoolean(false), checklist(s.get("checklist"), bytes, name,
                    "severities." + sevName.trim(), "severities", index++, "checklist")));
        }
        List<IrConfig.Role> roles = new ArrayList<>();
        index = 0;
        for (JsonNode r : n.path("roles")) {
            String roleName = r.isObject() ? r.path("name").asText(null) : r.asText(null);
            if (roleName == null || roleName.isBlank()) {
                throw new IrException(ExitCode.USAGE, name + ": every role needs a 'name'");
            }
            roles.add(new IrConfig.Role(roleName.trim(), r.path("title").asText(roleName.trim()),
                    r.path("description").asText(""), r.path("multiple").asBoolean(false),
                    checklist(r.get("checklist"), bytes, name, "roles." + roleName.trim(), "roles", index++,
                            "checklist")));
        }
        List<String> statuses = new ArrayList<>();
        for (JsonNode s : n.path("statuses")) {
            String st = s.isObject() ? s.path("name").asText(null) : s.asText(null);
            if (st != null && !st.isBlank()) {
                statuses.add(st.trim());
            }
        }
        List<String> required = new ArrayList<>();
        for (JsonNode s : n.path("postmortem").path("required_for")) {
            required.add(s.asText());
        }
        List<IrConfig.Field> fields = fields(n, bytes, name);
        if (severities.isEmpty() || roles.isEmpty() || statuses.isEmpty() || !n.has("postmortem")) {
            defaults = parse(defaultBytes(), "built-in ir.yaml");
        }
        JsonNode defNode = n.path("default_severity");
        String def = defNode.isValueNode() && !defNode.isNull() ? defNode.asText() : null;
        IrConfig c = new IrConfig(def,
                severities.isEmpty() ? defaults.severities() : severities,
                roles.isEmpty() ? defaults.roles() : roles,
                statuses.isEmpty() ? defaults.statuses() : statuses,
                n.has("postmortem") ? required : defaults.postmortemRequiredFor());
        if (def == null) {
            def = c.severities().get(c.severities().size() / 2).name();
        } else if (c.findSeverity(def).isEmpty()) {
            throw new IrException(ExitCode.USAGE, name + ": default_severity '" + def + "' is not one of "
                    + c.severityNames());
        }
        return new IrConfig(def, c.severities(), c.roles(), c.statuses(), c.postmortemRequiredFor(), fields,
                triggers(n, bytes, name, c), intakeAuthor(n, bytes, name), channels(n, bytes, name, c),
                cadence(n, bytes, name, c), types(n, bytes, name, c));
    }

    /** The keys a step of a {@code checklist:} may have. */
    static final java.util.Set<String> STEP_KEYS = java.util.Set.of("id", "text", "within");
    /** The keys an incident type of {@code types:} may have. */
    static final java.util.Set<String> TYPE_KEYS = java.util.Set.of("name", "description", "severity", "checklist",
            "runbooks", "postmortem_template", "update_template");

    /**
     * A {@code checklist:} of a role, severity or type (see docs/checklists.md): a list of steps, each a text or a
     * mapping {@code {id, text, within}}. A bad step is refused by its key ({@code roles.commander.checklist[2]}) and
     * line rather than dropped: a step that silently vanished is a step nobody is asked to take.
     */
    private static List<IrConfig.Step> checklist(JsonNode v, byte[] bytes, String name, String key, Object... path) {
        List<IrConfig.Step> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw badStep(bytes, name, key + ".checklist", "must be a list of steps, each a text or a mapping such as "
                    + "{text: Announce yourself as commander, within: 5m}", path);
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        int k = 0;
        for (JsonNode x : v) {
            Object[] at = java.util.Arrays.copyOf(path, path.length + 1);
            at[path.length] = k;
            String where = key + ".checklist[" + (k + 1) + "]";
            k++;
            String text;
            String id = null;
            java.time.Duration within = null;
            if (x.isTextual()) {
                text = x.asText();
            } else if (x.isObject()) {
                var names = x.fieldNames();
                while (names.hasNext()) {
                    String f = names.next();
                    if (!STEP_KEYS.contains(f)) {
                        throw badStep(bytes, name, where, "unknown key '" + f + "': use id, text, within", at);
                    }
                }
                JsonNode t = x.get("text");
                text = t != null && t.isValueNode() && !t.isNull() ? t.asText() : null;
                JsonNode i = x.get("id");
                if (i != null && !i.isNull()) {
                    id = i.asText().strip();
                    if (!i.isValueNode() || !ir.model.Checklists.validId(id)) {
                        throw badStep(bytes, name, where, "'id' must be lower-case letters, digits and '-', such as "
                                + "announce", at);
                    }
                }
                JsonNode w = x.get("within");
                if (w != null && !w.isNull()) {
                    within = w.isValueNode() ? ir.model.Cadence.parseDuration(w.asText()) : null;
                    if (within == null || within.isZero()) {
                        throw badStep(bytes, name, where, "'within' is '" + w.asText() + "', not a duration: write "
                                + "it as 5m, 2h or 1h30m", at);
                    }
                }
            } else {
                text = null;
            }
            if (text == null || text.isBlank()) {
                throw badStep(bytes, name, where, "a step needs a text, such as \"Announce yourself as commander\" "
                        + "or {text: ..., within: 5m}", at);
            }
            text = text.strip().replaceAll("\\s*\\R\\s*", " ");
            if (id == null) {
                String slug = ir.model.Checklists.slug(text);
                id = slug;
                for (int n2 = 2; ids.contains(id); n2++) {
                    id = slug + "-" + n2;
                }
            } else if (ids.contains(id)) {
                throw badStep(bytes, name, where, "id '" + id + "' is used twice in this checklist: give each step "
                        + "its own", at);
            }
            ids.add(id);
            out.add(new IrConfig.Step(id, text, within));
        }
        return out;
    }

    private static IrException badStep(byte[] bytes, String name, String key, String problem, Object... path) {
        int line = YamlCodec.get().lineAt(bytes, path);
        return new IrException(ExitCode.FAILURE, name + ": '" + key + "'" + (line > 0 ? " at line " + line : "")
                + ": " + problem);
    }

    /**
     * The incident types under {@code types:}: a list of mappings {@code {name, description, severity, checklist,
     * runbooks, postmortem_template, update_template}}. A type's name must not be a role's or a severity's: the three
     * name the steps of an incident's checklist ({@code security.rotate-credentials}).
     */
    private static List<IrConfig.IncidentType> types(ObjectNode n, byte[] bytes, String name, IrConfig c) {
        JsonNode v = n.get("types");
        List<IrConfig.IncidentType> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(bytes, name, "a list of incident types, each a mapping such as {name: outage, severity: "
                    + "SEV-2, checklist: [...]}", v, "types");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        c.roles().forEach(r -> taken.add(r.name().toLowerCase(java.util.Locale.ROOT)));
        c.severities().forEach(s -> taken.add(s.name().toLowerCase(java.util.Locale.ROOT)));
        int k = 0;
        for (JsonNode t : v) {
            Object[] at = {"types", k};
            String where = "types[" + (k + 1) + "]";
            if (!t.isObject() || !t.path("name").isValueNode() || t.path("name").asText("").isBlank()) {
                throw badStep(bytes, name, where, "must be a mapping with a 'name', such as {name: outage, "
                        + "severity: SEV-2}", at);
            }
            String typeName = t.path("name").asText().strip();
            where = "types." + typeName;
            if (!typeName.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
                throw badStep(bytes, name, where, "a type name is letters, digits, '-' and '_'", at);
            }
            String lower = typeName.toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(lower)) {
                throw badStep(bytes, name, where, "is declared twice: keep one", at);
            }
            if (taken.contains(lower)) {
                throw badStep(bytes, name, where, "is also a role or severity name: give the type its own name", at);
            }
            var keys = t.fieldNames();
            while (keys.hasNext()) {
                String f = keys.next();
                if (!TYPE_KEYS.contains(f)) {
                    throw badStep(bytes, name, where, "unknown key '" + f + "': use " + String.join(", ",
                            new java.util.TreeSet<>(TYPE_KEYS)), "types", k, f);
                }
            }
            String severity = null;
            JsonNode s = t.get("severity");
            if (s != null && !s.isNull()) {
                if (!s.isValueNode() || c.findSeverity(s.asText()).isEmpty()) {
                    throw badStep(bytes, name, where + ".severity", "'" + s.asText() + "' is not one of "
                            + c.severityNames(), "types", k, "severity");
                }
                severity = c.severity(s.asText());
            }
            List<String> runbooks = new ArrayList<>();
            JsonNode rb = t.get("runbooks");
            if (rb != null && !rb.isNull()) {
                if (rb.isValueNode()) {
                    runbooks.add(rb.asText().strip());
                } else if (rb.isArray() && allScalars(rb)) {
                    rb.forEach(x -> runbooks.add(x.asText().strip()));
                } else {
                    throw badStep(bytes, name, where + ".runbooks", "must be a list of links", "types", k,
                            "runbooks");
                }
            }
            out.add(new IrConfig.IncidentType(typeName, t.path("description").asText(""), severity,
                    checklist(t.get("checklist"), bytes, name, where, "types", k, "checklist"), runbooks,
                    optionalText(t, "postmortem_template"), optionalText(t, "update_template")));
            k++;
        }
        return out;
    }

    private static String optionalText(JsonNode t, String key) {
        JsonNode v = t.get(key);
        return v == null || !v.isValueNode() || v.asText("").isBlank() ? null : v.asText().strip();
    }

    /** The keys a channel of {@code channels:} may have. */
    static final java.util.Set<String> CHANNEL_KEYS = java.util.Set.of("kind", "events", "audiences", "min_severity",
            "drills");
    /** Keys that would put a secret in the repository: refused, with where it belongs. */
    private static final java.util.Set<String> SECRET_KEYS = java.util.Set.of("url", "webhook", "webhook_url",
            "token", "routing_key", "integration_key", "key", "secret", "endpoint");

    /**
     * The channels under {@code channels:} (see docs/notifications.md): name -> {kind, events, audiences,
     * min_severity, drills}. A URL, token or routing key is refused: a cloned repository never decides where a
     * responder's messages go.
     */
    private static List<ir.model.Channel> channels(ObjectNode n, byte[] bytes, String name, IrConfig c) {
        JsonNode v = n.get("channels");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isObject()) {
            throw wrongType(bytes, name, "a mapping of channel names such as {incidents: {kind: slack}}", v,
                    "channels");
        }
        List<ir.model.Channel> out = new ArrayList<>();
        var it = v.fields();
        while (it.hasNext()) {
            var entry = it.next();
            String ch = entry.getKey();
            JsonNode d = entry.getValue();
            String where = name + ": channels." + ch;
            int line = YamlCodec.get().lineOf(bytes, "channels", ch);
            String at = line > 0 ? " (line " + line + ")" : "";
            if (!ch.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
                throw IrException.usage(where + at + ": a channel name is letters, digits, '-' and '_'");
            }
            if (d != null && d.isTextual() && looksLikeSecret(d.textValue())) {
                throw secretRefused(where + at, ch);
            }
            if (d == null || !d.isObject()) {
                throw IrException.usage(where + at + " must be a mapping such as {kind: slack, events: [declared]}");
            }
            var keys = d.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                if (SECRET_KEYS.contains(k) || looksLikeSecret(d.get(k).isTextual() ? d.get(k).textValue() : "")) {
                    throw secretRefused(where + at, ch);
                }
                if (!CHANNEL_KEYS.contains(k)) {
                    throw IrException.usage(where + at + ": unknown key '" + k + "': use "
                            + String.join(", ", new java.util.TreeSet<>(CHANNEL_KEYS)));
                }
            }
            ir.model.Channel.Kind kind = ir.model.Channel.Kind.of(d.path("kind").asText(null));
            if (kind == null) {
                throw IrException.usage(where + at + ": 'kind' must be one of slack, teams, google-chat, webhook, "
                        + "pagerduty");
            }
            List<String> events = names(d, "events", ir.model.Channel.EVENTS, where + at);
            List<String> audiences = names(d, "audiences", ir.model.Channel.AUDIENCES, where + at);
            String min = null;
            JsonNode m = d.get("min_severity");
            if (m != null && !m.isNull()) {
                if (c.findSeverity(m.asText()).isEmpty()) {
                    throw IrException.usage(where + at + ": min_severity '" + m.asText() + "' is not one of "
                            + c.severityNames());
                }
                min = c.severity(m.asText());
            }
            JsonNode drills = d.get("drills");
            if (drills != null && !drills.isNull() && !drills.isBoolean()) {
                throw IrException.usage(where + at + ": 'drills' is true or false");
            }
            out.add(new ir.model.Channel(ch, kind, events, audiences, min, drills != null && drills.asBoolean()));
        }
        return out;
    }

    private static List<String> names(JsonNode d, String key, List<String> allowed, String where) {
        JsonNode v = d.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw IrException.usage(where + ": '" + key + "' is a list such as [" + allowed.get(0) + "]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            String s = e.asText("").strip().toLowerCase(java.util.Locale.ROOT);
            if (!allowed.contains(s)) {
                throw IrException.usage(where + ": unknown " + key.replaceAll("s$", "") + " '" + e.asText()
                        + "': use " + String.join(", ", allowed));
            }
            out.add(s);
        }
        return out;
    }

    private static boolean looksLikeSecret(String s) {
        String t = s == null ? "" : s.strip().toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("http://") || t.startsWith("https://");
    }

    private static IrException secretRefused(String where, String channel) {
        String env = ir.model.Channel.envPrefix(channel);
        return IrException.usage(where + " names a URL, token or routing key: that belongs in your own "
                + "~/.config/ir/config.yaml (channels: {" + channel + ": {url: ...}}) or " + env + "URL / " + env
                + "ROUTING_KEY, never in the repository; remove it from ir.yaml");

    }

    /** The keys an audience's rule under {@code cadence:} may have. */
    static final java.util.Set<String> CADENCE_KEYS = java.util.Set.of("first", "every", "for", "then",
            "min_severity", "major");

    /**
     * {@code cadence:} per audience (see {@link ir.model.Cadence}): an audience named replaces its default rule,
     * {@code off}/{@code false} removes it; a bad rule is refused by key and line.
     */
    private static ir.model.Cadence cadence(ObjectNode n, byte[] bytes, String name, IrConfig c) {
        ir.model.Cadence defaults = ir.model.Cadence.defaults(c.severities().get(0).name());
        JsonNode v = n.get("cadence");
        if (v == null || v.isNull()) {
            return defaults;
        }
        if (!v.isObject()) {
            throw wrongType(bytes, name, "a mapping of audiences (internal, exec, public) to rules such as "
                    + "{every: 20m}", v, "cadence");
        }
        java.util.Map<String, ir.model.Cadence.Rule> rules = new java.util.LinkedHashMap<>(defaults.rules());
        var fields = v.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            String audience = e.getKey();
            if (!ir.model.Updates.AUDIENCES.contains(audience)) {
                throw badCadence(bytes, name, "unknown audience '" + audience + "': use "
                        + String.join(", ", ir.model.Updates.AUDIENCES), "cadence", audience);
            }
            JsonNode r = e.getValue();
            if (r.isNull() || r.isBoolean() && !r.asBoolean() || r.isTextual() && r.asText().strip().equals("off")) {
                rules.remove(audience);
                continue;
            }
            if (!r.isObject()) {
                throw wrongType(bytes, name, "a rule such as {every: 20m}, or off", r, "cadence", audience);
            }
            var keys = r.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                if (!CADENCE_KEYS.contains(k)) {
                    throw badCadence(bytes, name, "unknown key '" + k + "': use "
                            + String.join(", ", new java.util.TreeSet<>(CADENCE_KEYS)), "cadence", audience, k);
                }
            }
            java.time.Duration every = duration(r, bytes, name, audience, "every");
            if (every == null) {
                throw badCadence(bytes, name, "needs 'every' (e.g. every: 20m)", "cadence", audience);
            }
            String min = null;
            JsonNode m = r.get("min_severity");
            if (m != null && !m.isNull()) {
                min = m.asText().strip();
                if (c.findSeverity(min).isEmpty()) {
                    throw badCadence(bytes, name, "min_severity '" + min + "' is not one of " + c.severityNames(),
                            "cadence", audience, "min_severity");
                }
            }
            rules.put(audience, new ir.model.Cadence.Rule(duration(r, bytes, name, audience, "first"), every,
                    duration(r, bytes, name, audience, "for"), duration(r, bytes, name, audience, "then"), min,
                    r.path("major").asBoolean(false)));
        }
        return new ir.model.Cadence(rules);
    }

    private static java.time.Duration duration(JsonNode rule, byte[] bytes, String name, String audience,
                                               String key) {
        JsonNode v = rule.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        java.time.Duration d = v.isValueNode() ? ir.model.Cadence.parseDuration(v.asText()) : null;
        if (d == null || d.isZero()) {
            throw badCadence(bytes, name, "'" + v.asText() + "' is not a duration: write it as 20m, 2h or 1h30m",
                    "cadence", audience, key);
        }
        return d;
    }

    private static IrException badCadence(byte[] bytes, String name, String problem, String... key) {
        int line = YamlCodec.get().lineOf(bytes, key);
        return new IrException(ExitCode.FAILURE, name + ": '" + String.join(".", key) + "'"
                + (line > 0 ? " at line " + line : "") + ": " + problem);
    }

    /** The keys a rule of {@code triggers:} may have. */
    static final java.util.Set<String> TRIGGER_KEYS = java.util.Set.of("match", "severity", "tags", "title",
            "commander", "ignore", "resolve", "refire");

    /**
     * The routing rules under {@code triggers:} (see docs/alerts.md). A bad rule is refused by its line and what is
     * wrong when ir.yaml is read, rather than skipped: an alert routed by the wrong rule pages the wrong people.
     */
    private static List<ir.model.TriggerRule> triggers(ObjectNode n, byte[] bytes, String name, IrConfig c) {
        JsonNode v = n.get("triggers");
        List<ir.model.TriggerRule> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(bytes, name, "a list of routing rules, each a mapping such as {match: {severity: "
                    + "critical}, severity: SEV-2}", v, "triggers");
        }
        List<Integer> lines = YamlCodec.get().itemLines(bytes, "triggers");
        int k = 0;
        for (JsonNode r : v) {
            int line = k < lines.size() ? lines.get(k) : 0;
            k++;
            String at = name + ": trigger " + k + (line > 0 ? " (line " + line + ")" : "");
            try {
                out.add(trigger(r, line, c));
            } catch (IrException e) {
                throw new IrException(ExitCode.FAILURE, at + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static ir.model.TriggerRule trigger(JsonNode r, int line, IrConfig c) {
        if (!r.isObject()) {
            throw IrException.usage("must be a mapping such as {match: {severity: critical}, severity: SEV-2}");
        }
        java.util.Iterator<String> names = r.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!TRIGGER_KEYS.contains(key)) {
                throw IrException.usage("unknown key '" + key + "': use " + String.join(", ",
                        new java.util.TreeSet<>(TRIGGER_KEYS)));
            }
        }
        List<ir.model.TriggerRule.Matcher> match = new ArrayList<>();
        JsonNode m = r.get("match");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) {
                throw IrException.usage("'match' must be a mapping of labels or fields to values, such as {severity: "
                        + "critical, service: \"~check.*\"}");
            }
            m.fields().forEachRemaining(f -> match.add(ir.model.Triggers.matcher(f.getKey(),
                    IncidentCodec.plain(f.getValue()))));
        }
        String severity = scalar(r, "severity");
        if (severity != null) {
            severity = c.severity(severity);
        }
        List<String> tags = new ArrayList<>();
        JsonNode t = r.get("tags");
        if (t != null && !t.isNull()) {
            if (t.isValueNode()) {
                tags.add(t.asText().strip());
            } else if (t.isArray() && allScalars(t)) {
                t.forEach(x -> tags.add(x.asText().strip()));
            } else {
                throw IrException.usage("'tags' must be a list of tags, such as [paging, checkout]");
            }
            tags.removeIf(String::isEmpty);
        }
        String title = scalar(r, "title");
        if (title != null) {
            ir.model.Triggers.checkTemplate(title);
        }
        String commander = scalar(r, "commander");
        if (commander != null) {
            String problem = ir.model.Person.problem(commander);
            if (problem != null && !ir.model.Person.informal(commander)) {
                throw IrException.usage("'commander' " + problem + ": write it as \"Name <email>\"");
            }
            commander = commander.strip();
        }
        JsonNode ig = r.get("ignore");
        if (ig != null && !ig.isNull() && !ig.isBoolean()) {
            throw IrException.usage("'ignore' must be true or false");
        }
        ir.model.TriggerRule.OnResolve resolve = choice(r, "resolve", ir.model.TriggerRule.OnResolve.class,
                ir.model.TriggerRule.OnResolve.RECORD);
        ir.model.TriggerRule.OnRefire refire = choice(r, "refire", ir.model.TriggerRule.OnRefire.class,
                ir.model.TriggerRule.OnRefire.REOPEN);
        return new ir.model.TriggerRule(line, match, severity, tags, title, commander, ig != null && ig.asBoolean(),
                resolve, refire);
    }

    private static String scalar(JsonNode r, String key) {
        JsonNode v = r.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw IrException.usage("'" + key + "' must be a single value");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E choice(JsonNode r, String key, Class<E> type, E fallback) {
        String v = scalar(r, key);
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.strip())) {
                return e;
            }
        }
        throw IrException.usage("'" + key + "' is '" + v.strip() + "': use " + String.join(" or ",
                java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT))
                        .toList()));
    }

    /** {@code intake: {author: "Name <email>"}}: who alerts are recorded as; null for the built-in default. */
    private static String intakeAuthor(ObjectNode n, byte[] bytes, String name) {
        JsonNode v = n.get("intake");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(bytes, name, "a mapping such as {author: \"Alertmanager <alerts@example.com>\"}", v,
                    "intake");
        }
        JsonNode a = v.get("author");
        if (a == null || a.isNull()) {
            return null;
        }
        String problem = a.isValueNode() ? ir.model.Person.problem(a.asText()) : "is not a single value";
        if (problem != null) {
            int line = YamlCodec.get().lineOf(bytes, "intake", "author");
            throw new IrException(ExitCode.FAILURE, name + ": 'intake.author'" + (line > 0 ? " at line " + line : "")
                    + " " + problem + ": write it as \"Name <email>\", e.g. \"Alertmanager <alerts@example.com>\"");
        }
        return a.asText().strip();
    }

    /**
     * The custom fields under {@code fields:}: each a mapping with a {@code name}, an optional {@code title},
     * {@code kind: text|list} (text when absent) and {@code section: true|false}. A bad declaration is refused by
     * key and line, like a bad severity, rather than dropped: a field that silently vanished would make
     * {@code ir set} refuse it during an incident.
     */
    private static List<IrConfig.Field> fields(ObjectNode n, byte[] bytes, String name) {
        JsonNode v = n.get("fields");
        List<IrConfig.Field> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        String expected = "a list of fields, each a mapping such as {name: database_setup, title: Database setup, "
                + "kind: text, section: true}";
        if (!v.isArray()) {
            throw wrongType(bytes, name, expected, v, "fields");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode f : v) {
            if (!f.isObject() || !f.path("name").isValueNode() || f.path("name").asText("").isBlank()) {
                throw wrongType(bytes, name, expected, f, "fields");
            }
            String fieldName = f.path("name").asText();
            String problem = ir.model.CustomFields.problem(fieldName);
            int line = YamlCodec.get().lineOf(bytes, "fields");
            String at = name + ": field '" + fieldName.strip() + "' in 'fields'" + (line > 0 ? " (line " + line
                    + ")" : "");
            if (problem != null) {
                throw new IrException(ExitCode.FAILURE, at + ": " + problem);
            }
            String key = ir.model.CustomFields.key(fieldName);
            if (!seen.add(key)) {
                throw new IrException(ExitCode.FAILURE, at + " is declared twice: keep one");
            }
            String kindText = f.path("kind").isValueNode() ? f.path("kind").asText("text").strip()
                    .toLowerCase(java.util.Locale.ROOT) : f.has("kind") ? "?" : "text";
            IrConfig.Field.Kind kind = switch (kindText) {
                case "text", "" -> IrConfig.Field.Kind.TEXT;
                case "list" -> IrConfig.Field.Kind.LIST;
                default -> throw new IrException(ExitCode.FAILURE, at + " has kind '" + f.path("kind").asText()
                        + "': use text or list");
            };
            JsonNode title = f.get("title");
            String t = title != null && title.isValueNode() && !title.asText("").isBlank() ? title.asText().strip()
                    : ir.model.CustomFields.defaultTitle(key);
            out.add(new IrConfig.Field(key, t, kind, f.path("section").asBoolean(false)));
        }
        return out;
    }

    /**
     * Refuses a value of the wrong kind, by key and line: silently ignoring {@code severities: hello} would give a
     * workspace the built-in severities without a word.
     */
    private static void checkTypes(ObjectNode n, byte[] bytes, String name) {
        listOfNames(n, bytes, name, "severities", "a list of severities (names, or mappings with a 'name')");
        listOfNames(n, bytes, name, "roles", "a list of roles (names, or mappings with a 'name')");
        listOfNames(n, bytes, name, "statuses", "a list of statuses (names)");
        JsonNode def = n.get("default_severity");
        if (def != null && !def.isNull() && !def.isValueNode()) {
            throw wrongType(bytes, name, "a severity name such as SEV-3", def, "default_severity");
        }
        JsonNode pm = n.get("postmortem");
        if (pm != null && !pm.isNull()) {
            if (!pm.isObject()) {
                throw wrongType(bytes, name, "a mapping (such as 'required_for: [SEV-1, SEV-2]')", pm, "postmortem");
            }
            JsonNode req = pm.get("required_for");
            if (req != null && !req.isNull() && (!req.isArray() || !allScalars(req))) {
                throw wrongType(bytes, name, "a list of severity names", req, "postmortem", "required_for");
            }
        }
    }

    private static void listOfNames(ObjectNode n, byte[] bytes, String name, String key, String expected) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isArray()) {
            throw wrongType(bytes, name, expected, v, key);
        }
        for (JsonNode item : v) {
            boolean ok = item.isObject() ? item.path("name").isValueNode() : item.isValueNode() && !item.isNull();
            if (!ok) {
                throw wrongType(bytes, name, expected, item, key);
            }
        }
    }

    private static boolean allScalars(JsonNode list) {
        for (JsonNode x : list) {
            if (!x.isValueNode() || x.isNull()) {
                return false;
            }
        }
        return true;
    }

    private static IrException wrongType(byte[] bytes, String name, String expected, JsonNode found, String... key) {
        int line = YamlCodec.get().lineOf(bytes, key);
        String what = found.isArray() ? "a list" : found.isObject() ? "a mapping" : found.isNull() ? "an empty value"
                : found.isNumber() ? "a number" : found.isBoolean() ? "true/false" : "a string";
        return new IrException(ExitCode.FAILURE, name + ": '" + String.join(".", key) + "'"
                + (line > 0 ? " at line " + line : "") + " must be " + expected + ", not " + what
                + " (fix it, or restore it with git)");
    }
}
