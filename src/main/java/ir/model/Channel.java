package ir.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A channel named under {@code channels:} in ir.yaml: where notifications of which events go. The repository names
 * channels and rules only; the endpoint (URL, routing key) comes from the responder's own config.
 *
 * @param name        the name ir.yaml gives it (also the key of the user's config and of {@code IR_CHANNEL_<NAME>_URL})
 * @param kind        the service it is
 * @param events      the event types it receives (see {@link #EVENTS}); for PagerDuty, pages and their resolution
 * @param audiences   the update audiences it receives ({@code internal}, {@code exec}, {@code public})
 * @param minSeverity the least severe severity it hears about, or null for all
 * @param drills      whether drills are sent to it
 */
public record Channel(String name, Kind kind, List<String> events, List<String> audiences, String minSeverity,
                      boolean drills) {

    /** The lifecycle events a channel may subscribe to. */
    public static final List<String> EVENTS = List.of("declared", "severity", "role", "status", "resolved", "update");
    /** The update audiences. */
    public static final List<String> AUDIENCES = List.of("internal", "exec", "public");
    /** Events a channel receives when ir.yaml lists none. */
    public static final List<String> DEFAULT_EVENTS = List.of("declared", "severity", "status", "resolved", "update");

    /** The services ir formats messages for. */
    public enum Kind {
        SLACK("slack"), TEAMS("teams"), GOOGLE_CHAT("google-chat"), WEBHOOK("webhook"), PAGERDUTY("pagerduty");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Kind of(String s) {
            String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (k.label.equals(n)) {
                    return k;
                }
            }
            return null;
        }
    }

    public Channel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        events = List.copyOf(events == null ? DEFAULT_EVENTS : events);
        audiences = List.copyOf(audiences == null ? AUDIENCES : audiences);
    }

    /** The environment variable names for its endpoint: {@code IR_CHANNEL_<NAME>_} + {@code URL}/{@code ROUTING_KEY}. */
    public static String envPrefix(String name) {
        return "IR_CHANNEL_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /**
     * Whether this channel wants a lifecycle event of {@code type} ({@link #EVENTS}) of an incident of
     * {@code severity}, with {@code audience} for an update (null otherwise).
     */
    public boolean wants(IrConfig config, String type, String audience, String severity, boolean drill) {
        if (drill && !drills) {
            return false;
        }
        if (kind == Kind.PAGERDUTY) {
            return false; // pages only: see Messages
        }
        if (!events.contains(type)) {
            return false;
        }
        if ("update".equals(type) && !audiences.contains(audience == null ? "internal" : audience)) {
            return false;
        }
        return minSeverity == null || config.rank(severity) <= config.rank(minSeverity);
    }

    /** The set of event names accepted in ir.yaml, for messages. */
    public static Set<String> eventNames() {
        return Set.copyOf(EVENTS);
    }
}
