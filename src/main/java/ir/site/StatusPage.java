package ir.site;

import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.Lifecycle;
import ir.model.Phases;
import ir.model.TimelineEvent;
import ir.model.Updates;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public status page, {@code status/index.html} and {@code status/summary.json} (the Statuspage summary shape,
 * see docs/status-page.md). Public means: an incident appears only while it is open and once the team posted a
 * public update ({@code ir update --audience public}); only those updates' texts are shown, without e-mail
 * addresses; internal and exec updates, notes and names never are.
 */
final class StatusPage {
    private final List<Incident> open = new ArrayList<>();
    private final IrConfig config;
    private final String name;
    private final String baseUrl;
    private final Instant updatedAt;
    private final Map<String, String> components = new TreeMap<>();

    StatusPage(List<Incident> shown, IrConfig config, String name, String baseUrl) {
        this.config = config;
        this.name = name;
        this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
        Instant newest = null;
        for (Incident i : shown) {
            Site.tags(i).forEach(t -> components.put(t, "operational"));
            if (!Lifecycle.isDone(config, i.status()) && !publicUpdates(i).isEmpty()) {
                open.add(i);
            }
        }
        for (Incident i : shown) {
            for (TimelineEvent e : publicUpdates(i)) {
                newest = newest == null || e.at().isAfter(newest) ? e.at() : newest;
            }
        }
        for (Incident i : open) {
            String s = componentStatus(i);
            for (String t : Site.tags(i)) {
                if (worse(s, components.get(t))) {
                    components.put(t, s);
                }
            }
        }
        this.updatedAt = newest;
    }

    static List<TimelineEvent> publicUpdates(Incident i) {
        List<TimelineEvent> out = new ArrayList<>();
        for (TimelineEvent e : i.timeline()) {
            if (Updates.isUpdate(e) && Updates.PUBLIC.equals(Updates.audienceOf(e))) {
                out.add(e);
            }
        }
        out.sort(Incident.EVENT_ORDER.reversed());
        return out;
    }

    private static final List<String> COMPONENT_ORDER = List.of("operational", "degraded_performance",
            "partial_outage", "major_outage");

    private static boolean worse(String a, String b) {
        return COMPONENT_ORDER.indexOf(a) > COMPONENT_ORDER.indexOf(b);
    }

    /** none, minor, major or critical: the first severity is critical, the second major, the others minor. */
    String impact(Incident i) {
        int r = config.rank(i.severity());
        return r == 0 ? "critical" : r == 1 ? "major" : "minor";
    }

    private String componentStatus(Incident i) {
        if (!Phases.ongoing(i)) {
            return "degraded_performance";
        }
        int r = config.rank(i.severity());
        return r == 0 ? "major_outage" : r == 1 ? "partial_outage" : "degraded_performance";
    }

    String indicator() {
        String worst = "none";
        List<String> order = List.of("none", "minor", "major", "critical");
        for (Incident i : open) {
            String imp = impact(i);
            worst = order.indexOf(imp) > order.indexOf(worst) ? imp : worst;
        }
        return worst;
    }

    String description() {
        return switch (indicator()) {
            case "none" -> "All Systems Operational";
            case "minor" -> "Minor Service Outage";
            case "major" -> "Partial System Outage";
            default -> "Major System Outage";
        };
    }

    /** Statuspage's incident statuses; a team's own status between them maps to investigating. */
    private static String incidentStatus(String status) {
        return switch (status == null ? "" : status) {
            case "identified", "monitoring", "resolved" -> status;
            default -> "investigating";
        };
    }

    /** The incident's status at {@code at}, replayed from its status events. */
    private String statusAt(Incident i, Instant at) {
        String s = config.initialStatus();
        List<TimelineEvent> events = new ArrayList<>(i.timeline());
        events.sort(Incident.EVENT_ORDER);
        for (TimelineEvent e : events) {
            if (e.at().isAfter(at)) {
                break;
            }
            if (TimelineEvent.STATUS.equals(e.type()) && e.attr("to") != null) {
                s = e.attr("to");
            }
        }
        return incidentStatus(s);
    }

