package ir.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom fields: what a team declares under {@code fields:} in {@code ir.yaml} (a "database setup" or "publication of
 * the incident" section its post-mortems need). Their values are top-level keys of the incident file, kept in
 * {@link Incident#extra()} like every key the model has no record component for, so they survive rewrites by any
 * version of ir and merge key by key (see {@link IncidentMerge}).
 */
public final class CustomFields {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    /**
     * Top-level keys a custom field may not take: those of the incident file, and those ir keeps in {@code extra}
     * itself (the post-mortem's review state, impact windows, the data-loss window, cancellation).
     */
    public static final Set<String> RESERVED;

    static {
        Set<String> r = new LinkedHashSet<>(List.of("schema", "id", "title", "severity", "status", "drill", "roles",
                "actions", "timeline", Postmortems.KEY, "impact_windows", "data_loss", "type", "checklist",
                "canceled", "cancel_reason", "duplicate_of", AlertMapping.KEY, Drill.KEY, Drill.SCORE));
        for (Milestone m : Milestone.values()) {
            r.add(m.key());
        }
        for (TextField f : TextField.values()) {
            r.add(f.key());
        }
        for (ListField f : ListField.values()) {
            r.add(f.key());
        }
        RESERVED = java.util.Collections.unmodifiableSet(r);
    }

    private CustomFields() {
    }

    /** The key a field name stands for: {@code Database-Setup} is {@code database_setup}. */
    public static String key(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Why {@code name} cannot be a custom field's name, or null when it can. */
    public static String problem(String name) {
        String k = key(name);
        if (!NAME.matcher(k).matches()) {
            return "a field name is a lowercase letter then letters, digits, '_' or '-' (at most 40), such as "
                    + "database_setup";
        }
        if (RESERVED.contains(k)) {
            return "'" + k + "' is a key ir itself uses in the incident file: choose another name";
        }
        return null;
    }

    /** The title a field gets when ir.yaml gives none: {@code database_setup} is "Database setup". */
    public static String defaultTitle(String name) {
        String t = key(name).replace('_', ' ').strip();
        return t.isEmpty() ? t : Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    /** A text field's value, or null when it has none (a list written by hand is read as its lines). */
    public static String text(Incident incident, IrConfig.Field field) {
        Object v = incident.extra().get(field.name());
        if (v == null) {
            return null;
        }
        String s = v instanceof Collection<?> c ? String.join("\n", strings(c)) : String.valueOf(v);
        return s.isBlank() ? null : s;
    }

    /** A list field's entries (a single text written by hand is read as one entry). */
    public static List<String> list(Incident incident, IrConfig.Field field) {
        Object v = incident.extra().get(field.name());
        if (v == null) {
            return List.of();
        }
        if (v instanceof Collection<?> c) {
            return strings(c);
        }
        String s = String.valueOf(v);
        return s.isBlank() ? List.of() : List.of(s);
    }

    private static List<String> strings(Collection<?> c) {
        List<String> out = new ArrayList<>();
        for (Object x : c) {
            if (x != null && !(x instanceof Map<?, ?>) && !(x instanceof Collection<?>) && !String.valueOf(x).isBlank()) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }

    /** The incident with a text field set (a blank value removes the key). */
    public static Incident withText(Incident incident, IrConfig.Field field, String value) {
        return with(incident, field, value == null || value.isBlank() ? null : value);
    }

    /** The incident with a list field's entries (an empty list removes the key). */
    public static Incident withList(Incident incident, IrConfig.Field field, List<String> values) {
        return with(incident, field, values == null || values.isEmpty() ? null : List.copyOf(values));
    }

    private static Incident with(Incident incident, IrConfig.Field field, Object value) {
        Map<String, Object> extra = new LinkedHashMap<>(incident.extra());
        if (value == null) {
            extra.remove(field.name());
        } else {
            extra.put(field.name(), value);
        }
        return incident.withExtra(extra);
    }

    /**
     * The top-level keys of {@code incident} that are neither declared in ir.yaml nor used by ir: kept as they are,
     * but most likely a typo or a field a newer ir (or another team's ir.yaml) wrote.
     */
    public static List<String> undeclared(Incident incident, IrConfig config) {
        List<String> out = new ArrayList<>();
        for (String k : incident.extra().keySet()) {
            if (!RESERVED.contains(k) && config.findField(k).isEmpty()) {
                out.add(k);
            }
        }
        return out;
    }

    /** The declared fields, as typed on the command line, for messages: "database-setup (text), ...". */
    public static String describe(IrConfig config, IrConfig.Field.Kind kind) {
        List<String> names = new ArrayList<>();
        for (IrConfig.Field f : config.fields()) {
            if (kind == null || f.kind() == kind) {
                names.add(f.option());
            }
        }
        return String.join(", ", names);
    }
}
