package ir.cli;

import ir.model.Incident;
import ir.model.IrException;
import ir.render.PostmortemDocument;
import ir.site.Site;
import ir.site.SiteFiles;
import ir.store.Workspace;
import ir.store.WorkspaceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SortedMap;

/** {@code ir site}: the static site of the workspace's incidents, with its public status page. */
@Command(name = "site", description = {"The static site: an incident index, a page per incident with its "
        + "post-mortem, the report, and a public status page with a Statuspage-style summary.json.",
        "See docs/site.md."},
        subcommands = {SiteCommand.Build.class},
        footer = {"", "Examples:", "  ir site build", "  ir site build -o public --base-url https://status.example.com"})
public final class SiteCommand extends IrCommand {
    @Override
    protected int run() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code ir site build}. */
    @Command(name = "build", description = {"Build the site into a directory (default: site/ in the workspace).",
            "The whole site is for the team; status/ (index.html and summary.json) is the public part: only public "
                    + "updates of open incidents, no drills, no canceled incidents, no e-mail addresses. The same "
                    + "incidents give the same bytes, so the site's diff shows what changed."},
            footer = {"", "Examples:", "  ir site build", "  ir site build -o /tmp/site",
                    "  ir site build --public -o public --base-url https://status.example.com"})
    public static final class Build extends IrCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the site: a new or "
                + "empty directory, or one ir built before (default: site/ at the workspace root). Never the "
                + "workspace root, incidents/, templates/ or .git.")
        Path output;

        @Option(names = "--base-url", paramLabel = "URL", description = "Where the site is published (https://...), "
                + "for the status page's own address in summary.json.")
        String baseUrl;

        @Option(names = "--public", description = "Build only status/ (the public status page).")
        boolean publicOnly;

        @Option(names = "--name", paramLabel = "NAME", description = "The status page's name (default: Service).")
        String name;

        @Override
        protected int run() {
            if (baseUrl != null && !baseUrl.matches("https?://[^\\s\"<>]+")) {
                throw IrException.usage("--base-url must be an http:// or https:// URL");
            }
            Workspace ws = store().workspace();
            Path root = ws.root().toAbsolutePath().normalize();
            Path dir = output == null ? root.resolve("site")
                    : env().cwd().resolve(output).toAbsolutePath().normalize();
            for (Path forbidden : new Path[]{ws.incidentsDir(), ws.templatesDir(), ws.gitDir()}) {
                Path f = forbidden.toAbsolutePath().normalize();
                if (dir.startsWith(f)) {
                    throw IrException.usage("refusing to write the site into " + root.relativize(f)
                            + ": choose another directory with -o");
                }
            }
            if (root.startsWith(dir)) {
                throw IrException.usage("refusing to write the site into the workspace root or above it: choose "
                        + "a directory such as site/ with -o");
            }
            SiteFiles.check(dir);
            SortedMap<String, byte[]> files = Site.build(new Site.Input(store().loadAll(m -> warn(m + " (skipped)")),
                    config(), name == null ? "Service" : name, baseUrl, i -> postmortem(i, ws),
                    store()::json, Build::report, publicOnly, this::warn));
            int changed;
            try {
                changed = SiteFiles.write(dir, files);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out().println("site: " + files.size() + " files in " + shown(dir) + " (" + changed + " changed)");
            return 0;
        }

        /**
         * The site's report page: {@code ir report --format html} over the site's incidents, as of their newest entry
         * rather than the clock, so that the same incidents build the same bytes.
         */
        static String report(java.util.List<Incident> incidents, ir.model.IrConfig config) {
            java.time.Instant asOf = incidents.stream().flatMap(i -> java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(i.openedAt()), i.timeline().stream().map(ir.model.TimelineEvent::at)))
                    .filter(java.util.Objects::nonNull).max(java.time.Instant::compareTo)
                    .orElse(java.time.Instant.EPOCH);
            return ir.render.ReportView.html(ir.model.Report.compute(incidents, config, ir.model.Report.Query.all(),
                    asOf));
        }

        /** The incident's committed post-mortem document ('ir postmortem'), or null when it has none yet. */
        private String postmortem(Incident i, Workspace ws) {
            byte[] md = WorkspaceFiles.read(ws.root(), PostmortemDocument.path(i.id()).toString().replace('\\', '/'));
            return md == null ? null : new String(md, StandardCharsets.UTF_8);
        }

        private String shown(Path dir) {
            Path cwd = env().cwd().toAbsolutePath().normalize();
            return dir.startsWith(cwd) && !dir.equals(cwd) ? cwd.relativize(dir).toString() : dir.toString();
        }
    }
}
