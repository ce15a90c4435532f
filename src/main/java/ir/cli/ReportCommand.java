package ir.cli;

import ir.model.IrException;
import ir.model.Report;
import ir.model.Times;
import ir.render.ReportView;
import ir.store.WorkspaceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/** {@code ir report}: what the team can learn from its incidents over time, with charts. */
@Command(name = "report", description = {"What to learn from incidents over time, per month or quarter: incidents "
        + "by severity; MTTD, MTTA, MTTM and MTTR as median and p90 (measured from impact start); time at the major "
        + "severities; top tags; repeat incidents (same tag within 30 days); action items created, done, overdue and "
        + "median time to done; post-mortems overdue for review; checklist steps done on time.",
        "Markdown (Mermaid charts and tables, renders on GitHub and GitLab), one self-contained HTML page (SVG charts, "
                + "no scripts, no network) or JSON with every number. docs/metrics.md has the formulas. Drills are "
                + "left out unless --drills, canceled incidents unless --canceled."},
        footer = {"", "Examples:", "  ir report --since 2026-01-01 --by quarter",
                "  ir report --format html -o report.html", "  ir report --severity SEV-1 --tag database --format json"})
public final class ReportCommand extends IrCommand {
    @Option(names = "--since", paramLabel = "DATE", description = "Only incidents whose impact started on or after "
            + "DATE.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Only incidents whose impact started before DATE; "
            + "also the day overdue items are counted on (default: now).")
    String until;

    @Option(names = "--by", paramLabel = "PERIOD", description = "month (default) or quarter, in UTC.")
    String by;

    @Option(names = "--severity", paramLabel = "S", description = "Only incidents at this severity.")
    String severity;

    @Option(names = "--tag", paramLabel = "T", description = "Only incidents with this tag.")
    String tag;

    @Option(names = "--drills", description = "Count drills too.")
    boolean drills;

    @Option(names = {"--canceled", "--include-canceled"}, description = "Count canceled incidents too.")
    boolean canceled;

    @Option(names = "--format", paramLabel = "FORMAT", description = "md (default), html or json.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (replaced atomically) "
            + "instead of standard output.")
    String output;

    @Override
    protected int run() {
        String f = format == null ? "md" : format.strip().toLowerCase(Locale.ROOT);
        if (f.equals("markdown")) {
            f = "md";
        }
        if (!f.equals("md") && !f.equals("html") && !f.equals("json")) {
            throw IrException.usage("unknown format '" + format.strip() + "': use md, html or json");
        }
        Report.By period = by == null ? Report.By.MONTH : Report.By.parse(by);
        Instant from = since == null ? null : Times.parseAny(since, clock(), "--since");
        Instant to = until == null ? null : Times.parseAny(until, clock(), "--until");
        if (from != null && to != null && !from.isBefore(to)) {
            throw IrException.usage("--since must be before --until");
        }
        String sev = null;
        if (severity != null) {
            sev = config().severities().stream().map(x -> x.name()).filter(n -> n.equalsIgnoreCase(severity.strip()))
                    .findFirst().orElseThrow(() -> IrException.usage("unknown severity '" + severity.strip()
                            + "': use one of " + String.join(", ",
                            config().severities().stream().map(x -> x.name()).toList())));
        }
        String t = tag == null || tag.isBlank() ? null : tag.strip();
        Report.Query q = new Report.Query(from, to, period, sev, t, drills, canceled);
        Report.Result r = Report.compute(store().loadAll(msg -> warn(msg + " (skipped)")), config(), q,
                clock().instant());
        String text = switch (f) {
            case "html" -> ReportView.html(r);
            case "json" -> store().json(ReportView.data(r)) + "\n";
            default -> ReportView.markdown(r);
        };
        if (output == null) {
            out().print(text);
            out().flush();
        } else {
            Path target = env().cwd().resolve(output);
            WorkspaceFiles.writeOutput(store().workspace().root(), target, text.getBytes(StandardCharsets.UTF_8));
            info("Wrote " + output + " (" + r.overall().incidents() + " incidents)");
        }
        return 0;
    }
}
