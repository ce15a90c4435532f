package ir.render;

import ir.model.ActionItem;
import ir.model.Incident;
import ir.model.IncidentMerge;
import ir.model.IrConfig;
import ir.model.Person;
import ir.model.TimelineEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public rendering of a post-mortem ({@code ir postmortem --redact}): every responder appears as the role they
 * held ("Incident Commander", "Scribe") when they alone held it, else by their initials ("CC"), wherever the
 * document names them (roles, authors, the timeline, action owners, free text, custom fields); and every e-mail
 * address is dropped, whoever it belongs to. It works on the template data, so every template, built-in or the
 * team's own, gets it, and sweeps the rendered text once more for addresses a template itself holds.
 */
public final class Redaction {
    /** An e-mail address, with the angle brackets of {@code Name <email>} when it has them. */
    public static final Pattern EMAIL = Pattern.compile(
            "\\s?<\\s*[^<>\\s@]+@[^<>\\s@]+\\s*>|[A-Za-z0-9._%+'!#$&*=?^`{}~/-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");
    static final String REMOVED = "[address removed]";
    private static final Pattern ECHO = Pattern.compile("(?i)\\b(\\p{L}+ )?(\\p{L}+) (?:is|joins as) \\2\\b");

    private final Pattern people;
    private final Map<String, String> labels;

    private Redaction(Pattern people, Map<String, String> labels) {
        this.people = people;
        this.labels = labels;
    }

    /** The post-mortem of {@code incident} rendered with {@code source}, redacted. */
    public static String render(Incident incident, IrConfig config, Templates templates, Templates.Source source,
                                Instant now) {
        Redaction r = of(incident, config);
        return dropAddresses(templates.render(source, r.view(PostmortemView.of(incident, config, now))));
    }

