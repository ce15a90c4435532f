package ir.render;

import ir.model.Durations;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.Milestone;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.model.Times;
import ir.model.Updates;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data an update template ({@code update-internal}, {@code update-exec}, {@code update-public}) is rendered with:
 * everything a post-mortem template sees ({@link PostmortemView}), plus the parts of the update. A part that is null
 * is left out of the message (its section is empty).
 */
public final class UpdateView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final int RECENT_ACTIONS = 3;

    /** The parts of one update as given (TEXT, options or answers); null where none was. */
    public record Parts(String message, String conditions, String actions, String needs, String nextSteps) {
    }

    private UpdateView() {
    }

    /** The template's name for {@code audience}: {@code update-internal} and so on. */
    public static String template(String audience) {
        return "update-" + audience;
    }

    /**
     * The template data. {@code kind} is the public message kind (null for other audiences); {@code nextUpdate} is
     * when the next update comes (null: the message names none).
     */
    public static Map<String, Object> of(Incident incident, IrConfig config, Instant now, String audience, String kind,
                                         Parts parts, Instant nextUpdate) {
        Map<String, Object> v = PostmortemView.of(incident, config, now);
        v.put("audience", audience);
        v.put("next_update", nextUpdate == null ? "" : clock(nextUpdate, now));
        v.put("next_update_at", nextUpdate == null ? "" : Times.format(nextUpdate));
        v.put("message", block(parts.message()));
        List<String> cmd = incident.roles().get("commander");
        v.put("commander", cmd == null || cmd.isEmpty() ? "" : Markdown.inline(String.join(", ", cmd)));
        v.put("conditions", block(parts.conditions() != null ? parts.conditions() : conditions(incident)));
        v.put("doing", block(parts.actions() != null ? parts.actions() : doing(incident)));
        v.put("needs", block(parts.needs()));
        v.put("current_status", Markdown.inline(currentStatus(incident, now)));
        v.put("overview", block(parts.message() != null ? parts.message() : incident.text(TextField.SUMMARY)));
        v.put("next_steps", block(parts.nextSteps()));
        String problem = parts.message() == null ? "an issue affecting " + incident.title() : null;
        v.put("problem", problem == null ? Markdown.inline(firstSentence(parts.message())) : Markdown.inline(problem));
        v.put("details", problem == null ? block(rest(parts.message())) : "");
        for (String k : Updates.PUBLIC_KINDS) {
            v.put("is_" + k, k.equals(kind));
        }
        v.put("kind", kind == null ? "" : kind);
        return v;
    }

    /** What the internal audience reads as the conditions: the impact, else the summary. */
    static String conditions(Incident incident) {
        String impact = incident.text(TextField.IMPACT);
        return impact != null ? impact : incident.text(TextField.SUMMARY);
    }

    /** The last few action and decision entries since the previous internal update, joined; null when none. */
    public static String doing(Incident incident) {
        Instant since = Updates.last(incident, Updates.INTERNAL).map(TimelineEvent::at).orElse(Instant.MIN);
        List<String> texts = new ArrayList<>();
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (("action".equals(e.type()) || "decision".equals(e.type())) && e.at().isAfter(since)
                    && e.text() != null) {
                texts.add(e.text().strip().replaceAll("\\s+", " "));
            }
        }
        if (texts.isEmpty()) {
            return null;
        }
        return String.join("; ", texts.subList(Math.max(0, texts.size() - RECENT_ACTIONS), texts.size()));
    }

    /** {@code identified, SEV-1, impact 45m and ongoing}: where the incident stands, in a line. */
    static String currentStatus(Incident incident, Instant now) {
        Durations d = Durations.of(incident, now);
        StringBuilder b = new StringBuilder(incident.status()).append(", ").append(incident.severity());
        var impact = d.named().get("impact_duration");
        if (impact != null) {
            b.append(", impact ").append(Times.human(impact)).append(d.impactOngoing() ? " and ongoing" : ", mitigated");
        }
        if (incident.time(Milestone.RESOLVED) != null) {
            b.append(", resolved at ").append(Times.short_(incident.time(Milestone.RESOLVED), null, false));
        }
        return b.toString();
    }

    private static String clock(Instant at, Instant now) {
        String hm = CLOCK.format(at.atOffset(ZoneOffset.UTC)) + " UTC";
        boolean sameDay = at.atOffset(ZoneOffset.UTC).toLocalDate().equals(now.atOffset(ZoneOffset.UTC).toLocalDate());
        return sameDay ? hm : at.atOffset(ZoneOffset.UTC).toLocalDate() + " " + hm;
    }

    private static String block(String s) {
        return s == null || s.isBlank() ? "" : Markdown.block(s.strip());
    }

    /** The text up to its first sentence end (without the full stop): "elevated checkout errors". */
    static String firstSentence(String s) {
        String t = s.strip();
        int end = sentenceEnd(t);
        String first = end < 0 ? t : t.substring(0, end);
        first = first.replaceAll("[.!]+$", "").strip();
        // "Elevated errors at checkout" reads as "We are investigating elevated errors at checkout"; "API" stays.
        if (first.length() > 1 && Character.isUpperCase(first.charAt(0)) && Character.isLowerCase(first.charAt(1))) {
            first = Character.toLowerCase(first.charAt(0)) + first.substring(1);
        }
        return first;
    }

    private static String rest(String s) {
        String t = s.strip();
        int end = sentenceEnd(t);
        return end < 0 ? null : t.substring(end + 1).strip();
    }

    private static int sentenceEnd(String t) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[.!?](\\s|$)").matcher(t);
        return m.find() ? m.start() : -1;
    }
}
