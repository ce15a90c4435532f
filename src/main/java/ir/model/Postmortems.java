package ir.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The post-mortem state an incident carries in its YAML under {@code postmortem:} (review status, a fingerprint of
 * the last render) and the pure rules around it: when one is required, whether it is complete, whether the incident
 * may be closed. Kept in {@link Incident#extra()} as plain maps, so the file format needs no codec change.
 *
 * <pre>
 * postmortem:
 *   status: in-review            # draft | in-review | reviewed
 *   rendered_sha256: 3f1c…       # of incidents/&lt;id&gt;.md as ir last wrote it
 *   rendered_at: 2026-11-28T17:00:00Z
 *   template: postmortem
 * </pre>
 */
public final class Postmortems {
    public static final String KEY = "postmortem";
    public static final String DRAFT = "draft";
    public static final String IN_REVIEW = "in-review";
    public static final String REVIEWED = "reviewed";
    public static final List<String> STATUSES = List.of(DRAFT, IN_REVIEW, REVIEWED);
    /** The timeline event type that records a review-state change. */
    public static final String EVENT = "postmortem";

    private Postmortems() {
    }

    /** The {@code postmortem:} mapping, or an empty map. */
    public static Map<String, Object> state(Incident incident) {
        Object v = incident.extra().get(KEY);
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), x));
            return out;
        }
        return new LinkedHashMap<>();
    }

    private static String string(Incident incident, String key) {
        Object v = state(incident).get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** The review status recorded with {@code ir postmortem --status}, or null when none was. */
    public static String status(Incident incident) {
        String s = string(incident, "status");
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    /** True once the post-mortem's review is recorded as done. */
    public static boolean reviewed(Incident incident) {
        return REVIEWED.equals(status(incident));
    }

    /** The SHA-256 (hex) of the Markdown as ir last wrote it, or null when ir never rendered it to a file. */
    public static String renderedSha256(Incident incident) {
        return string(incident, "rendered_sha256");
    }

    public static String renderedTemplate(Incident incident) {
        return string(incident, "template");
    }

    /** The incident with the review status set (other keys under {@code postmortem:} kept). */
    public static Incident withStatus(Incident incident, String status) {
        Map<String, Object> s = state(incident);
        s.put("status", status);
        return with(incident, s);
    }

    /** The incident remembering a render to its Markdown file (status defaults to draft). */
    public static Incident withRendered(Incident incident, String sha256, Instant at, String template) {
        Map<String, Object> s = state(incident);
        s.putIfAbsent("status", DRAFT);
        s.put("rendered_sha256", sha256);
        s.put("rendered_at", Times.format(at));
        s.put("template", template);
        return with(incident, s);
    }

    private static Incident with(Incident incident, Map<String, Object> state) {
        Map<String, Object> extra = new LinkedHashMap<>(incident.extra());
        extra.put(KEY, state);
        return incident.withExtra(extra);
    }

    /** Parses a review status given on the command line. */
    public static String parseStatus(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
        if (s.equals("inreview") || s.equals("review")) {
            s = IN_REVIEW;
        }
        if (!STATUSES.contains(s)) {
            throw IrException.usage("unknown post-mortem status '" + (text == null ? "" : text.trim())
                    + "': use one of " + String.join(", ", STATUSES));
        }
        return s;
    }

    /**
     * The most severe severity the incident ever held (an incident escalated to SEV-1 and later downgraded still
     * needs the SEV-1 post-mortem).
     */
    public static String worstSeverity(Incident incident, IrConfig config) {
        Set<String> held = new LinkedHashSet<>();
        if (incident.severity() != null) {
            held.add(incident.severity());
        }
        for (TimelineEvent e : incident.timeline()) {
            if (TimelineEvent.SEVERITY.equals(e.type())) {
                if (e.attr("from") != null) {
                    held.add(e.attr("from"));
                }
                if (e.attr("to") != null) {
                    held.add(e.attr("to"));
                }
            }
        }
        String worst = incident.severity();
        for (String s : held) {
            if (worst == null || config.rank(s) < config.rank(worst)) {
                worst = s;
            }
        }
        return worst;
    }

    /**
     * True when {@code ir.yaml}'s {@code postmortem.required_for} names a severity this incident held. Drills are
     * exercises and canceled incidents were mistakes: they never require one.
     */
    public static boolean required(Incident incident, IrConfig config) {
        if (incident.drill() || Cancellation.isCanceled(incident)) {
            return false;
        }
        String worst = worstSeverity(incident, config);
        if (worst != null && config.postmortemRequired(worst)) {
            return true;
        }
        return incident.severity() != null && config.postmortemRequired(incident.severity());
    }

    /**
     * Why the incident may not be closed yet, or empty when it may: a post-mortem that {@code ir.yaml} requires must
     * be reviewed first. {@code ir status closed} calls this.
     */
    public static Optional<String> closeBlocker(Incident incident, IrConfig config) {
        if (!required(incident, config) || reviewed(incident)) {
            return Optional.empty();
        }
        String st = status(incident);
        return Optional.of("a post-mortem is required for " + worstSeverity(incident, config) + " incidents (ir.yaml "
                + "postmortem.required_for) and " + incident.id() + "'s is "
                + (st == null ? "not written" : "'" + st + "'") + ": write it with 'ir postmortem', check it with "
                + "'ir postmortem --check', then record the review with 'ir postmortem --status reviewed'");
    }

    /** One finding of {@link #check}: a {@code problem} makes the post-mortem incomplete, a warning does not. */
    public record Finding(String kind, String field, String message) {
        public static final String PROBLEM = "problem";
        public static final String WARNING = "warning";

        public boolean problem() {
            return PROBLEM.equals(kind);
        }
    }

    private static final Map<TextField, String> SECTION_HINTS = new LinkedHashMap<>();

    static {
        SECTION_HINTS.put(TextField.SUMMARY, "what happened, in two or three sentences");
        SECTION_HINTS.put(TextField.IMPACT, "who was affected, how, and how many");
        SECTION_HINTS.put(TextField.ROOT_CAUSE, "why it happened");
        SECTION_HINTS.put(TextField.TRIGGER, "what set it off");
        SECTION_HINTS.put(TextField.RESOLUTION, "what ended the impact");
        SECTION_HINTS.put(TextField.DETECTION, "how we found out");
    }

    /**
     * What a complete post-mortem still lacks, and blame-prone wording. {@code written} tells whether its Markdown
     * exists (the caller looks at the file).
     */
    public static List<Finding> check(Incident incident, IrConfig config, boolean written) {
        List<Finding> out = new ArrayList<>();
        SECTION_HINTS.forEach((f, hint) -> {
            if (incident.text(f) == null) {
                out.add(problem(f.key(), f.key().replace('_', ' ') + " is empty: " + hint + " (ir set "
                        + f.option() + " TEXT...)"));
            }
        });
        if (incident.list(ListField.WENT_WELL).isEmpty() && incident.list(ListField.WENT_WRONG).isEmpty()) {
            out.add(problem("lessons", "no lessons learned: add what went well and what went wrong "
                    + "(ir add went-well TEXT..., ir add went-wrong TEXT...)"));
        }
        if (incident.time(Milestone.STARTED) == null) {
            out.add(problem("started_at", "started_at is not set, so the impact duration is a guess: "
                    + "ir mark started --at TIME"));
        }
        if (incident.time(Milestone.MITIGATED) == null && incident.time(Milestone.RESOLVED) == null) {
            out.add(problem("mitigated_at", "the impact has no end (no mitigated_at or resolved_at): "
                    + "ir mark mitigated --at TIME"));
        }
        if (incident.actions().isEmpty()) {
            out.add(problem("actions", "no action items: what will prevent a recurrence? "
                    + "(ir action add TEXT... --type prevent --owner PERSON)"));
        }
        for (ActionItem a : incident.actions()) {
            List<String> lacks = new ArrayList<>();
            if (a.owner() == null || a.owner().isBlank()) {
                lacks.add("owner");
            }
            if (a.type() == null || a.type().isBlank()) {
                lacks.add("type (" + String.join(", ", ActionItem.TYPES) + ")");
            }
            if (!lacks.isEmpty()) {
                out.add(problem("actions", "action item " + a.id() + " ('" + oneLine(a.text(), 50) + "') has no "
                        + String.join(" and no ", lacks)));
            } else if (!ActionItem.TYPES.contains(a.type().trim().toLowerCase(Locale.ROOT))) {
                out.add(problem("actions", "action item " + a.id() + " ('" + oneLine(a.text(), 50) + "') has the "
                        + "unknown type '" + a.type() + "': use one of " + String.join(", ", ActionItem.TYPES)));
            }
        }
        if (!written && required(incident, config)) {
            out.add(problem("document", "a post-mortem is required for " + worstSeverity(incident, config)
                    + " (ir.yaml postmortem.required_for) but incidents/" + incident.id() + ".md is not written: "
                    + "ir postmortem"));
        }
        out.addAll(blame(incident));
        return out;
    }

    private static Finding problem(String field, String message) {
        return new Finding(Finding.PROBLEM, field, message);
    }

    /** Words that assign blame rather than describe a system; after Google's and PagerDuty's blameless guides. */
    private static final Pattern BLAME = Pattern.compile("\\b(fault|faults|blame|blamed|blames|careless|carelessly"
            + "|carelessness|negligent|negligence|should have|shouldn't have|should not have|incompetent|sloppy|"
            + "stupid|lazy|screwed up|messed up|human error|failed to|forgot to|ignored|reckless|neglected|overlooked"
            + "|operator error|pilot error|made a mistake|dropped the ball|did not bother|didn't bother|mistake by"
            + "|mistake of|oversight by|error by|negligent|inattentive|incompetence)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Blame that only a person can earn, as it follows its subject: "the DBA was careless", "someone forgot to". */
    private static final String PERSONAL = "(?:careless(?:ly|ness)?|negligent|lazy|sloppy|incompetent|stupid|reckless"
            + "|inattentive|forgot|failed to|neglected|ignored|missed|overlooked|should(?:n't| not)? have"
            + "|messed up|screwed up|did(?:n't| not) bother|made a mistake|dropped the ball|at fault|to blame)";
    /** People described rather than named: roles, jobs, "someone". */
    private static final Pattern DESCRIBED = Pattern.compile("(?i)\\b(?:(?:the|a|an|our|their|that|this|one|another"
            + "|some|its)\\s+(?:[\\p{L}-]+\\s+){0,2}?(?:dbas?|engineers?|developers?|devs?|operators?|admins?"
            + "|administrators?|sysadmins?|on-?call(?:ers?)?|on call|sres?|interns?|contractors?|employees?|responders?"
            + "|commanders?|managers?|leads?|colleagues?|teammates?|new hires?|person|team members?|staff|reviewers?"
            + "|deployers?|oncall)|someone|somebody)\\b");
    private static final Pattern PERSONAL_AFTER = Pattern.compile("(?i)^\\s*(?:[\\p{L}'-]+\\s+){0,3}?"
            + "(?:(?:was|were|is|are|had been|has been|got|simply|just)\\s+)*" + PERSONAL + "\\b");
    /** "a mistake by the new hire", "human error by the on-call". */
    private static final Pattern BLAME_BY = Pattern.compile("(?i)\\b(?:mistake|error|oversight|fault|negligence)\\s+"
            + "(?:by|of)\\s+((?:the|a|an|our)\\s+[\\p{L}-]+(?:\\s+[\\p{L}-]+)?|\\p{Lu}\\p{Ll}+)");
    private static final Pattern HUMAN_ERROR = Pattern.compile("(?i)\\b(?:human|operator|pilot) error\\b");
    /**
     * A capitalised name as the subject of a blame only a person earns ("Bob forgot to renew it"), or owning a fault
     * ("Dave's mistake"). Systems fail, miss and ignore too ("Kubernetes failed to schedule"), so those verbs are
     * left out here.
     */
    private static final Pattern NAMED = Pattern.compile("\\b(\\p{Lu}\\p{Ll}{2,})(?:\\s+(?:(?:was|were|had been|has "
            + "been|just|simply)\\s+)*(?:careless|negligent|lazy|sloppy|incompetent|reckless|forgot|neglected"
            + "|should(?:n't| not)? have|messed up|screwed up|did(?:n't| not) bother|made a mistake|dropped the ball)"
            + "|'s\\s+(?:fault|mistake|error|carelessness|negligence|oversight))\\b");
    private static final Set<String> NOT_NAMES = Set.of("The", "This", "That", "These", "Those", "It", "Its", "We",
            "Our", "They", "Their", "There", "Then", "And", "But", "Nobody", "Everyone", "Everybody", "Someone",
            "Somebody", "Who", "What", "When", "Which", "She", "Her", "His", "You", "Your", "One", "Another", "Also");
    private static final Pattern CLAUSE = Pattern.compile("[,;:()]|\\s(?:which|and|but|because|so|when|while|after"
            + "|before|although|then|since|until)\\s");
    private static final Pattern PERSON_WORDS = Pattern.compile("\\b(he|she|him|her|his)\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * Blame-prone wording: a sentence that names a person (a responder, an author, an action owner) and uses a word
     * like fault, blame, careless or "should have". Warnings only: the wording is for people to judge.
     */
    public static List<Finding> blame(Incident incident) {
        Set<String> names = personNames(incident);
        List<Finding> out = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        incident.texts().forEach((f, v) -> texts.put(f.key(), v));
        incident.lists().forEach((f, v) -> {
            if (f != ListField.TAGS && f != ListField.LINKS) {
                for (int i = 0; i < v.size(); i++) {
                    texts.put(f.key() + "[" + (i + 1) + "]", v.get(i));
                }
            }
        });
        for (ActionItem a : incident.actions()) {
            texts.put("action " + a.id(), a.text());
        }
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (e.text() != null) {
                // Entries often share a second (the shell, a scribe typing fast): one must not hide another.
                String where = "timeline " + Times.format(e.at());
                texts.put(texts.containsKey(where) ? where + " (" + e.id() + ")" : where, e.text());
            }
        }
        texts.forEach((where, text) -> {
            for (String sentence : text.split("(?<=[.!?;])\\s+|\\R")) {
                Matcher bm = BLAME.matcher(sentence);
                if (!bm.find()) {
                    continue;
                }
                String who = nameIn(sentence, names);
                if (who == null && PERSON_WORDS.matcher(sentence).find()) {
                    who = "a person";
                }
                if (who == null) {
                    who = aimedAt(sentence);
                }
                if (who != null) {
                    out.add(new Finding(Finding.WARNING, where, "blame-prone wording in " + where + ": '"
                            + oneLine(sentence, 80) + "' puts '" + bm.group(1) + "' next to " + who
                            + ": describe what the system allowed, not who erred"));
                }
            }
        });
        return out;
    }

    /**
     * Whom a sentence's blame is aimed at when it names no responder: a person described ("the DBA", "the on-call
     * engineer", "someone") followed in the same clause by blame only a person earns, a fault "by" someone, a
     * capitalised name as such a subject, or "human error". Null when it describes a system ("the script was
     * careless", "the cache forgot keys", "Kubernetes failed to schedule the pods").
     */
    static String aimedAt(String sentence) {
        if (HUMAN_ERROR.matcher(sentence).find()) {
            Matcher by = BLAME_BY.matcher(sentence);
            return by.find() ? "'" + by.group(1) + "'" : "a person";
        }
        for (String clause : CLAUSE.split(sentence)) {
            Matcher d = DESCRIBED.matcher(clause);
            while (d.find()) {
                if (PERSONAL_AFTER.matcher(clause.substring(d.end())).find()) {
                    return "'" + d.group().strip() + "'";
                }
            }
            Matcher by = BLAME_BY.matcher(clause);
            while (by.find()) {
                if (DESCRIBED.matcher(by.group(1)).find() || by.group(1).matches("\\p{Lu}\\p{Ll}+")
                        && !NOT_NAMES.contains(by.group(1))) {
                    return "'" + by.group(1) + "'";
                }
            }
            Matcher n = NAMED.matcher(clause);
            while (n.find()) {
                if (!NOT_NAMES.contains(n.group(1))) {
                    return "'" + n.group(1) + "'";
                }
            }
        }
        return null;
    }

    private static String nameIn(String sentence, Set<String> names) {
        for (String n : names) {
            if (Pattern.compile("\\b" + Pattern.quote(n) + "\\b").matcher(sentence).find()) {
                return n;
            }
        }
        return null;
    }

    /** Name words of everyone involved: "Alice Responder <alice@x>" gives Alice, Responder and alice. */
    static Set<String> personNames(Incident incident) {
        List<String> people = new ArrayList<>();
        incident.roles().values().forEach(people::addAll);
        incident.timeline().forEach(e -> {
            // 'ir merge' writes the merge events: it is not a person, and "the merge failed to apply" blames nobody.
            if (e.author() != null && !IncidentMerge.MERGE_AUTHOR.equals(e.author())) {
                people.add(e.author());
            }
            if (TimelineEvent.ROLE.equals(e.type())) {
                if (e.attr("from") != null) {
                    people.add(e.attr("from"));
                }
                if (e.attr("to") != null) {
                    people.add(e.attr("to"));
                }
            }
        });
        incident.actions().forEach(a -> {
            if (a.owner() != null) {
                people.add(a.owner());
            }
        });
        Set<String> names = new LinkedHashSet<>();
        for (String p : people) {
            String display = p.replaceAll("<([^@>]*)@[^>]*>", " $1 ");
            for (String w : display.split("[^\\p{L}\\p{N}'-]+")) {
                if (w.length() >= 3 && Character.isLetter(w.charAt(0))) {
                    names.add(w);
                }
            }
        }
        return names;
    }

    private static String oneLine(String s, int max) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }
}