    /** The redaction for the people of {@code incident}. */
    public static Redaction of(Incident incident, IrConfig config) {
        List<Responder> responders = responders(incident, config);
        Map<String, String> labels = new HashMap<>();
        Map<String, Set<String>> wordOwners = new HashMap<>();
        for (Responder p : responders) {
            for (String w : p.name.split("[^\\p{L}\\p{N}'-]+")) {
                if (w.length() >= 3 && Character.isUpperCase(w.charAt(0))) {
                    wordOwners.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(p.key);
                }
            }
        }
        Set<String> needles = new TreeSet<>(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (Responder p : responders) {
            for (String s : p.written) {
                String w = s.strip();
                labels.put(w, p.label);
                needles.add(w);
            }
            if (p.name.length() >= 2 && !p.name.contains("@")) {
                labels.put(p.name, p.label);
                needles.add(p.name);
            }
            if (p.email != null) {
                labels.put(p.email.toLowerCase(Locale.ROOT), p.label);
                needles.add(p.email);
            }
        }
        // A single name word ("Bob forgot ...") stands for its owner, when only one responder has it.
        wordOwners.forEach((w, owners) -> {
            if (owners.size() == 1) {
                String key = owners.iterator().next();
                responders.stream().filter(p -> p.key.equals(key)).findFirst().ifPresent(p -> {
                    labels.putIfAbsent(w, p.label);
                    needles.add(w);
                });
            }
        });
        if (needles.isEmpty()) {
            return new Redaction(null, labels);
        }
        StringBuilder alt = new StringBuilder();
        for (String n : needles) {
            alt.append(alt.length() == 0 ? "" : "|").append(n.contains("@") ? "(?i:" + Pattern.quote(n) + ")"
                    : Pattern.quote(n));
        }
        return new Redaction(Pattern.compile("(?<![\\p{L}\\p{N}@._-])(?:" + alt + ")(?![\\p{L}\\p{N}@])"), labels);
    }

    /** Every string of the template data redacted (keys and non-text values unchanged). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> view(Map<String, Object> data) {
        return (Map<String, Object>) redactValue(data);
    }

    private Object redactValue(Object v) {
        if (v instanceof String s) {
            return text(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), redactValue(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(redactValue(x)));
            return out;
        }
        return v;
    }

    /** One text with every responder replaced by their label and every e-mail address dropped. */
    public String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String t = s;
        if (people != null) {
            Matcher m = people.matcher(t);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String hit = m.group();
                String label = labels.getOrDefault(hit, labels.getOrDefault(hit.toLowerCase(Locale.ROOT), hit));
                m.appendReplacement(b, Matcher.quoteReplacement(label));
            }
            m.appendTail(b);
            // "Bob <bob@...> is scribe" became "Scribe is scribe": say it once.
            t = ECHO.matcher(b.toString()).replaceAll("$1$2 assigned");
        }
        return dropAddresses(t);
    }

    /** Drops every e-mail address: {@code Name <email>} keeps the name, a bare address becomes a marker. */
    public static String dropAddresses(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = EMAIL.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, m.group().strip().startsWith("<") ? "" : Matcher.quoteReplacement(REMOVED));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** A person as the incident names them, and the label that stands for them in public. */
    private static final class Responder {
        final String key;
        final String name;
        final String email;
        final Set<String> written = new LinkedHashSet<>();
        final Set<String> roles = new LinkedHashSet<>();
        String label;

        Responder(String key, String name, String email) {
            this.key = key;
            this.name = name;
            this.email = email;
        }
    }

    private static List<Responder> responders(Incident incident, IrConfig config) {
        Map<String, Responder> byKey = new LinkedHashMap<>();
        Map<String, String> keyByName = new HashMap<>();
        List<String[]> mentions = new ArrayList<>();
        incident.roles().forEach((role, people) -> people.forEach(p -> mentions.add(new String[] {p, role})));
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (TimelineEvent.ROLE.equals(e.type()) && e.attr("role") != null) {
                for (String side : new String[] {e.attr("from"), e.attr("to")}) {
                    for (String p : split(side)) {
                        mentions.add(new String[] {p, e.attr("role")});
                    }
                }
            }
        }
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (e.author() != null && !IncidentMerge.MERGE_AUTHOR.equals(e.author())) {
                mentions.add(new String[] {e.author(), null});
            }
        }
        for (ActionItem a : incident.actions()) {
            if (a.owner() != null) {
                mentions.add(new String[] {a.owner(), null});
            }
        }
        // People with an address first, so a bare "Alice Responder" joins "Alice Responder <alice@...>".
        mentions.sort(Comparator.comparing((String[] m) -> email(m[0]) == null));
        for (String[] m : mentions) {
            String written = m[0].strip();
            if (written.isEmpty()) {
                continue;
            }
            String email = email(written);
            String name = Person.name(written).replaceAll(EMAIL.pattern(), "").strip();
            String key = email != null ? email.toLowerCase(Locale.ROOT)
                    : keyByName.getOrDefault(name.toLowerCase(Locale.ROOT), "name:" + name.toLowerCase(Locale.ROOT));
            Responder r = byKey.computeIfAbsent(key, k -> new Responder(k, name, email));
            keyByName.putIfAbsent(name.toLowerCase(Locale.ROOT), key);
            r.written.add(written);
            if (m[1] != null) {
                r.roles.add(m[1]);
            }
        }
        List<String> order = new ArrayList<>();
        config.roles().forEach(role -> order.add(role.name()));
        Map<String, Integer> holders = new HashMap<>();
        for (Responder r : byKey.values()) {
            r.roles.forEach(role -> holders.merge(role, 1, Integer::sum));
        }
        Set<String> taken = new LinkedHashSet<>();
        for (Responder r : byKey.values()) {
            String role = r.roles.stream().min(Comparator.comparingInt(x -> order.contains(x) ? order.indexOf(x)
                    : order.size())).orElse(null);
            String label = role != null && holders.get(role) == 1 ? config.findRole(role).map(IrConfig.Role::title)
                    .filter(t -> !t.isBlank()).orElse(role) : initials(r);
            String unique = label;
            for (int n = 2; !taken.add(unique); n++) {
                unique = label + " " + n;
            }
            r.label = unique;
        }
        return new ArrayList<>(byKey.values());
    }

    /** "Carol Chen" is CC, "alice.r@example.com" is AR. */
    private static String initials(Responder r) {
        String source = r.name.isBlank() || r.name.contains("@")
                ? (r.email == null ? r.name : r.email.substring(0, r.email.indexOf('@'))) : r.name;
        StringBuilder b = new StringBuilder();
        for (String w : source.split("[^\\p{L}]+")) {
            if (!w.isEmpty()) {
                b.append(Character.toUpperCase(w.charAt(0)));
            }
        }
        return b.length() == 0 ? "Responder" : b.toString();
    }

    private static String email(String person) {
        Matcher m = Pattern.compile("[^<>\\s@]+@[^<>\\s@]+").matcher(person);
        return m.find() ? m.group().replaceAll("[>,;]+$", "") : null;
    }

    /** The people of a role event's {@code from}/{@code to}: one, or several joined by ", ". */
    private static List<String> split(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return List.of(s.split("(?<=>)\\s*,\\s*"));
    }
}