    private String url(String rel) {
        return baseUrl == null ? rel : baseUrl + "/" + rel;
    }

    /** summary.json as maps and lists, in the documented key order. */
    Map<String, Object> summary() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("id", Html.slug(name));
        page.put("name", Html.scrub(name));
        page.put("url", url("status/index.html"));
        page.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        root.put("page", page);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("indicator", indicator());
        status.put("description", description());
        root.put("status", status);
        List<Object> comps = new ArrayList<>();
        components.forEach((tag, st) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", Html.slug(tag));
            c.put("name", Html.scrub(tag));
            c.put("status", st);
            comps.add(c);
        });
        root.put("components", comps);
        List<Object> incidents = new ArrayList<>();
        for (Incident i : open) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<TimelineEvent> ups = publicUpdates(i);
            m.put("id", i.id());
            m.put("name", Html.scrub(i.title()));
            m.put("status", incidentStatus(i.status()));
            m.put("impact", impact(i));
            m.put("shortlink", url("status/index.html#" + i.id()));
            m.put("started_at", ups.get(ups.size() - 1).at().toString());
            m.put("updated_at", ups.get(0).at().toString());
            List<Object> list = new ArrayList<>();
            for (TimelineEvent e : ups) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("id", e.id());
                u.put("status", statusAt(i, e.at()));
                u.put("body", Html.scrub(e.text()).strip());
                u.put("display_at", e.at().toString());
                u.put("created_at", e.at().toString());
                List<Object> affected = new ArrayList<>();
                for (String t : Site.tags(i)) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("code", Html.slug(t));
                    a.put("name", Html.scrub(t));
                    a.put("new_status", componentStatus(i));
                    affected.add(a);
                }
                u.put("affected_components", affected);
                list.add(u);
            }
            m.put("incident_updates", list);
            incidents.add(m);
        }
        root.put("incidents", incidents);
        root.put("scheduled_maintenances", List.of());
        return root;
    }

    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<h1>").append(Html.text(name)).append(" status</h1>\n");
        b.append("<p class=\"indicator ").append(indicator()).append("\" role=\"status\">").append(description())
                .append("</p>\n");
        if (updatedAt != null) {
            b.append("<p class=\"muted\">Last update: ").append(Html.time(updatedAt)).append("</p>\n");
        }
        b.append("<h2>Components</h2>\n");
        if (components.isEmpty()) {
            b.append("<p>No components.</p>\n");
        } else {
            b.append("<div class=\"wrap\"><table class=\"components\">\n<thead><tr><th scope=\"col\">Component</th>"
                    + "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
            components.forEach((tag, st) -> b.append("<tr><th scope=\"row\">").append(Html.text(tag))
                    .append("</th><td>").append(st.replace('_', ' ')).append("</td></tr>\n"));
            b.append("</tbody>\n</table></div>\n");
        }
        b.append("<h2>Current incidents</h2>\n");
        if (open.isEmpty()) {
            b.append("<p>No incidents.</p>\n");
        }
        for (Incident i : open) {
            b.append("<section class=\"incident\" id=\"").append(Html.esc(i.id())).append("\">\n<h3>")
                    .append(Html.text(i.title())).append("</h3>\n<p>Impact: ").append(impact(i))
                    .append(" · Status: ").append(incidentStatus(i.status())).append("</p>\n<ol class=\"updates\">\n");
            for (TimelineEvent e : publicUpdates(i)) {
                b.append("<li><p><strong>").append(statusAt(i, e.at())).append("</strong> ").append(Html.time(e.at()))
                        .append("</p>\n").append(Site.markdown(e.text(), 4)).append("</li>\n");
            }
            b.append("</ol>\n</section>\n");
        }
        return Html.page(Html.scrub(name) + " status", "../", b.toString(), false);
    }
}
