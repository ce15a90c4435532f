package ir.render;

import ir.model.Checklists;
import ir.model.Report;
import ir.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders a {@link Report.Result}: Markdown (GFM tables, Mermaid {@code xychart-beta} charts), one self-contained
 * HTML page (inline SVG charts with text alternatives, CSS with dark mode and print, no scripts, no network), or a
 * plain tree of maps and lists that holds every number (for JSON). {@code ir report} and the site's report page use
 * these.
 */
public final class ReportView {
    private static final List<String> METRICS = List.of("mttd", "mtta", "mttm", "mttr");
    private static final Map<String, String> NAMES = Map.of("mttd", "MTTD (time to detect)", "mtta",
            "MTTA (time to acknowledge)", "mttm", "MTTM (time to mitigate)", "mttr", "MTTR (time to resolve)");

    /** How many repeat incidents Markdown and HTML list one by one. */
    public static final int LATEST_REPEATS = 20;

    private ReportView() {
    }

    private static Report.Measure measure(Report.Period p, String metric) {
        return switch (metric) {
            case "mttd" -> p.mttd();
            case "mtta" -> p.mtta();
            case "mttm" -> p.mttm();
            default -> p.mttr();
        };
    }

    /** The title and the range line shared by every format. */
    private static String range(Report.Result r) {
        Report.Query q = r.query();
        StringBuilder s = new StringBuilder();
        s.append(q.since() == null ? "from the first incident" : "from " + Times.format(q.since()));
        s.append(q.until() == null ? " to now" : " to " + Times.format(q.until()));
        s.append(", by ").append(q.by().label());
        if (q.severity() != null) {
            s.append(", severity ").append(q.severity());
        }
        if (q.tag() != null) {
            s.append(", tag ").append(q.tag());
        }
        s.append(q.drills() ? ", drills included" : ", drills left out");
        s.append(q.canceled() ? ", canceled incidents included" : ", canceled incidents left out");
        s.append("; as of ").append(Times.format(r.asOf()));
        return s.toString();
    }

    private static String human(Duration d) {
        return d == null ? "–" : Times.human(d);
    }

    private static String hours(Duration d) {
        return d == null ? "0" : String.format(Locale.ROOT, "%.2f", d.getSeconds() / 3600.0);
    }

    // ---- Markdown ----------------------------------------------------------------------------------------------

