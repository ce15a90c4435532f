package ir.site;

import ir.model.Person;
import ir.render.Redaction;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTML building blocks of the site: escaping, e-mail scrubbing, the page layout and its one stylesheet. */
public final class Html {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Inline on every page (no external file, so each page opens alone from disk); light, dark and print. */
    static final String CSS = String.join("\n",
            ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--line:#ccc;--bar:#2f6fb3;"
                    + "--ok:#1a7f37;--bad:#b00020;--link:#0b57d0}",
            "@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#121212;--muted:#aaa;--line:#444;"
                    + "--bar:#6ea8e8;--ok:#5fd17a;--bad:#ff6b81;--link:#8ab4f8}}",
            "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);"
                    + "margin:0 auto;max-width:64rem;padding:0 1rem 2rem}",
            "a{color:var(--link)}",
            "header nav{display:flex;flex-wrap:wrap;gap:1rem;padding:.75rem 0;border-bottom:1px solid var(--line)}",
            ".wrap{overflow-x:auto}",
            "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}",
            "th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}",
            "caption{text-align:left;color:var(--muted);padding:.25rem 0}",
            "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}",
            "dl.facts dt{font-weight:600}dl.facts dd{margin:0}",
            ".filters ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.25rem 0}",
            ".muted{color:var(--muted)}",
            "svg{max-width:100%;height:auto}svg .bar{fill:var(--bar)}svg text{fill:var(--fg);font-size:14px}",
            "svg .axis{stroke:var(--line)}",
            ".indicator{padding:.75rem 1rem;border-left:.5rem solid var(--bad);font-weight:600}",
            ".indicator.none{border-color:var(--ok)}",
            "pre{overflow-x:auto}",
            "@media (max-width:40rem){body{font-size:15px}th,td{padding:.3rem}}",
            "@media print{header nav,.filters{display:none}body{max-width:none;color:#000;background:#fff}"
                    + "a{color:#000;text-decoration:none}svg .bar{fill:#555}svg text{fill:#000}"
                    + "tr,svg{break-inside:avoid}}");

    private Html() {
    }

    /** {@code s} safe as HTML text or as a quoted attribute value; null is empty. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
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

    /** {@code s} without any e-mail address (the site is published: addresses stay in the repository). */
    public static String scrub(String s) {
        return s == null ? "" : Redaction.EMAIL.matcher(s).replaceAll("");
    }

    /** A person as shown on the site: the name only. */
    public static String person(String p) {
        return esc(scrub(Person.name(p)).strip());
    }

    /** Text from an incident, scrubbed and escaped. */
    public static String text(String s) {
        return esc(scrub(s));
    }

    public static String time(Instant t) {
        return t == null ? "" : "<time datetime=\"" + t + "\">" + SHOWN.format(t) + "</time>";
    }

    /** 1 h 5 m, 42 m, 30 s. */
    public static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long s = d.getSeconds();
        long days = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
        if (days > 0) {
            return days + " d " + h + " h";
        }
        if (h > 0) {
            return h + " h " + m + " m";
        }
        return m > 0 ? m + " m" : s + " s";
    }

    /** A lower-case file-name part: letters, digits and dashes. */
    public static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return t.isEmpty() ? "x" : t;
    }

    /**
     * A whole page: {@code root} is the relative path to the site's root ("" or "../"), {@code body} the contents
     * of {@code <main>}, which start with the page's one {@code h1}.
     */
    static String page(String title, String root, String body) {
        return page(title, root, body, true);
    }

    /** A page; without {@code nav} (the public status page) it links to nothing of the team's own site. */
    static String page(String title, String root, String body, boolean nav) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + esc(title) + "</title>\n<style>\n" + CSS + "\n</style>\n</head>\n<body>\n"
                + (nav ? "<header><nav aria-label=\"Site\"><a href=\"" + root + "index.html\">Incidents</a>"
                + "<a href=\"" + root + "report/index.html\">Report</a>"
                + "<a href=\"" + root + "status/index.html\">Status</a></nav></header>\n" : "")
                + "<main>\n" + body + "</main>\n</body>\n</html>\n";
    }
}
