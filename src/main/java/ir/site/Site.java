package ir.site;

import ir.model.Cancellation;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.ListField;
import ir.model.Milestone;
import ir.model.Phases;
import ir.model.TimelineEvent;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The static site of {@code ir site build}, as relative path → bytes (written by {@link SiteFiles}): the incident
 * index and its filtered pages, one page per incident with its post-mortem, the report ({@link ReportPage}) and the
 * public status page ({@link StatusPage}). Pure: the same incidents give the same bytes (no build time, no
 * randomness), so the site's diff shows what changed. Drills are left out everywhere; canceled incidents too.
 */
public final class Site {
    /** The default report page: incidents per severity, until {@code ir report}'s page is plugged in. */
    public static final ReportPage MINIMAL_REPORT = Site::minimalReport;

    /** An incident ID that is safe as a file name (IDs are generated so; a hand-edited one may not be). */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(List.of(TablesExtension.create()))
            .escapeHtml(true).sanitizeUrls(true).build();

    /**
     * What the site is built from. {@code postmortem} gives an incident's post-mortem Markdown (null when it has
     * none); {@code json} serializes {@code summary.json}'s maps; {@code baseUrl} (may be null) is where the site is
     * published, for the status page's own address; {@code publicOnly} builds {@code status/} alone.
     */
    public record Input(List<Incident> incidents, IrConfig config, String siteName, String baseUrl,
                        Function<Incident, String> postmortem, Function<Object, String> json, ReportPage report,
                        boolean publicOnly, Consumer<String> warn) {
    }

    private Site() {
    }

    /** The incidents the site shows: no drills, no canceled ones, only IDs that are safe file names. */
    public static List<Incident> shown(List<Incident> all, Consumer<String> warn) {
        List<Incident> out = new ArrayList<>();
        for (Incident i : all) {
            if (i.drill() || Cancellation.isCanceled(i)) {
                continue;
            }
            if (!SAFE_ID.matcher(i.id()).matches()) {
                warn.accept("incident '" + i.id() + "' has an ID that is not a safe file name: left out of the site");
                continue;
            }
            out.add(i);
        }
        out.sort(Comparator.comparing(Incident::openedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Incident::id));
        return out;
    }

    /** Every file of the site, by path relative to its directory, in path order. */
    public static SortedMap<String, byte[]> build(Input in) {
        List<Incident> shown = shown(in.incidents(), in.warn());
        SortedMap<String, byte[]> files = new TreeMap<>();
        StatusPage status = new StatusPage(shown, in.config(), in.siteName(), in.baseUrl());
        put(files, "status/index.html", status.html());
        put(files, "status/summary.json", in.json().apply(status.summary()) + "\n");
        if (in.publicOnly()) {
            return files;
        }
        Set<String> sevs = severities(shown, in.config());
        Set<String> sts = statuses(shown, in.config());
        put(files, "index.html", index("Incidents", "", shown, sevs, sts));
        for (String sev : sevs) {
            put(files, "by/severity-" + Html.slug(sev) + ".html", index("Incidents: " + sev, "../",
                    shown.stream().filter(i -> sev.equals(i.severity())).toList(), sevs, sts));
        }
        for (String st : sts) {
            put(files, "by/status-" + Html.slug(st) + ".html", index("Incidents: " + st, "../",
                    shown.stream().filter(i -> st.equals(i.status())).toList(), sevs, sts));
        }
        for (Incident i : shown) {
            put(files, "incidents/" + i.id() + ".html", IncidentPage.html(i, in.config(), in.postmortem().apply(i)));
        }
        put(files, "report/index.html", in.report().html(shown, in.config()));
        return files;
    }

    private static void put(Map<String, byte[]> files, String path, String text) {
        files.put(path, text.getBytes(StandardCharsets.UTF_8));
    }

    static Set<String> severities(List<Incident> shown, IrConfig config) {
        Set<String> s = new LinkedHashSet<>();
        config.severities().forEach(v -> s.add(v.name()));
        shown.forEach(i -> s.add(i.severity()));
        return s;
    }

    private static Set<String> statuses(List<Incident> shown, IrConfig config) {
        Set<String> s = new LinkedHashSet<>(config.statuses());
        shown.forEach(i -> s.add(i.status()));
        return s;
    }

