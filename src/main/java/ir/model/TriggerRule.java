package ir.model;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One routing rule of ir.yaml's {@code triggers:} (see {@link Triggers}): what it matches, then what it sets on the
 * incident an alert group opens, or that the group is ignored. A rule without {@code match} matches everything.
 *
 * @param line      where the rule is in ir.yaml (for messages), 0 when unknown
 * @param match     every matcher must hold
 * @param severity  the severity of an incident the group opens (canonical), or null for the default
 * @param title     a title template ({@link Triggers#title}), or null for the payload's own title
 * @param commander who to make Incident Commander of an incident the group opens, or null
 * @param ignore    the group opens and feeds nothing
 * @param resolve   what happens when every alert of the group has resolved
 * @param refire    what a group firing again after its incident was resolved does
 */
public record TriggerRule(int line, List<Matcher> match, String severity, List<String> tags, String title,
                          String commander, boolean ignore, OnResolve resolve, OnRefire refire) {

    /** The rule used when no rule of ir.yaml matches: the default severity, resolutions recorded, refires reopen. */
    public static final TriggerRule DEFAULT = new TriggerRule(0, List.of(), null, List.of(), null, null, false,
            OnResolve.RECORD, OnRefire.REOPEN);

    public TriggerRule {
        match = match == null ? List.of() : List.copyOf(match);
        tags = tags == null ? List.of() : List.copyOf(tags);
        resolve = resolve == null ? OnResolve.RECORD : resolve;
        refire = refire == null ? OnRefire.REOPEN : refire;
    }

    /** When every alert of a group has resolved: only {@code record} it, {@code mitigate} or {@code resolve}. */
    public enum OnResolve {
        RECORD, MITIGATE, RESOLVE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A group firing again after its incident was resolved: {@code reopen} that incident or open a {@code new} one. */
    public enum OnRefire {
        REOPEN, NEW;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One condition: the value at {@code key} (a label, or a dotted field path) equals one of {@code values}, or, with
     * a {@code pattern}, matches it as a whole.
     */
    public record Matcher(String key, List<String> values, Pattern pattern) {
        public Matcher {
            values = values == null ? List.of() : List.copyOf(values);
        }

        /** As written in ir.yaml, for messages. */
        public String show() {
            return key + ": " + (pattern != null ? "~" + pattern.pattern()
                    : values.size() == 1 ? values.get(0) : values.toString());
        }
    }

    /** Where this rule is, for messages: {@code the rule at line 12} or {@code the default rule}. */
    public String where() {
        return line > 0 ? "the trigger at ir.yaml line " + line : this == DEFAULT ? "the default rule" : "a trigger";
    }
}