    /** The report as GitHub/GitLab-flavoured Markdown. */
    public static String markdown(Report.Result r) {
        StringBuilder md = new StringBuilder();
        md.append("# Incident report\n\n").append(Markdown.inline(range(r))).append(".\n\n");
        md.append(r.overall().incidents()).append(" incidents. Formulas: docs/metrics.md in the ir project.\n\n");

        md.append("## Summary\n\n| Metric | Median | p90 | Incidents measured |\n|---|---|---|---|\n");
        for (String m : METRICS) {
            Report.Measure x = measure(r.overall(), m);
            md.append("| ").append(NAMES.get(m)).append(" | ").append(human(x.median())).append(" | ")
                    .append(human(x.p90())).append(" | ").append(x.n()).append(" |\n");
        }
        md.append('\n');

        List<String> labels = r.periods().stream().map(Report.Period::label).toList();
        md.append("## Incidents by severity\n\n");
        if (!labels.isEmpty()) {
            md.append(mermaid("Incidents per " + r.query().by().label(), labels, "Incidents",
                    List.of(r.periods().stream().map(p -> String.valueOf(p.incidents())).toList()), true));
        }
        md.append("| Period |");
        r.severities().forEach(s -> md.append(' ').append(Markdown.cell(s)).append(" |"));
        md.append(" Total |\n|---|");
        r.severities().forEach(s -> md.append("---|"));
        md.append("---|\n");
        for (Report.Period p : withOverall(r)) {
            md.append("| ").append(p.label()).append(" |");
            r.severities().forEach(s -> md.append(' ').append(p.bySeverity().getOrDefault(s, 0)).append(" |"));
            md.append(' ').append(p.incidents()).append(" |\n");
        }
        md.append('\n');

        md.append("## Response times\n\n");
        if (!labels.isEmpty()) {
            md.append(mermaid("MTTR per " + r.query().by().label() + " in hours (median, then p90)", labels, "Hours",
                    List.of(r.periods().stream().map(p -> hours(p.mttr().median())).toList(),
                            r.periods().stream().map(p -> hours(p.mttr().p90())).toList()), false));
        }
        md.append("Median / p90 (incidents measured).\n\n| Period | MTTD | MTTA | MTTM | MTTR |\n|---|---|---|---|---|\n");
        for (Report.Period p : withOverall(r)) {
            md.append("| ").append(p.label()).append(" |");
            for (String m : METRICS) {
                Report.Measure x = measure(p, m);
                md.append(' ').append(human(x.median())).append(" / ").append(human(x.p90())).append(" (")
                        .append(x.n()).append(") |");
            }
            md.append('\n');
        }
        md.append('\n');

        md.append("## Time at ").append(String.join(" and ", r.majorSeverities())).append("\n\n| Period |");
        r.majorSeverities().forEach(s -> md.append(' ').append(Markdown.cell(s)).append(" |"));
        md.append("\n|---|");
        r.majorSeverities().forEach(s -> md.append("---|"));
        md.append('\n');
        for (Report.Period p : withOverall(r)) {
            md.append("| ").append(p.label()).append(" |");
            r.majorSeverities().forEach(s -> md.append(' ').append(human(p.timeAtSeverity().get(s))).append(" |"));
            md.append('\n');
        }
        md.append('\n');

        md.append("## Top tags\n\n");
        if (r.topTags().isEmpty()) {
            md.append("No tags.\n\n");
        } else {
            md.append("| Tag | Incidents |\n|---|---|\n");
            r.topTags().forEach(t -> md.append("| ").append(Markdown.cell(t.tag())).append(" | ")
                    .append(t.incidents()).append(" |\n"));
            md.append('\n');
        }

        md.append("## Repeat incidents\n\n").append(r.repeats().size()).append(" incidents shared a tag with one that "
                + "started at most ").append(Report.REPEAT_DAYS).append(" days before.\n\n");
        if (!r.repeats().isEmpty()) {
            md.append("| Tag | Repeats |\n|---|---|\n");
            repeatsByTag(r).forEach((tag, n) -> md.append("| ").append(Markdown.cell(tag)).append(" | ").append(n)
                    .append(" |\n"));
            md.append("\nThe latest ").append(latestRepeats(r).size()).append(":\n\n");
            md.append("| Incident | Tag | After | Days later |\n|---|---|---|---|\n");
            latestRepeats(r).forEach(x -> md.append("| ").append(Markdown.cell(x.id())).append(" | ")
                    .append(Markdown.cell(x.tag())).append(" | ").append(Markdown.cell(x.previous())).append(" | ")
                    .append(x.after().toDays()).append(" |\n"));
            md.append('\n');
        }

        Report.Actions a = r.actions();
        md.append("## Action items\n\n| Created | Done | Won't do | Open | Overdue | Median time to done |\n"
                + "|---|---|---|---|---|---|\n| ").append(a.created()).append(" | ").append(a.done()).append(" | ")
                .append(a.wontDo()).append(" | ").append(a.open()).append(" | ").append(a.overdue()).append(" | ")
                .append(human(a.timeToDone().median())).append(" |\n\n");

        md.append("## Post-mortems overdue for review\n\n");
        if (r.overduePostmortems().isEmpty()) {
            md.append("None.\n\n");
        } else {
            md.append("| Incident | Severity | Resolved | Status | Days overdue |\n|---|---|---|---|---|\n");
            r.overduePostmortems().forEach(x -> md.append("| ").append(Markdown.cell(x.id())).append(" | ")
                    .append(Markdown.cell(x.severity())).append(" | ").append(Times.format(x.resolved()))
                    .append(" | ").append(x.status()).append(" | ").append(x.daysOverdue()).append(" |\n"));
            md.append('\n');
        }

        md.append("## Checklist steps done on time\n\n");
        if (r.checklist().isEmpty()) {
            md.append("No checklist step with a due time.\n");
        } else {
            md.append("| Step | On time | Due |\n|---|---|---|\n");
            r.checklist().forEach(c -> md.append("| ").append(Markdown.cell(c.text())).append(" | ")
                    .append(c.onTime()).append(" | ").append(c.due()).append(" |\n"));
        }
        return md.toString();
    }

