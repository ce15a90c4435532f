package ir.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often each audience hears about an open incident ({@code ir.yaml} {@code cadence:}), checked by {@code ir check}.
 * The defaults follow the PagerDuty incident response guide: the first public post within 5 minutes of declaration,
 * then every 20 minutes for the first two hours (then hourly), for major incidents; executives every 30 minutes on
 * the most severe level. Internal updates have no cadence unless a team sets one.
 * <pre>
 * cadence:
 *   public: {first: 5m, every: 20m, for: 2h, then: 1h, major: true}
 *   exec: {every: 30m, min_severity: SEV-1}
 *   internal: {every: 1h}
 * </pre>
 * An audience set to {@code off} (or {@code false}) has no cadence; an audience not named keeps its default.
 */
public record Cadence(Map<String, Rule> rules) {

    /**
     * One audience's rule. {@code first}: the first update is due this long after declaration (default: {@code every});
     * {@code every}: then this long after the last one, while the incident is younger than {@code for} (null: for
     * ever); {@code then}: the interval after that (null: none due); {@code minSeverity}: only for incidents at least
     * this severe; {@code major}: only for major incidents.
     */
    public record Rule(Duration first, Duration every, Duration forDuration, Duration then, String minSeverity,
                       boolean major) {
        public Rule {
            if (every == null || every.isNegative() || every.isZero()) {
                throw IrException.usage("a cadence needs 'every' (e.g. every: 20m)");
            }
            first = first == null ? every : first;
        }

        /** The interval after the last update at {@code sinceDeclared} after declaration, or null when none is due. */
        public Duration interval(Duration sinceDeclared) {
            if (forDuration == null || sinceDeclared.compareTo(forDuration) < 0) {
                return every;
            }
            return then;
        }

        /** Whether the rule applies to an incident of {@code severity}. */
        public boolean appliesTo(String severity, IrConfig config) {
            if (major && !config.findSeverity(severity == null ? "" : severity)
                    .map(IrConfig.Severity::major).orElse(false)) {
                return false;
            }
            if (minSeverity != null) {
                int limit = config.rank(minSeverity);
                return severity != null && config.findSeverity(severity).isPresent()
                        && config.rank(severity) <= limit;
            }
            return true;
        }
    }

    public Cadence {
        rules = Map.copyOf(rules);
    }

    /** The PagerDuty guide's cadence; {@code mostSevere} is the first severity of ir.yaml (SEV-1 by default). */
    public static Cadence defaults(String mostSevere) {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put(Updates.PUBLIC, new Rule(Duration.ofMinutes(5), Duration.ofMinutes(20), Duration.ofHours(2),
                Duration.ofHours(1), null, true));
        r.put(Updates.EXEC, new Rule(null, Duration.ofMinutes(30), null, null, mostSevere, false));
        return new Cadence(r);
    }

    /** The rule for {@code audience}, or null when it has no cadence. */
    public Rule rule(String audience) {
        return rules.get(audience);
    }

    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,4})d)?(?:(\\d{1,5})h)?(?:(\\d{1,6})m)?"
            + "(?:(\\d{1,7})s)?");

    /** {@code 20m}, {@code 2h}, {@code 1h30m}, {@code 1d}, {@code 45s}; null when {@code text} is not one. */
    public static Duration parseDuration(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        Matcher m = DURATION.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            return null;
        }
        Duration d = Duration.ZERO;
        if (m.group(1) != null) {
            d = d.plusDays(Long.parseLong(m.group(1)));
        }
        if (m.group(2) != null) {
            d = d.plusHours(Long.parseLong(m.group(2)));
        }
        if (m.group(3) != null) {
            d = d.plusMinutes(Long.parseLong(m.group(3)));
        }
        if (m.group(4) != null) {
            d = d.plusSeconds(Long.parseLong(m.group(4)));
        }
        return d;
    }

    /** The spelling {@link #parseDuration} reads back: {@code 5m}, {@code 1h30m}, {@code 1d}, {@code 45s}. */
    public static String formatDuration(Duration d) {
        StringBuilder s = new StringBuilder();
        long secs = d.getSeconds();
        long[] parts = {secs / 86400, secs % 86400 / 3600, secs % 3600 / 60, secs % 60};
        String[] units = {"d", "h", "m", "s"};
        for (int k = 0; k < parts.length; k++) {
            if (parts[k] > 0) {
                s.append(parts[k]).append(units[k]);
            }
        }
        return s.length() == 0 ? "0s" : s.toString();
    }
}
