package ir.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Routing of alert groups by ir.yaml's {@code triggers:}: the first rule whose every matcher holds decides; none
 * matching, the built-in {@link TriggerRule#DEFAULT}. Also builds and checks matchers and title templates, which come
 * from a cloned repository and so are untrusted: patterns are bounded in length and in the work one match may do, and
 * titles are plain substitutions with a bounded output.
 */
public final class Triggers {
    /** The longest pattern accepted in ir.yaml. */
    public static final int MAX_PATTERN = 256;
    /** Values longer than this are cut before a pattern sees them. */
    public static final int MAX_INPUT = 1024;
    /**
     * How many characters one pattern match may read (java.util.regex backtracks by reading characters again): past
     * this, the value does not match. Deterministic, unlike a time limit, so every receiver routes alike.
     */
    public static final long MAX_STEPS = 200_000;
    /** The longest title template, and the longest title it renders (longer is cut). */
    public static final int MAX_TEMPLATE = 500;
    public static final int MAX_TITLE = 200;

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{(\\{?)\\s*([A-Za-z0-9_.\\-]+)\\s*(\\}?)\\}\\}");

    private Triggers() {
    }

    /** The rule that decides for {@code n}: the first of {@code rules} that matches, else the default. */
    public static TriggerRule route(List<TriggerRule> rules, Notification n) {
        for (TriggerRule r : rules) {
            if (matches(r, n)) {
                return r;
            }
        }
        return TriggerRule.DEFAULT;
    }

    public static boolean matches(TriggerRule rule, Notification n) {
        for (TriggerRule.Matcher m : rule.match()) {
            String v = value(n, m.key());
            if (v == null) {
                return false;
            }
            if (m.pattern() != null ? !matches(m.pattern(), v) : !m.values().contains(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value a matcher at {@code key} sees: a bare key is a label of the group, else a top-level field of the
     * payload; a dotted key ({@code commonAnnotations.summary}, {@code data.priority.summary}) is a path into the
     * payload's fields. Null when absent or not a single value.
     */
    public static String value(Notification n, String key) {
        if (!key.contains(".")) {
            String label = n.labels().get(key);
            if (label != null) {
                return label;
            }
        }
        Object v = path(data(n), key);
        return v instanceof Map || v instanceof Collection || v == null ? null : String.valueOf(v);
    }

    /** What templates and dotted keys read: the payload's fields, plus {@code labels}, {@code annotations}, .... */
    public static Map<String, Object> data(Notification n) {
        Map<String, Object> d = new java.util.LinkedHashMap<>(n.fields());
        d.putIfAbsent("labels", n.labels());
        d.putIfAbsent("annotations", n.annotations());
        d.putIfAbsent("source", n.source());
        d.putIfAbsent("group", n.groupKey());
        d.putIfAbsent("status", n.status());
        d.putIfAbsent("title", n.title());
        return d;
    }

    private static Object path(Map<String, Object> data, String key) {
        Object cur = data;
        for (String part : key.split("\\.", -1)) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    /** Whether {@code pattern} matches all of {@code value} (cut to {@link #MAX_INPUT}) within {@link #MAX_STEPS}. */
    public static boolean matches(Pattern pattern, String value) {
        String v = value.length() > MAX_INPUT ? value.substring(0, MAX_INPUT) : value;
        try {
            return pattern.matcher(new Budgeted(v)).matches();
        } catch (OverBudget | StackOverflowError e) {
            // Too much work for one value (catastrophic backtracking, or a deeply nested pattern): no match.
            return false;
        }
    }

    /**
     * A matcher from ir.yaml: {@code value} a string (exact; {@code ~regex} a pattern matched against the whole value),
     * a number or boolean (exact, as written), or a list of those (any of them). Throws a usage error saying what is
     * wrong (the caller adds where).
     */
    public static TriggerRule.Matcher matcher(String key, Object value) {
        if (key == null || key.isBlank()) {
            throw IrException.usage("a match key is empty");
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw IrException.usage("match '" + key + "' has an empty list: give the values it may have");
            }
            List<String> values = new ArrayList<>();
            for (Object o : list) {
                if (o == null || o instanceof Map || o instanceof List) {
                    throw IrException.usage("match '" + key + "' must list plain values, such as [critical, page]");
                }
                values.add(String.valueOf(o));
            }
            return new TriggerRule.Matcher(key, values, null);
        }
        if (value == null || value instanceof Map) {
            throw IrException.usage("match '" + key + "' must be a value, '~regex' or a list of values");
        }
        String s = String.valueOf(value);
        if (s.startsWith("~")) {
            return new TriggerRule.Matcher(key, List.of(), pattern(key, s.substring(1)));
        }
        return new TriggerRule.Matcher(key, List.of(s), null);
    }

    private static Pattern pattern(String key, String regex) {
        if (regex.length() > MAX_PATTERN) {
            throw IrException.usage("match '" + key + "' has a pattern of " + regex.length() + " characters, over "
                    + "the limit of " + MAX_PATTERN);
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw IrException.usage("match '" + key + "' has an invalid pattern: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }

    /** Checks a title template: only {@code {{name}}} variables, at most {@link #MAX_TEMPLATE} characters. */
    public static String checkTemplate(String template) {
        if (template.length() > MAX_TEMPLATE) {
            throw IrException.usage("the title template has " + template.length() + " characters, over the limit of "
                    + MAX_TEMPLATE);
        }
        String rest = VARIABLE.matcher(template).replaceAll("");
        if (rest.contains("{{")) {
            throw IrException.usage("the title template may only use variables such as {{commonLabels.alertname}}: "
                    + "no sections, partials or other tags");
        }
        return template;
    }

    /**
     * Renders a title template: each {@code {{a.b}}} (or {@code {{{a.b}}}}) becomes the value at that path of
     * {@link #data}, a missing one nothing; a list its items joined by ", ". Line breaks become spaces and the result is
     * cut to {@link #MAX_TITLE} characters. Blank when the template renders nothing.
     */
    public static String title(String template, Notification n) {
        Map<String, Object> data = data(n);
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            Object v = path(data, m.group(2));
            if (v instanceof Collection<?> c) {
                out.append(String.join(", ", c.stream().map(String::valueOf).toList()));
            } else if (v != null && !(v instanceof Map)) {
                out.append(v);
            }
            last = m.end();
            if (out.length() > MAX_TITLE * 4) {
                break;
            }
        }
        if (last < template.length() && out.length() <= MAX_TITLE * 4) {
            out.append(template, last, template.length());
        }
        return oneLine(out.toString());
    }

    /** One line, trimmed, at most {@link #MAX_TITLE} characters. */
    public static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return t.length() > MAX_TITLE ? t.substring(0, MAX_TITLE).strip() : t;
    }

    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }

    /** A string that stops a match reading it more than {@link #MAX_STEPS} times. */
    private static final class Budgeted implements CharSequence {
        private final String s;
        private final long[] steps;

        Budgeted(String s) {
            this(s, new long[1]);
        }

        private Budgeted(String s, long[] steps) {
            this.s = s;
            this.steps = steps;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (++steps[0] > MAX_STEPS) {
                throw new OverBudget();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(s.substring(start, end), steps);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
