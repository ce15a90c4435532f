package ir.site;

import ir.model.ImpactWindow;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.Milestone;
import ir.model.Phases;
import ir.model.TimelineEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One incident's page: its header, roles, a phases chart with its table, the timeline and the post-mortem. */
final class IncidentPage {
    /** A bar of the phases chart: a named span of the incident's life. */
    record Bar(String label, Instant from, Instant to) {
    }

    private static final int WIDTH = 640;
    private static final int LABEL = 150;
    private static final int ROW = 28;

    private IncidentPage() {
    }

    static String html(Incident i, IrConfig config, String postmortem) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>").append(Html.esc(i.id())).append(": ").append(Html.text(i.title())).append("</h1>\n");
        b.append("<dl class=\"facts\">");
        fact(b, "Severity", Html.esc(i.severity()));
        fact(b, "Status", Html.esc(i.status()));
        if (i.type() != null) {
            fact(b, "Type", Html.esc(i.type()));
        }
        List<String> tags = Site.tags(i);
        if (!tags.isEmpty()) {
            fact(b, "Tags", Html.text(String.join(", ", tags)));
        }
        for (Milestone m : Milestone.values()) {
            if (i.time(m) != null) {
                String l = m.label();
                fact(b, Character.toUpperCase(l.charAt(0)) + l.substring(1), Html.time(i.time(m)));
            }
        }
        Instant last = Site.lastEntry(i);
        Duration impact = last == null ? null : Phases.impact(i, last);
        if (impact != null) {
            fact(b, "Impact", Html.duration(impact) + (Phases.ongoing(i) ? " (ongoing at the last entry)" : ""));
        }
        b.append("</dl>\n");

