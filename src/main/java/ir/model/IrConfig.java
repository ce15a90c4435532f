package ir.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A workspace's {@code ir.yaml}: the severity levels, roles and statuses a team uses, its custom fields, and how
 * alerts become incidents ({@code triggers:}, and the identity alerts are recorded as, {@code intake.author}), where
 * notifications go ({@code channels:}) and how often each audience hears about an incident ({@code cadence:}).
 */
public record IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                       List<String> postmortemRequiredFor, List<Field> fields, List<TriggerRule> triggers,
                       String intakeAuthor, List<Channel> channels, Cadence cadence, List<IncidentType> types) {

    /** A configuration without incident types. */
    public IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                    List<String> postmortemRequiredFor, List<Field> fields, List<TriggerRule> triggers,
                    String intakeAuthor, List<Channel> channels, Cadence cadence) {
        this(defaultSeverity, severities, roles, statuses, postmortemRequiredFor, fields, triggers, intakeAuthor,
                channels, cadence, List.of());
    }

    /** A configuration with the default update cadence ({@link Cadence#defaults}). */
    public IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                    List<String> postmortemRequiredFor, List<Field> fields, List<TriggerRule> triggers,
                    String intakeAuthor, List<Channel> channels) {
        this(defaultSeverity, severities, roles, statuses, postmortemRequiredFor, fields, triggers, intakeAuthor,
                channels, null);
    }

    /** Who alert events and their commits are attributed to when ir.yaml names nobody ({@code intake.author}). */
    public static final String DEFAULT_INTAKE_AUTHOR = "ir intake <intake@localhost>";

    /** A configuration without channels. */
    public IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                    List<String> postmortemRequiredFor, List<Field> fields, List<TriggerRule> triggers,
                    String intakeAuthor) {
        this(defaultSeverity, severities, roles, statuses, postmortemRequiredFor, fields, triggers, intakeAuthor,
                List.of());
    }

    /** A configuration without triggers. */
    public IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                    List<String> postmortemRequiredFor, List<Field> fields) {
        this(defaultSeverity, severities, roles, statuses, postmortemRequiredFor, fields, List.of(), null);
    }

    /** A configuration without custom fields. */
    public IrConfig(String defaultSeverity, List<Severity> severities, List<Role> roles, List<String> statuses,
                    List<String> postmortemRequiredFor) {
        this(defaultSeverity, severities, roles, statuses, postmortemRequiredFor, List.of());
    }

    /** A severity level; the list order is most to least severe; {@code checklist}: steps every such incident takes. */
    public record Severity(String name, String description, boolean major, List<Step> checklist) {
        public Severity {
            checklist = checklist == null ? List.of() : List.copyOf(checklist);
        }

        public Severity(String name, String description, boolean major) {
            this(name, description, major, List.of());
        }
    }

    /**
     * A response role; {@code multiple} roles (such as {@code sme}) may be held by several people; {@code checklist}:
     * the steps of whoever takes it.
     */
    public record Role(String name, String title, String description, boolean multiple, List<Step> checklist) {
        public Role {
            checklist = checklist == null ? List.of() : List.copyOf(checklist);
        }

        public Role(String name, String title, String description, boolean multiple) {
            this(name, title, description, multiple, List.of());
        }
    }

    /**
     * One step of a checklist in ir.yaml: {@code id} (given, or derived from the text, see {@link Checklists#slug}),
     * the text, and {@code within} (null: no due time), counted from the declaration or from taking the role.
     */
    public record Step(String id, String text, java.time.Duration within) {
        public Step {
            java.util.Objects.requireNonNull(id, "id");
            java.util.Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A kind of incident under {@code types:} ({@code outage}, {@code security}, ...): what it is, the severity it is
     * declared at when none is given (null: ir.yaml's default), its checklist, runbook links, and the post-mortem and
     * update templates it uses instead of the built-in ones (null: the built-in ones).
     */
    public record IncidentType(String name, String description, String severity, List<Step> checklist,
                               List<String> runbooks, String postmortemTemplate, String updateTemplate) {
        public IncidentType {
            checklist = checklist == null ? List.of() : List.copyOf(checklist);
            runbooks = runbooks == null ? List.of() : List.copyOf(runbooks);
        }
    }

    /**
     * A custom field a team declares under {@code fields:} (see {@link CustomFields}): stored as the top-level key
     * {@code name} of the incident file, filled with {@code ir set} ({@code TEXT}) or {@code ir add} ({@code LIST}),
     * and rendered as a post-mortem section of its own when {@code section} is true.
     */
    public record Field(String name, String title, Kind kind, boolean section) {
        /** How a field holds its value: one (multi-line) text, or a list of entries. */
        public enum Kind {
            TEXT, LIST;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /** The command-line spelling: {@code database_setup} is typed {@code database-setup}. */
        public String option() {
            return name.replace('_', '-');
        }
    }

    public static final String INVESTIGATING = "investigating";
    public static final String IDENTIFIED = "identified";
    public static final String MONITORING = "monitoring";
    public static final String RESOLVED = "resolved";
    public static final String CLOSED = "closed";
    /**
     * Built in, whatever ir.yaml lists: an incident declared by mistake or twice ({@code ir cancel}). Terminal like
     * {@code resolved}, but never part of the response lifecycle, so an older ir.yaml need not name it.
     */
    public static final String CANCELED = "canceled";

    public IrConfig {
        severities = List.copyOf(severities);
        roles = List.copyOf(roles);
        statuses = List.copyOf(statuses);
        postmortemRequiredFor = List.copyOf(postmortemRequiredFor);
        fields = fields == null ? List.of() : List.copyOf(fields);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        channels = channels == null ? List.of() : List.copyOf(channels);
        types = types == null ? List.of() : List.copyOf(types);
        intakeAuthor = intakeAuthor == null || intakeAuthor.isBlank() ? DEFAULT_INTAKE_AUTHOR : intakeAuthor.strip();
        if (severities.isEmpty()) {
            throw IrException.usage("ir.yaml defines no severities: add a 'severities' list");
        }
        if (statuses.isEmpty()) {
            throw IrException.usage("ir.yaml defines no statuses: add a 'statuses' list");
        }
        cadence = cadence == null ? Cadence.defaults(severities.get(0).name()) : cadence;
    }

    /** The status a new incident starts in. */
    public String initialStatus() {
        return statuses.get(0);
    }

    public Optional<Severity> findSeverity(String name) {
        return severities.stream().filter(s -> s.name().equalsIgnoreCase(name.trim())).findFirst();
    }

    /** The canonical spelling of a severity, or a usage error that lists the valid ones. */
    public String severity(String name) {
        if (name == null || name.isBlank()) {
            return severity(defaultSeverity);
        }
        String n = name.trim();
        Optional<Severity> found = findSeverity(n);
        if (found.isEmpty() && n.matches("\\d+")) {
            // "2" is a common shorthand for SEV-2.
            found = severities.stream().filter(s -> s.name().replaceAll("\\D", "").equals(n)).findFirst();
        }
        return found.map(Severity::name).orElseThrow(() -> IrException.usage(
                "unknown severity '" + n + "': use one of " + severityNames() + " (defined in ir.yaml)"));
    }

    /** Index in the severity list: lower is more severe. */
    public int rank(String severity) {
        for (int i = 0; i < severities.size(); i++) {
            if (severities.get(i).name().equalsIgnoreCase(severity)) {
                return i;
            }
        }
        return severities.size();
    }

    public String severityNames() {
        return severities.stream().map(Severity::name).collect(Collectors.joining(", "));
    }

    public Optional<Role> findRole(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return roles.stream().filter(r -> r.name().equalsIgnoreCase(n)).findFirst();
    }

    /** The role definition, or a usage error that lists the valid ones. */
    public Role role(String name) {
        return findRole(name).orElseThrow(() -> IrException.usage("unknown role '" + name.trim() + "': use one of "
                + roles.stream().map(Role::name).collect(Collectors.joining(", ")) + " (defined in ir.yaml)"));
    }

    /** The canonical status, or a usage error that lists the valid ones. */
    public String status(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals(CANCELED) && !statuses.contains(CANCELED)) {
            return CANCELED;
        }
        return statuses.stream().filter(s -> s.equalsIgnoreCase(n)).findFirst().orElseThrow(() -> IrException.usage(
                "unknown status '" + name.trim() + "': use one of " + String.join(", ", statuses)));
    }

    /** The declared custom field {@code name} ({@code database-setup} or {@code database_setup}), if any. */
    public Optional<Field> findField(String name) {
        String n = CustomFields.key(name);
        return fields.stream().filter(f -> f.name().equals(n)).findFirst();
    }

    /** The incident type ir.yaml names {@code name} (case-insensitive), if any. */
    public Optional<IncidentType> findType(String name) {
        String n = name == null ? "" : name.strip();
        return types.stream().filter(t -> t.name().equalsIgnoreCase(n)).findFirst();
    }

    /** The canonical incident type, or a usage error that lists the valid ones. */
    public IncidentType type(String name) {
        return findType(name).orElseThrow(() -> IrException.usage("unknown incident type '"
                + (name == null ? "" : name.strip()) + "': " + (types.isEmpty() ? "ir.yaml defines no 'types'"
                : "use one of " + types.stream().map(IncidentType::name).collect(Collectors.joining(", ")))
                + " (defined in ir.yaml)"));
    }

    /** The channel ir.yaml names {@code name}, if any. */
    public Optional<Channel> findChannel(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public boolean postmortemRequired(String severity) {
        return postmortemRequiredFor.stream().anyMatch(s -> s.equalsIgnoreCase(severity));
    }
}