    /** How many repeats each tag had, most first (then by tag). */
    private static Map<String, Integer> repeatsByTag(Report.Result r) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        r.repeats().forEach(x -> counts.merge(x.tag(), 1, Integer::sum));
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The last {@link #LATEST_REPEATS} repeats, newest first (JSON has them all). */
    private static List<Report.Repeat> latestRepeats(Report.Result r) {
        List<Report.Repeat> all = new ArrayList<>(r.repeats());
        java.util.Collections.reverse(all);
        return all.subList(0, Math.min(LATEST_REPEATS, all.size()));
    }

    private static List<Report.Period> withOverall(Report.Result r) {
        List<Report.Period> out = new ArrayList<>(r.periods());
        out.add(r.overall());
        return out;
    }

    private static String mermaid(String title, List<String> labels, String yAxis, List<List<String>> series,
                                  boolean bar) {
        StringBuilder s = new StringBuilder("```mermaid\nxychart-beta\n    title \"")
                .append(Markdown.mermaidLabel(title)).append("\"\n    x-axis [");
        for (int i = 0; i < labels.size(); i++) {
            s.append(i == 0 ? "" : ", ").append('"').append(labels.get(i)).append('"');
        }
        s.append("]\n    y-axis \"").append(yAxis).append("\"\n");
        for (List<String> values : series) {
            s.append("    ").append(bar ? "bar" : "line").append(" [").append(String.join(", ", values))
                    .append("]\n");
        }
        return s.append("```\n\n").toString();
    }

    // ---- HTML --------------------------------------------------------------------------------------------------

    /** The stylesheet of the report page: light and dark, printable; no web fonts, no URLs. */
    public static String css() {
        return """
                :root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--bar:#0969da;\
                --bar2:#bf3989}
                @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#30363d;\
                --bar:#4493f8;--bar2:#db61a2}}
                body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;\
                max-width:60rem;padding:1rem}
                h1,h2{line-height:1.2}
                .range{color:var(--muted)}
                .scroll{overflow-x:auto}
                table{border-collapse:collapse;margin:.5rem 0 1.5rem}
                th,td{border:1px solid var(--line);padding:.25rem .6rem;text-align:left}
                td.n{text-align:right;font-variant-numeric:tabular-nums}
                figure{margin:1rem 0}
                svg{max-width:100%;height:auto}
                svg text{fill:var(--fg);font-size:11px}
                svg .bar{fill:var(--bar)}
                svg .bar2{fill:var(--bar2)}
                svg .axis{stroke:var(--line)}
                @media print{body{max-width:none;color:#000;background:#fff}.scroll{overflow:visible}\
                svg .bar{fill:#555}svg .bar2{fill:#999}svg text{fill:#000}h2{break-after:avoid}\
                table,figure{break-inside:avoid}}
                """;
    }

    /** The report as one self-contained HTML page: no scripts, no network. */
    public static String html(Report.Result r) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>Incident report</title>\n<style>\n" + css() + "</style>\n</head>\n<body>\n<main>\n"
                + htmlBody(r) + "</main>\n</body>\n</html>\n";
    }