    /** The index (root "") or one of its filtered pages (root "../"). */
    private static String index(String title, String root, List<Incident> incidents, Set<String> sevs,
                                Set<String> sts) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>").append(Html.esc(title)).append("</h1>\n");
        b.append("<nav class=\"filters\" aria-label=\"Filter incidents\">\n<h2>Filter</h2>\n");
        b.append("<p><a href=\"").append(root).append("index.html\">All incidents</a></p>\n");
        b.append("<h3>By severity</h3>\n<ul>");
        for (String sev : sevs) {
            b.append("<li><a href=\"").append(root).append("by/severity-").append(Html.slug(sev)).append(".html\">")
                    .append(Html.esc(sev)).append("</a></li>");
        }
        b.append("</ul>\n<h3>By status</h3>\n<ul>");
        for (String st : sts) {
            b.append("<li><a href=\"").append(root).append("by/status-").append(Html.slug(st)).append(".html\">")
                    .append(Html.esc(st)).append("</a></li>");
        }
        b.append("</ul>\n</nav>\n");
        b.append("<h2>").append(incidents.size()).append(incidents.size() == 1 ? " incident" : " incidents")
                .append("</h2>\n");
        if (incidents.isEmpty()) {
            b.append("<p>No incidents.</p>\n");
        } else {
            b.append("<div class=\"wrap\"><table class=\"incidents\">\n<thead><tr><th scope=\"col\">ID</th>"
                    + "<th scope=\"col\">Title</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th>"
                    + "<th scope=\"col\">Declared</th><th scope=\"col\">Impact</th></tr></thead>\n<tbody>\n");
            for (Incident i : incidents) {
                Instant last = lastEntry(i);
                b.append("<tr><td><a href=\"").append(root).append("incidents/").append(i.id()).append(".html\">")
                        .append(Html.esc(i.id())).append("</a></td><td>").append(Html.text(i.title()))
                        .append("</td><td>").append(Html.esc(i.severity())).append("</td><td>")
                        .append(Html.esc(i.status())).append("</td><td>").append(Html.time(i.openedAt()))
                        .append("</td><td>").append(Html.duration(last == null ? null : Phases.impact(i, last)))
                        .append("</td></tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
        }
        return Html.page(title, root, b.toString());
    }

    /** The incident's newest recorded instant: "now" for its open impact, so pages never depend on the build time. */
    static Instant lastEntry(Incident i) {
        Instant last = null;
        for (TimelineEvent e : i.timeline()) {
            last = last == null || e.at().isAfter(last) ? e.at() : last;
        }
        for (Instant t : i.times().values()) {
            last = last == null || t.isAfter(last) ? t : last;
        }
        return last;
    }

    /**
     * Post-mortem Markdown as HTML: CommonMark with GitHub tables, raw HTML escaped (never passed through), unsafe
     * link schemes dropped, e-mail addresses removed, and headings moved down so the document's top level is
     * {@code h(top)} under the page's own headings.
     */
    public static String markdown(String md, int top) {
        Node doc = PARSER.parse(Html.scrub(md));
        int[] min = {7};
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(Heading h) {
                min[0] = Math.min(min[0], h.getLevel());
            }
        });
        int shift = min[0] == 7 ? 0 : top - min[0];
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(Heading h) {
                h.setLevel(Math.max(1, Math.min(6, h.getLevel() + shift)));
            }
        });
        return RENDERER.render(doc);
    }

    private static String minimalReport(List<Incident> incidents, IrConfig config) {
        StringBuilder b = new StringBuilder("<h1>Report</h1>\n<div class=\"wrap\"><table class=\"report\">\n"
                + "<caption>Incidents by severity (drills and canceled incidents left out)</caption>\n"
                + "<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Incidents</th>"
                + "<th scope=\"col\">Open</th></tr></thead>\n<tbody>\n");
        for (String sev : severities(incidents, config)) {
            List<Incident> of = incidents.stream().filter(i -> sev.equals(i.severity())).toList();
            long open = of.stream().filter(i -> !ir.model.Lifecycle.isDone(config, i.status())).count();
            b.append("<tr><th scope=\"row\">").append(Html.esc(sev)).append("</th><td>").append(of.size())
                    .append("</td><td>").append(open).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
        return Html.page("Report", "../", b.toString());
    }

    static List<String> tags(Incident i) {
        return i.lists().getOrDefault(ListField.TAGS, List.of());
    }

    static Duration between(Instant a, Instant b) {
        return a == null || b == null || b.isBefore(a) ? null : Duration.between(a, b);
    }

    static Instant at(Incident i, Milestone m) {
        return i.time(m);
    }
}
