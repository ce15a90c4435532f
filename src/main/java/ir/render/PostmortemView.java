package ir.render;

import ir.model.ActionItem;
import ir.model.CustomFields;
import ir.model.DataLoss;
import ir.model.ImpactWindow;
import ir.model.Phases;
import ir.model.Durations;
import ir.model.Incident;
import ir.model.IncidentMerge;
import ir.model.IrConfig;
import ir.model.ListField;
import ir.model.Milestone;
import ir.model.Person;
import ir.model.Postmortems;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The data a template sees (documented field by field in {@code docs/templates.md}): plain maps, lists, strings and
 * booleans built from an incident, its computed durations and the workspace configuration. Every string is already
 * made safe for where the built-in templates put it (see {@link Markdown}); templates cannot reach Java objects.
 */
public final class PostmortemView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter MERMAID = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /** Event types kept out of the rendered timeline. */
    static final Set<String> BOOKKEEPING = Set.of(TimelineEvent.ACTION_ITEM, TimelineEvent.MERGE, Postmortems.EVENT,
            ir.model.Checklists.EVENT);

    private PostmortemView() {
    }

    /**
     * The custom fields declared in ir.yaml: each by its name (a text as a {@code block}, a list as
     * {@code [{text}]} with {@code has_NAME}), never hiding a built-in field of the same name, and those with
     * {@code section: true} as {@code custom_sections} in declaration order.
     */
    private static void customFields(Incident incident, IrConfig config, Map<String, Object> v) {
        List<Map<String, Object>> sections = new ArrayList<>();
        for (IrConfig.Field f : config.fields()) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("name", f.name());
            section.put("title", Markdown.inline(f.title()));
            section.put("kind", f.kind().label());
            boolean empty;
            if (f.kind() == IrConfig.Field.Kind.TEXT) {
                String text = Markdown.block(CustomFields.text(incident, f));
                empty = text == null;
                v.putIfAbsent(f.name(), text == null ? "" : text);
                section.put("text", text == null ? "" : text);
                section.put("has_text", !empty);
                section.put("items", List.of());
                section.put("has_items", false);
            } else {
                List<Map<String, Object>> items = new ArrayList<>();
                for (String s : CustomFields.list(incident, f)) {
                    items.add(map("text", Markdown.listItem(s)));
                }
                empty = items.isEmpty();
                v.putIfAbsent(f.name(), items);
                v.putIfAbsent("has_" + f.name(), !empty);
                section.put("text", "");
                section.put("has_text", false);
                section.put("items", items);
                section.put("has_items", !empty);
            }
            section.put("empty", empty);
            if (f.section()) {
                sections.add(section);
            }
        }
        v.put("custom_sections", sections);
        v.put("has_custom_sections", !sections.isEmpty());
    }

    /** The template data for {@code incident} as of {@code now}. */
    public static Map<String, Object> of(Incident incident, IrConfig config, Instant now) {
        Durations d = Durations.of(incident, now);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", incident.id());
        v.put("title", Markdown.inline(incident.title()));
        v.put("severity", Markdown.inline(incident.severity()));
        config.findSeverity(incident.severity() == null ? "" : incident.severity())
                .ifPresent(s -> v.put("severity_description", Markdown.inline(s.description())));
        v.put("worst_severity", Markdown.inline(Postmortems.worstSeverity(incident, config)));
        v.put("major", config.findSeverity(incident.severity() == null ? "" : incident.severity())
                .map(IrConfig.Severity::major).orElse(false));
        v.put("status", Markdown.inline(incident.status()));
        v.put("resolved", incident.time(Milestone.RESOLVED) != null);
        v.put("drill", incident.drill());
        String pmStatus = Postmortems.status(incident) == null ? Postmortems.DRAFT : Postmortems.status(incident);
        v.put("postmortem_status", pmStatus);
        v.put("postmortem_status_label", switch (pmStatus) {
            case Postmortems.IN_REVIEW -> "In review";
            case Postmortems.REVIEWED -> "Reviewed";
            default -> "Draft";
        });
        v.put("postmortem_required", Postmortems.required(incident, config));
        v.put("date", incident.openedAt() == null ? "" : DATE.format(incident.openedAt().atOffset(ZoneOffset.UTC)));
        v.put("now", time(now));

        List<Map<String, Object>> milestones = new ArrayList<>();
        for (Milestone m : Milestone.values()) {
            Instant at = incident.time(m);
            if (at != null) {
                v.put(m.key(), time(at));
                milestones.add(map("name", m.label(), "label", capitalise(m.label()), "at", time(at),
                        "rfc3339", Times.format(at)));
            }
        }
        v.put("milestones", milestones);

        List<Map<String, Object>> durationList = new ArrayList<>();
        d.named().forEach((k, dur) -> {
            v.put(k, Times.human(dur));
            v.put(k + "_minutes", dur.toMinutes());
            durationList.add(map("name", k, "label", capitalise(k.replace('_', ' ')), "value", Times.human(dur),
                    "minutes", dur.toMinutes()));
        });
        v.put("durations", durationList);
        v.put("impact_ongoing", d.impactOngoing());

        List<Map<String, Object>> periods = new ArrayList<>();
        for (Durations.SeverityPeriod p : d.severities()) {
            periods.add(map("severity", Markdown.cell(p.severity()), "from", time(p.from()), "to", time(p.to()),
                    "duration", Times.human(p.duration()), "minutes", p.duration().toMinutes()));
        }
        v.put("severity_periods", periods);
        List<Map<String, Object>> atSeverity = new ArrayList<>();
        d.timeAtSeverity().forEach((s, dur) -> atSeverity.add(map("severity", Markdown.cell(s),
                "duration", Times.human(dur), "minutes", dur.toMinutes())));
        v.put("time_at_severity", atSeverity);

        for (TextField f : TextField.values()) {
            v.put(f.key(), Markdown.block(incident.text(f)));
        }
        for (ListField f : ListField.values()) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (String s : incident.list(f)) {
                items.add(map("text", Markdown.listItem(s)));
            }
            v.put(f.key(), items);
            v.put("has_" + f.key(), !items.isEmpty());
        }
        v.put("tags_line", Markdown.inline(String.join(", ", incident.list(ListField.TAGS))));
        customFields(incident, config, v);

        v.put("roles", roles(incident, config));
        List<Map<String, Object>> authors = authors(incident);
        v.put("authors", authors);
        v.put("authors_line", String.join(", ", authors.stream().map(a -> (String) a.get("name")).toList()));

        List<Map<String, Object>> actions = new ArrayList<>();
        // In the order they were added, the same in every clone (a merge meets them in any order).
        for (ActionItem a : ActionItem.ordered(incident.actions(), incident.timeline())) {
            actions.add(map("id", a.id(), "text", Markdown.cell(a.text()), "type", Markdown.cell(a.type()),
                    "owner", Markdown.cell(a.owner()), "due", Markdown.cell(a.due()),
                    "status", Markdown.cell(actionStatus(a)), "status_key", a.status(),
                    "reason", Markdown.cell(a.reason()),
                    "done", a.doneAt() == null ? "" : a.doneAt().atOffset(java.time.ZoneOffset.UTC).toLocalDate()
                            .toString(),
                    "open", a.isOpen(), "link", Markdown.cell(a.link())));
        }
        v.put("actions", actions);
        v.put("has_actions", !actions.isEmpty());

        // The checklist gets a table of its own: its events are kept out of the timeline.
        List<Map<String, Object>> checklist = new ArrayList<>();
        for (ir.model.Checklists.State s : ir.model.Checklists.states(incident)) {
            ir.model.ChecklistItem x = s.item();
            String role = x.role() != null ? x.role() : x.owner() + " (" + x.scope() + ")";
            String state = s.open() ? "not done" : s.state() + (Boolean.FALSE.equals(s.onTime()) ? " (late)" : "");
            checklist.add(map("id", x.id(), "text", Markdown.cell(x.text()), "role", Markdown.cell(role),
                    "due", Markdown.cell(time(s.due())), "state", Markdown.cell(state), "state_key", s.state(),
                    "by", Markdown.cell(s.by()),
                    "when", Markdown.cell(time(s.at())), "reason", Markdown.cell(s.reason()),
                    "on_time", s.onTime()));
        }
        v.put("checklist", checklist);
        v.put("has_checklist", !checklist.isEmpty());
        v.put("type", incident.type() == null ? null : Markdown.inline(incident.type()));
        v.put("open_actions", incident.actions().stream().filter(ActionItem::isOpen).count());

        List<Map<String, Object>> timeline = new ArrayList<>();
        for (TimelineEvent e : incident.sortedTimeline()) {
            // Bookkeeping is not part of the incident's story: action items have their own table, merges and the
            // review of the document are about the record, not the incident.
            if (!BOOKKEEPING.contains(e.type())) {
                timeline.add(event(e));
            }
        }
        v.put("timeline", timeline);
        v.put("has_timeline", !timeline.isEmpty());

        List<Phase> phases = phases(incident, config, d, now);
        List<Map<String, Object>> phaseList = new ArrayList<>();
        for (Phase p : phases) {
            phaseList.add(map("section", p.section, "label", Markdown.cell(p.label), "from", time(p.from),
                    "to", time(p.to), "duration", Times.human(Duration.between(p.from, p.to))));
        }
        v.put("phases", phaseList);
        v.put("mermaid", mermaid(incident, phases));
        putImpactWindows(v, incident, now);

        boolean major = (Boolean) v.get("major");
        Instant next = now.plus(Duration.ofMinutes(major ? 30 : 60));
        v.put("next_update", CLOCK.format(next.atOffset(ZoneOffset.UTC)) + " UTC");
        v.put("next_update_minutes", major ? 30 : 60);
        List<Map<String, Object>> recent = new ArrayList<>();
        List<TimelineEvent> sorted = incident.sortedTimeline();
        for (int i = Math.max(0, sorted.size() - 5); i < sorted.size(); i++) {
            recent.add(event(sorted.get(i)));
        }
        v.put("recent_timeline", recent);
        putDrill(v, incident);
        return v;
    }

    /**
     * A drill's scenario, speed and the scorecard {@code ir drill end} recorded ({@code drill_score}), for the drill
     * debrief template.
     */
    private static void putDrill(Map<String, Object> v, Incident incident) {
        ir.model.Drill.State s = incident.drill() ? ir.model.Drill.state(incident) : null;
        v.put("drill_scenario", s == null ? null : Markdown.inline(s.scenario()));
        v.put("drill_speed", s == null ? null : s.speed());
        List<Map<String, Object>> score = new ArrayList<>();
        if (incident.extra().get(ir.model.Drill.SCORE) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    score.add(map("expectation", Markdown.cell(String.valueOf(m.get("expectation"))),
                            "verdict", Markdown.cell(String.valueOf(m.get("verdict"))),
                            "met", "met".equals(String.valueOf(m.get("verdict"))),
                            "limit", m.get("limit") == null ? "" : Markdown.cell(String.valueOf(m.get("limit"))),
                            "measured", m.get("measured") == null ? "never"
                                    : Markdown.cell(String.valueOf(m.get("measured"))),
                            "detail", m.get("detail") == null ? "" : Markdown.cell(String.valueOf(m.get("detail")))));
                }
            }
        }
        v.put("drill_score", score);
        v.put("has_drill_score", !score.isEmpty());
        v.put("drill_met", score.stream().filter(m -> Boolean.TRUE.equals(m.get("met"))).count());
        v.put("drill_expectations", score.size());
    }

    private static List<Map<String, Object>> roles(Incident incident, IrConfig config) {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        config.roles().forEach(r -> names.add(r.name()));
        names.addAll(incident.roles().keySet());
        for (String role : names) {
            List<String> people = incident.roles().get(role);
            if (people == null || people.isEmpty()) {
                continue;
            }
            String title = config.findRole(role).map(IrConfig.Role::title).filter(t -> t != null && !t.isBlank())
                    .orElse(role);
            List<String> previous = new ArrayList<>();
            for (TimelineEvent e : incident.sortedTimeline()) {
                if (TimelineEvent.ROLE.equals(e.type()) && role.equals(e.attr("role")) && e.attr("from") != null
                        && !people.contains(e.attr("from")) && !previous.contains(e.attr("from"))) {
                    previous.add(e.attr("from"));
                }
            }
            out.add(map("role", Markdown.cell(role), "title", Markdown.cell(title),
                    "people", Markdown.cell(String.join(", ", people)),
                    "previous", Markdown.cell(String.join(", ", previous)), "handed_off", !previous.isEmpty()));
        }
        return out;
    }

    private static List<Map<String, Object>> authors(Incident incident) {
        Set<String> people = new LinkedHashSet<>();
        incident.roles().getOrDefault("commander", List.of()).forEach(people::add);
        incident.roles().getOrDefault("scribe", List.of()).forEach(people::add);
        for (TimelineEvent e : incident.sortedTimeline()) {
            if (e.author() != null && !e.author().isBlank() && !IncidentMerge.MERGE_AUTHOR.equals(e.author())) {
                people.add(e.author().strip());
            }
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (String p : people) {
            list.add(map("name", Markdown.inline(Person.name(p)), "person", Markdown.inline(p)));
        }
        return list;
    }

    private static Map<String, Object> event(TimelineEvent e) {
        String kind = safeWord(e.type());
        String text = e.text() == null || e.text().isBlank() ? describe(e) : e.text();
        String head = switch (kind) {
            case TimelineEvent.SEVERITY -> "Severity " + arrow(e);
            case TimelineEvent.STATUS -> "Status " + arrow(e);
            case TimelineEvent.ROLE -> "Role";
            case TimelineEvent.MILESTONE -> milestoneHead(e);
            case Phases.DATA_LOSS -> "Data loss";
            case TimelineEvent.DECLARED -> "Declared" + (e.attr("severity") == null ? ""
                    : " " + safeWord(e.attr("severity")));
            default -> "";
        };
        String marker = head.isBlank() ? "" : "**" + head.strip() + "**";
        // The bold marker already says what changed: the text keeps only what it adds (a reason, a title), so the
        // cell never reads "**Declared** Declared SEV-3: ...". A role change needs its people.
        String own = e.text() == null || e.text().isBlank() ? (marker.isEmpty() || TimelineEvent.ROLE.equals(kind)
                ? describe(e) : "") : marker.isEmpty() ? e.text() : withoutEcho(e, kind);
        String body = Markdown.cell(own);
        if (e.important() && !body.isEmpty()) {
            body = "❗ **" + body + "**";
        }
        String cellText = marker.isEmpty() ? body : body.isEmpty() ? marker
                : marker + (body.startsWith("(") ? " " : ": ") + body;
        return map("id", e.id(), "at", time(e.at()), "rfc3339", Times.format(e.at()),
                "clock", CLOCK.format(e.at().atOffset(ZoneOffset.UTC)), "who", Markdown.cell(Person.name(e.author())),
                "author", Markdown.cell(e.author()), "type", kind, "text", Markdown.cell(text), "event", cellText, "line", Markdown.listItem(text),
                "important", e.important(), "milestone", TimelineEvent.MILESTONE.equals(kind),
                "severity_change", TimelineEvent.SEVERITY.equals(kind), "status_change",
                TimelineEvent.STATUS.equals(kind), "role_change", TimelineEvent.ROLE.equals(kind),
                "from", Markdown.cell(e.attr("from")), "to", Markdown.cell(e.attr("to")));
    }

    private static String milestoneHead(TimelineEvent e) {
        Milestone m = e.attr("milestone") == null ? null : Milestone.parse(e.attr("milestone"));
        if (m == null) {
            // An impact window's label carries no milestone of its own.
            return e.attr("milestone") == null ? "Impact window" : "Milestone " + safeWord(e.attr("milestone"));
        }
        return m == Milestone.STARTED ? "Impact started" : capitalise(m.label());
    }

    /** The event's text without the words its bold marker already says. */
    private static String withoutEcho(TimelineEvent e, String kind) {
        String t = e.text().strip();
        String to = e.attr("to");
        String echo = switch (kind) {
            case TimelineEvent.DECLARED -> "(?i)^declared\\b\\s*" + (e.attr("severity") == null ? ""
                    : "(?:" + Pattern.quote(e.attr("severity")) + "\\b)?") + "\\s*:?\\s*";
            case TimelineEvent.SEVERITY, TimelineEvent.STATUS -> to == null ? null
                    : "(?is)^(?:(?:escalated|downgraded|severity|status)\\b[^:\\n]*?)?" + Pattern.quote(to)
                    + "\\s*(?::\\s*|$)";
            case TimelineEvent.MILESTONE -> e.attr("milestone") == null ? "(?i)^impact\\s+window\\s*"
                    : "(?i)^(?:impact\\s+)?(?:milestone:?\\s*)?" + Pattern.quote(e.attr("milestone")) + "\\b:?\\s*";
            case Phases.DATA_LOSS -> "(?i)^data\\s+lost\\s*";
            default -> null;
        };
        return echo == null ? t : t.replaceFirst(echo, "").strip();
    }

    private static String arrow(TimelineEvent e) {
        String from = e.attr("from");
        String to = e.attr("to");
        return Markdown.cell((from == null ? "" : safeWord(from) + " → ") + (to == null ? "" : safeWord(to))).strip();
    }

    /** A name from the file used in bold markers: letters, digits, {@code -}, {@code _} and {@code .} only. */
    private static String safeWord(String s) {
        return s == null ? "" : s.replaceAll("[^\\p{L}\\p{N}._-]", "");
    }

    private static String describe(TimelineEvent e) {
        String from = e.attr("from");
        String to = e.attr("to");
        if (TimelineEvent.ROLE.equals(e.type())) {
            String role = e.attr("role") == null ? "role" : e.attr("role");
            return from == null ? role + " assigned to " + to : to == null ? role + " cleared (was " + from + ")"
                    : role + " handed off from " + from + " to " + to;
        }
        if (TimelineEvent.MILESTONE.equals(e.type())) {
            return "milestone: " + (e.attr("milestone") == null ? "" : e.attr("milestone"));
        }
        if (from != null || to != null) {
            return e.type() + " " + (from == null ? "" : from + " → ") + (to == null ? "" : to);
        }
        return e.type();
    }

    /** A stretch of the incident for the diagram. */
    record Phase(String section, String label, Instant from, Instant to, boolean critical) {
    }

    static List<Phase> phases(Incident incident, IrConfig config, Durations d, Instant now) {
        List<Phase> out = new ArrayList<>();
        Instant started = incident.time(Milestone.STARTED);
        Instant detected = incident.time(Milestone.DETECTED);
        Instant opened = incident.openedAt();
        Instant end = incident.time(Milestone.RESOLVED) != null ? incident.time(Milestone.RESOLVED) : now;
        Instant impactStart = started != null ? started : detected != null ? detected : opened;
        List<ImpactWindow> windows = Phases.windows(incident);
        if (windows.isEmpty() && impactStart != null && d.impact() != null) {
            out.add(new Phase("Impact", "Customer impact", impactStart, impactStart.plus(d.impact()), true));
        }
        for (int k = 0; k < windows.size(); k++) {
            ImpactWindow w = windows.get(k);
            out.add(new Phase("Impact", windowLabel(w, k + 1, windows.size()), w.startedAt(),
                    w.mitigatedAt() != null ? w.mitigatedAt() : now.isBefore(w.startedAt()) ? w.startedAt() : now,
                    true));
        }
        DataLoss loss = incident.dataLoss();
        if (loss != null) {
            out.add(new Phase("Impact", "Data lost", loss.from(), loss.to() != null ? loss.to() : loss.from(),
                    false));
        }
        if (started != null && (detected != null || opened != null)) {
            Instant found = detected != null ? detected : opened;
            if (found.isAfter(started)) {
                out.add(new Phase("Response", "Undetected", started, found, false));
            }
        }
        // Status periods, from the status-change events (the first one's "from" is the opening status).
        List<TimelineEvent> changes = incident.sortedTimeline().stream()
                .filter(e -> TimelineEvent.STATUS.equals(e.type()) && e.attr("to") != null).toList();
        if (opened != null) {
            String current = changes.isEmpty() ? incident.status()
                    : changes.get(0).attr("from") != null ? changes.get(0).attr("from") : config.initialStatus();
            Instant from = opened;
            for (TimelineEvent c : changes) {
                if (!c.at().isBefore(from)) {
                    addStatus(out, current, from, c.at());
                    from = c.at();
                }
                current = c.attr("to");
            }
            if (!IrConfig.RESOLVED.equals(current) && !IrConfig.CLOSED.equals(current)) {
                addStatus(out, current, from, end.isBefore(from) ? from : end);
            }
        }
        for (Durations.SeverityPeriod p : d.severities()) {
            boolean major = config.findSeverity(p.severity()).map(IrConfig.Severity::major).orElse(false);
            out.add(new Phase("Severity", p.severity(), p.from(), p.to(), major));
        }
        return out;
    }

    /** A window's name in the phases table and the chart: its label, else "Customer impact" (numbered if several). */
    private static String windowLabel(ImpactWindow w, int n, int of) {
        return w.label() != null ? w.label() : of == 1 ? "Customer impact" : "Customer impact " + n;
    }

    /**
     * {@code impact_windows} (number, label, start, end, duration, ongoing) and {@code has_impact_windows}, true when
     * the incident has more than the one window its milestones say; {@code data_loss} (from, to, duration, note) when
     * one is recorded.
     */
    private static void putImpactWindows(Map<String, Object> v, Incident incident, Instant now) {
        List<ImpactWindow> windows = Phases.windows(incident);
        List<Map<String, Object>> list = new ArrayList<>();
        for (int k = 0; k < windows.size(); k++) {
            ImpactWindow w = windows.get(k);
            list.add(map("number", k + 1, "label", Markdown.cell(windowLabel(w, k + 1, windows.size())),
                    "start", time(w.startedAt()), "end", w.open() ? "ongoing" : time(w.mitigatedAt()),
                    "duration", Times.human(w.length(now)), "minutes", w.length(now).toMinutes(),
                    "ongoing", w.open()));
        }
        v.put("impact_windows", list);
        v.put("has_impact_windows", !incident.impactWindows().isEmpty());
        DataLoss loss = incident.dataLoss();
        if (loss != null) {
            v.put("data_loss", map("from", time(loss.from()), "to", loss.to() == null ? "unknown" : time(loss.to()),
                    "duration", loss.to() == null ? null : Times.human(Duration.between(loss.from(), loss.to())),
                    "note", loss.note() == null ? null : Markdown.inline(loss.note())));
        }
        v.put("has_data_loss", loss != null);
    }

    private static void addStatus(List<Phase> out, String status, Instant from, Instant to) {
        if (status != null && to.isAfter(from)) {
            out.add(new Phase("Status", capitalise(status), from, to, false));
        }
    }

    /**
     * A Mermaid Gantt chart of the phases and milestones. Every label goes through {@link Markdown#mermaidLabel}, so
     * the text between the template's {@code ```mermaid} fence and its closing fence is always well formed.
     */
    static String mermaid(Incident incident, List<Phase> phases) {
        StringBuilder b = new StringBuilder();
        b.append("gantt\n");
        b.append("    title ").append(Markdown.mermaidLabel(incident.title())).append(" (UTC)\n");
        b.append("    dateFormat YYYY-MM-DD HH:mm:ss\n");
        b.append("    axisFormat %H:%M\n");
        String section = null;
        int n = 0;
        for (Phase p : phases) {
            if (!p.section.equals(section)) {
                section = p.section;
                b.append("    section ").append(Markdown.mermaidLabel(section)).append('\n');
            }
            Instant to = p.to.isAfter(p.from) ? p.to : p.from.plusSeconds(60);
            b.append("    ").append(Markdown.mermaidLabel(p.label)).append(" :")
                    .append(p.critical ? "crit, " : "").append("p").append(++n).append(", ")
                    .append(MERMAID.format(p.from.atOffset(ZoneOffset.UTC))).append(", ")
                    .append(MERMAID.format(to.atOffset(ZoneOffset.UTC))).append('\n');
        }
        boolean any = false;
        for (Milestone m : Milestone.values()) {
            Instant at = incident.time(m);
            if (at == null || m == Milestone.OPENED) {
                continue;
            }
            if (!any) {
                b.append("    section Milestones\n");
                any = true;
            }
            b.append("    ").append(capitalise(m.label())).append(" :milestone, m").append(m.ordinal()).append(", ")
                    .append(MERMAID.format(at.atOffset(ZoneOffset.UTC))).append(", 0m\n");
        }
        return b.toString().stripTrailing();
    }

    private static String time(Instant at) {
        return at == null ? null : TIME.format(at.atOffset(ZoneOffset.UTC));
    }

    private static String capitalise(String s) {
        return s == null || s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** An action item's status for people: "in progress", "won't do (the reason)". */
    static String actionStatus(ActionItem a) {
        return switch (a.status()) {
            case ActionItem.IN_PROGRESS -> "in progress";
            case ActionItem.WONT_DO -> "won't do" + (a.reason() == null ? "" : " (" + a.reason().strip() + ")");
            default -> a.status();
        };
    }
}