    /**
     * The report's content (from its {@code h1} on), to put inside a page's {@code <main>} with {@link #css()}: the
     * site's report page embeds this.
     */
    public static String htmlBody(Report.Result r) {
        StringBuilder h = new StringBuilder();
        h.append("<h1>Incident report</h1>\n<p class=\"range\">").append(esc(range(r))).append(".</p>\n<p>")
                .append(r.overall().incidents()).append(" incidents.</p>\n");

        h.append("<h2>Summary</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Metric</th>"
                + "<th scope=\"col\">Median</th><th scope=\"col\">p90</th><th scope=\"col\">Incidents measured</th>"
                + "</tr></thead>\n<tbody>\n");
        for (String m : METRICS) {
            Report.Measure x = measure(r.overall(), m);
            h.append("<tr><th scope=\"row\">").append(esc(NAMES.get(m))).append("</th>").append(td(human(x.median())))
                    .append(td(human(x.p90()))).append(td(x.n())).append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");

        List<String> labels = r.periods().stream().map(Report.Period::label).toList();
        String per = r.query().by().label();
        h.append("<h2>Incidents by severity</h2>\n");
        if (!labels.isEmpty()) {
            h.append(svgBars("chart-incidents", "Incidents per " + per, labels,
                    List.of(r.periods().stream().map(p -> (double) p.incidents()).toList()), List.of("incidents"),
                    v -> String.valueOf(Math.round(v))));
        }
        h.append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Period</th>");
        r.severities().forEach(s -> h.append("<th scope=\"col\">").append(esc(s)).append("</th>"));
        h.append("<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
        for (Report.Period p : withOverall(r)) {
            h.append("<tr><th scope=\"row\">").append(esc(p.label())).append("</th>");
            r.severities().forEach(s -> h.append(td(p.bySeverity().getOrDefault(s, 0))));
            h.append(td(p.incidents())).append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");

        h.append("<h2>Response times</h2>\n");
        if (!labels.isEmpty()) {
            h.append(svgBars("chart-mttr", "MTTR per " + per + " in hours, median and p90", labels,
                    List.of(r.periods().stream().map(p -> hoursOf(p.mttr().median())).toList(),
                            r.periods().stream().map(p -> hoursOf(p.mttr().p90())).toList()),
                    List.of("median", "p90"), v -> String.format(Locale.ROOT, "%.1f h", v)));
        }
        h.append("<p>Median / p90 (incidents measured).</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
                + "<th scope=\"col\">Period</th><th scope=\"col\">MTTD</th><th scope=\"col\">MTTA</th>"
                + "<th scope=\"col\">MTTM</th><th scope=\"col\">MTTR</th></tr></thead>\n<tbody>\n");
        for (Report.Period p : withOverall(r)) {
            h.append("<tr><th scope=\"row\">").append(esc(p.label())).append("</th>");
            for (String m : METRICS) {
                Report.Measure x = measure(p, m);
                h.append(td(human(x.median()) + " / " + human(x.p90()) + " (" + x.n() + ")"));
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");

        h.append("<h2>Time at ").append(esc(String.join(" and ", r.majorSeverities()))).append("</h2>\n")
                .append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Period</th>");
        r.majorSeverities().forEach(s -> h.append("<th scope=\"col\">").append(esc(s)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (Report.Period p : withOverall(r)) {
            h.append("<tr><th scope=\"row\">").append(esc(p.label())).append("</th>");
            r.majorSeverities().forEach(s -> h.append(td(human(p.timeAtSeverity().get(s)))));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");

        h.append("<h2>Top tags</h2>\n");
        if (r.topTags().isEmpty()) {
            h.append("<p>No tags.</p>\n");
        } else {
            h.append("<table>\n<thead><tr><th scope=\"col\">Tag</th><th scope=\"col\">Incidents</th></tr></thead>\n"
                    + "<tbody>\n");
            r.topTags().forEach(t -> h.append("<tr><td>").append(esc(t.tag())).append("</td>").append(td(t.incidents()))
                    .append("</tr>\n"));
            h.append("</tbody></table>\n");
        }

        h.append("<h2>Repeat incidents</h2>\n<p>").append(r.repeats().size())
                .append(" incidents shared a tag with one that started at most ").append(Report.REPEAT_DAYS)
                .append(" days before.</p>\n");
        if (!r.repeats().isEmpty()) {
            h.append("<table>\n<thead><tr><th scope=\"col\">Tag</th><th scope=\"col\">Repeats</th></tr></thead>\n"
                    + "<tbody>\n");
            repeatsByTag(r).forEach((tag, n) -> h.append("<tr><td>").append(esc(tag)).append("</td>").append(td(n))
                    .append("</tr>\n"));
            h.append("</tbody></table>\n<p>The latest ").append(latestRepeats(r).size()).append(":</p>\n");
            h.append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">Tag"
                    + "</th><th scope=\"col\">After</th><th scope=\"col\">Days later</th></tr></thead>\n<tbody>\n");
            latestRepeats(r).forEach(x -> h.append("<tr><td>").append(esc(x.id())).append("</td><td>").append(esc(x.tag()))
                    .append("</td><td>").append(esc(x.previous())).append("</td>").append(td(x.after().toDays()))
                    .append("</tr>\n"));
            h.append("</tbody></table></div>\n");
        }

        Report.Actions a = r.actions();
        h.append("<h2>Action items</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Created</th>"
                + "<th scope=\"col\">Done</th><th scope=\"col\">Won't do</th><th scope=\"col\">Open</th>"
                + "<th scope=\"col\">Overdue</th><th scope=\"col\">Median time to done</th></tr></thead>\n<tbody>\n"
                + "<tr>").append(td(a.created())).append(td(a.done())).append(td(a.wontDo())).append(td(a.open()))
                .append(td(a.overdue())).append(td(human(a.timeToDone().median()))).append("</tr>\n</tbody></table>"
                        + "</div>\n");

        h.append("<h2>Post-mortems overdue for review</h2>\n");
        if (r.overduePostmortems().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">"
                    + "Severity</th><th scope=\"col\">Resolved</th><th scope=\"col\">Status</th><th scope=\"col\">"
                    + "Days overdue</th></tr></thead>\n<tbody>\n");
            r.overduePostmortems().forEach(x -> h.append("<tr><td>").append(esc(x.id())).append("</td><td>")
                    .append(esc(x.severity())).append("</td><td>").append(esc(Times.format(x.resolved())))
                    .append("</td><td>").append(esc(x.status())).append("</td>").append(td(x.daysOverdue()))
                    .append("</tr>\n"));
            h.append("</tbody></table></div>\n");
        }

        h.append("<h2>Checklist steps done on time</h2>\n");
        if (r.checklist().isEmpty()) {
            h.append("<p>No checklist step with a due time.</p>\n");
        } else {
            h.append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Step</th><th scope=\"col\">On time"
                    + "</th><th scope=\"col\">Due</th></tr></thead>\n<tbody>\n");
            for (Checklists.OnTime c : r.checklist()) {
                h.append("<tr><td>").append(esc(c.text())).append("</td>").append(td(c.onTime())).append(td(c.due()))
                        .append("</tr>\n");
            }
            h.append("</tbody></table></div>\n");
        }
        return h.toString();
    }

    private static double hoursOf(Duration d) {
        return d == null ? 0 : d.getSeconds() / 3600.0;
    }

    private static String td(Object v) {
        return "<td class=\"n\">" + esc(String.valueOf(v)) + "</td>";
    }

    /** HTML text and attribute escaping. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A bar chart as inline SVG: one group of bars per label, one bar per series ({@code class="bar"}, the second
     * series {@code "bar bar2"}), each with a {@code <title>}; the chart has a {@code <title>} and a {@code <desc>}
     * that lists every value (the table next to it says the same).
     */
    static String svgBars(String id, String title, List<String> labels, List<List<Double>> series,
                          List<String> names, Function<Double, String> format) {
        double max = 0;
        for (List<Double> s : series) {
            for (double v : s) {
                max = Math.max(max, v);
            }
        }
        max = max <= 0 ? 1 : max;
        int n = labels.size();
        int group = Math.max(16, Math.min(60, 560 / Math.max(n, 1)));
        int barW = Math.max(3, (group - 4) / series.size());
        int left = 40;
        int top = 10;
        int plotH = 160;
        int width = left + n * group + 10;
        int height = top + plotH + 40;
        StringBuilder desc = new StringBuilder();
        for (int i = 0; i < n; i++) {
            desc.append(i == 0 ? "" : "; ").append(labels.get(i)).append(':');
            for (int k = 0; k < series.size(); k++) {
                desc.append(' ').append(names.get(k)).append(' ').append(format.apply(series.get(k).get(i)));
            }
        }
        String tid = id + "-title";
        String did = id + "-desc";
        StringBuilder s = new StringBuilder();
        s.append("<figure>\n<svg role=\"img\" viewBox=\"0 0 ").append(width)
                .append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" aria-labelledby=\"").append(tid).append(' ').append(did).append("\">\n<title id=\"")
                .append(tid).append("\">").append(esc(title)).append("</title>\n<desc id=\"").append(did).append("\">")
                .append(esc(desc.toString())).append("</desc>\n");
        s.append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(top + plotH).append("\" x2=\"")
                .append(width - 5).append("\" y2=\"").append(top + plotH).append("\"/>\n");
        s.append("<text x=\"").append(left - 4).append("\" y=\"").append(top + 10).append("\" text-anchor=\"end\">")
                .append(esc(format.apply(max))).append("</text>\n");
        for (int i = 0; i < n; i++) {
            int gx = left + i * group + 2;
            for (int k = 0; k < series.size(); k++) {
                double v = series.get(k).get(i);
                int bh = (int) Math.round(v / max * plotH);
                s.append("<rect class=\"bar").append(k == 0 ? "" : " bar" + (k + 1)).append("\" x=\"")
                        .append(gx + k * barW).append("\" y=\"").append(top + plotH - bh).append("\" width=\"")
                        .append(barW - 1).append("\" height=\"").append(bh).append("\"><title>")
                        .append(esc(labels.get(i) + ": " + names.get(k) + " " + format.apply(v)))
                        .append("</title></rect>\n");
            }
            if (n <= 24 || i % Math.max(1, n / 12) == 0) {
                s.append("<text x=\"").append(gx + group / 2 - 2).append("\" y=\"").append(top + plotH + 14)
                        .append("\" text-anchor=\"middle\">").append(esc(labels.get(i))).append("</text>\n");
            }
        }
        s.append("</svg>\n<figcaption>").append(esc(title)).append(series.size() > 1 ? " (" + String.join(", then ",
                names) + ")" : "").append("</figcaption>\n</figure>\n");
        return s.toString();
    }

    // ---- data (JSON) -------------------------------------------------------------------------------------------

    /** Every number of the report as maps and lists (durations in seconds, instants in RFC 3339), for JSON. */
    public static Map<String, Object> data(Report.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Report.Query q = r.query();
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("since", instant(q.since()));
        query.put("until", instant(q.until()));
        query.put("by", q.by().label());
        query.put("severity", q.severity());
        query.put("tag", q.tag());
        query.put("drills", q.drills());
        query.put("canceled", q.canceled());
        m.put("query", query);
        m.put("as_of", instant(r.asOf()));
        m.put("severities", r.severities());
        m.put("major_severities", r.majorSeverities());
        m.put("overall", period(r.overall()));
        List<Object> periods = new ArrayList<>();
        r.periods().forEach(p -> periods.add(period(p)));
        m.put("periods", periods);
        List<Object> tags = new ArrayList<>();
        r.topTags().forEach(t -> tags.add(Map.of("tag", t.tag(), "incidents", t.incidents())));
        m.put("top_tags", tags);
        List<Object> repeats = new ArrayList<>();
        for (Report.Repeat x : r.repeats()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", x.id());
            e.put("tag", x.tag());
            e.put("previous", x.previous());
            e.put("after_seconds", x.after().getSeconds());
            repeats.add(e);
        }
        m.put("repeats", repeats);
        Report.Actions a = r.actions();
        Map<String, Object> actions = new LinkedHashMap<>();
        actions.put("created", a.created());
        actions.put("done", a.done());
        actions.put("wont_do", a.wontDo());
        actions.put("open", a.open());
        actions.put("overdue", a.overdue());
        actions.put("time_to_done", measure(a.timeToDone()));
        m.put("action_items", actions);
        List<Object> pms = new ArrayList<>();
        for (Report.OverduePostmortem x : r.overduePostmortems()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", x.id());
            e.put("title", x.title());
            e.put("severity", x.severity());
            e.put("resolved_at", instant(x.resolved()));
            e.put("status", x.status());
            e.put("days_overdue", x.daysOverdue());
            pms.add(e);
        }
        m.put("postmortems_overdue", pms);
        m.put("review_days", Report.REVIEW_DAYS);
        m.put("repeat_days", Report.REPEAT_DAYS);
        List<Object> steps = new ArrayList<>();
        for (Checklists.OnTime c : r.checklist()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", c.id());
            e.put("text", c.text());
            e.put("on_time", c.onTime());
            e.put("due", c.due());
            steps.add(e);
        }
        m.put("checklist_on_time", steps);
        return m;
    }

    private static Map<String, Object> period(Report.Period p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", p.label());
        m.put("from", instant(p.from()));
        m.put("to", instant(p.to()));
        m.put("incidents", p.incidents());
        m.put("by_severity", p.bySeverity());
        for (String k : METRICS) {
            m.put(k, measure(measure(p, k)));
        }
        Map<String, Object> at = new LinkedHashMap<>();
        p.timeAtSeverity().forEach((s, d) -> at.put(s, d.getSeconds()));
        m.put("seconds_at_severity", at);
        m.put("repeats", p.repeats());
        m.put("action_items_created", p.actionsCreated());
        m.put("action_items_done", p.actionsDone());
        return m;
    }

    private static Map<String, Object> measure(Report.Measure x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_seconds", x.median() == null ? null : x.median().getSeconds());
        m.put("p90_seconds", x.p90() == null ? null : x.p90().getSeconds());
        m.put("n", x.n());
        return m;
    }

    private static String instant(Instant at) {
        return at == null ? null : Times.format(at);
    }
}