        b.append("<h2>Roles</h2>\n");
        if (i.roles().isEmpty()) {
            b.append("<p>No roles assigned.</p>\n");
        } else {
            b.append("<div class=\"wrap\"><table class=\"roles\">\n<thead><tr><th scope=\"col\">Role</th>"
                    + "<th scope=\"col\">People</th></tr></thead>\n<tbody>\n");
            for (Map.Entry<String, List<String>> r : i.roles().entrySet()) {
                String title = config.findRole(r.getKey()).map(IrConfig.Role::title).orElse(r.getKey());
                List<String> people = new ArrayList<>();
                r.getValue().forEach(p -> people.add(Html.person(p)));
                b.append("<tr><th scope=\"row\">").append(Html.esc(title)).append("</th><td>")
                        .append(String.join(", ", people)).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
        }

        b.append("<h2>Phases</h2>\n");
        phases(b, i, bars(i, last));

        b.append("<h2>Timeline</h2>\n<div class=\"wrap\"><table class=\"timeline\">\n<thead><tr>"
                + "<th scope=\"col\">Time</th><th scope=\"col\">Who</th><th scope=\"col\">Type</th>"
                + "<th scope=\"col\">Entry</th></tr></thead>\n<tbody>\n");
        List<TimelineEvent> events = new ArrayList<>(i.timeline());
        events.sort(Incident.EVENT_ORDER);
        for (TimelineEvent e : events) {
            if (TimelineEvent.MERGE.equals(e.type())) {
                continue; // merge bookkeeping, as in the post-mortem
            }
            b.append("<tr><td>").append(Html.time(e.at())).append("</td><td>").append(Html.person(e.author()))
                    .append("</td><td>").append(Html.esc(e.type())).append("</td><td>").append(Html.text(e.text()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");

        b.append("<h2>Post-mortem</h2>\n");
        if (postmortem == null || postmortem.isBlank()) {
            b.append("<p>No post-mortem yet.</p>\n");
        } else {
            b.append("<article class=\"postmortem\">\n").append(Site.markdown(postmortem, 3)).append("</article>\n");
        }
        return Html.page(i.id() + ": " + Html.scrub(i.title()), "../", b.toString());
    }

    private static void fact(StringBuilder b, String name, String valueHtml) {
        b.append("<dt>").append(name).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    /**
     * The chart's bars: detection (impact start to detection), acknowledgement, mitigation (acknowledgement to
     * mitigation), resolution (mitigation to resolution), then each impact window; an open window ends at the
     * incident's last entry. A bar whose ends are not both recorded is left out.
     */
    static List<Bar> bars(Incident i, Instant last) {
        List<Bar> bars = new ArrayList<>();
        phase(bars, "Detect", i.time(Milestone.STARTED), i.time(Milestone.DETECTED));
        phase(bars, "Acknowledge", i.time(Milestone.DETECTED), i.time(Milestone.ACKNOWLEDGED));
        phase(bars, "Mitigate", i.time(Milestone.ACKNOWLEDGED), i.time(Milestone.MITIGATED));
        phase(bars, "Resolve", i.time(Milestone.MITIGATED), i.time(Milestone.RESOLVED));
        int n = 0;
        for (ImpactWindow w : Phases.windows(i)) {
            n++;
            String label = "Impact " + n + (w.label() == null ? "" : " (" + w.label() + ")");
            add(bars, label, w.startedAt(), w.mitigatedAt() != null ? w.mitigatedAt() : last);
        }
        return bars;
    }

    /** A phase of no length (resolved as it was mitigated) says nothing as a bar: left out. */
    private static void phase(List<Bar> bars, String label, Instant from, Instant to) {
        if (from != null && to != null && to.isAfter(from)) {
            bars.add(new Bar(label, from, to));
        }
    }

    private static void add(List<Bar> bars, String label, Instant from, Instant to) {
        if (from != null && to != null && !to.isBefore(from)) {
            bars.add(new Bar(label, from, to));
        }
    }

    /** The chart as inline SVG (a titled, described image) followed by the same numbers as a table. */
    private static void phases(StringBuilder b, Incident i, List<Bar> bars) {
        if (bars.isEmpty()) {
            b.append("<p>No phases recorded yet.</p>\n");
            return;
        }
        Instant start = bars.get(0).from(), end = bars.get(0).to();
        for (Bar bar : bars) {
            start = bar.from().isBefore(start) ? bar.from() : start;
            end = bar.to().isAfter(end) ? bar.to() : end;
        }
        double span = Math.max(1, Duration.between(start, end).getSeconds());
        int height = bars.size() * ROW + 10;
        String id = "phases-" + Html.slug(i.id());
        b.append("<figure>\n<svg class=\"phases\" role=\"img\" aria-labelledby=\"").append(id).append("-title ")
                .append(id).append("-desc\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\">\n<title id=\"").append(id)
                .append("-title\">Phases of ").append(Html.esc(i.id())).append("</title>\n<desc id=\"").append(id)
                .append("-desc\">Each bar is one phase or impact window, from ").append(start).append(" to ")
                .append(end).append("; the table below has the same times.</desc>\n");
        b.append("<line class=\"axis\" x1=\"").append(LABEL).append("\" y1=\"0\" x2=\"").append(LABEL)
                .append("\" y2=\"").append(height).append("\"/>\n");
        int row = 0;
        for (Bar bar : bars) {
            double x = LABEL + (WIDTH - LABEL - 10) * Duration.between(start, bar.from()).getSeconds() / span;
            double w = Math.max(2, (WIDTH - LABEL - 10) * Duration.between(bar.from(), bar.to()).getSeconds() / span);
            int y = 5 + row * ROW;
            b.append("<g><text x=\"4\" y=\"").append(y + 16).append("\">").append(Html.text(bar.label()))
                    .append("</text><rect class=\"bar\" x=\"").append(fmt(x)).append("\" y=\"").append(y)
                    .append("\" width=\"").append(fmt(w)).append("\" height=\"").append(ROW - 8).append("\"><title>")
                    .append(Html.text(bar.label())).append(": ")
                    .append(Html.duration(Duration.between(bar.from(), bar.to()))).append("</title></rect></g>\n");
            row++;
        }
        b.append("</svg>\n<figcaption>Phases and impact windows (table below)</figcaption>\n</figure>\n");
        b.append("<div class=\"wrap\"><table class=\"phases\">\n<caption>Phases as text</caption>\n<thead><tr>"
                + "<th scope=\"col\">Phase</th><th scope=\"col\">From</th><th scope=\"col\">To</th>"
                + "<th scope=\"col\">Duration</th></tr></thead>\n<tbody>\n");
        for (Bar bar : bars) {
            b.append("<tr><th scope=\"row\">").append(Html.text(bar.label())).append("</th><td>")
                    .append(Html.time(bar.from())).append("</td><td>").append(Html.time(bar.to())).append("</td><td>")
                    .append(Html.duration(Duration.between(bar.from(), bar.to()))).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
