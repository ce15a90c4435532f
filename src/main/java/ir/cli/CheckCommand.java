package ir.cli;

import ir.model.Checks;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir check}: what is due (commander, updates, post-mortem, action items, silence, milestones); exit 1 if any. */
@Command(name = "check", description = {"Say what is due: a major incident without a commander after 5 minutes, "
        + "an update overdue by its audience's cadence (ir.yaml cadence:, or the time the last update promised), a "
        + "checklist step past its 'within' (ir checklist), a "
        + "post-mortem overdue (3 days after resolution for the most severe level, 5 business days for others that "
        + "need one), action items past their due date, an open incident with no entry for 12 hours, milestones out "
        + "of order.",
        "One line per finding; exits 1 when anything is due and 0 when nothing is, for cron, CI or a git hook. "
                + "A drill is checked when named (or current) and says DRILL; --all leaves drills out unless --drills. "
                + "--json is described in docs/check.md."},
        footer = {"", "Examples:", "  ir check", "  ir check --all", "  ir check --all --json | jq '.findings[]'",
                "  */5 * * * * cd ~/incidents && ir check --all --no-input || notify-send 'ir: something is due'"})
public final class CheckCommand extends IrCommand {
    /** The version of the {@code --json} document's shape (docs/check.md). */
    static final int JSON_VERSION = 1;

    @Option(names = {"-i", "--incident"}, paramLabel = "ID",
            description = "The incident: full ID, unique prefix or unique substring (default: the current one).")
    String incident;

    @Option(names = "--all", description = "Every open incident, and resolved ones with a post-mortem or action "
            + "items due.")
    boolean all;

    @Option(names = "--drills", description = "With --all: check drills (practice incidents) too.")
    boolean drills;

    @Option(names = "--json", description = "A JSON document: {version, checked_at, due, findings: [...]}.")
    boolean json;

    @Override
    protected int run() {
        if (all && incident != null) {
            throw IrException.usage("give -i ID or --all, not both");
        }
        Instant now = clock().instant().truncatedTo(ChronoUnit.SECONDS);
        IrConfig config = config();
        if (drills && !all) {
            throw IrException.usage("--drills goes with --all (a drill named with -i is always checked)");
        }
        List<Incident> incidents = all ? store().loadAll(m -> warn(m + " (skipped)")).stream()
                .filter(i -> drills || !i.drill()).toList()
                : List.of(store().load(store().select(incident)));
        List<Checks.Finding> findings = new ArrayList<>();
        for (Incident i : incidents) {
            findings.addAll(Checks.due(i, config, now, clock().getZone()));
        }
        if (json) {
            out().println(store().json(document(findings, now, incidents.size())));
        } else {
            for (Checks.Finding f : findings) {
                out().println(line(f));
            }
            if (findings.isEmpty()) {
                info("Nothing is due (" + incidents.size() + (incidents.size() == 1 ? " incident" : " incidents")
                        + " checked).");
            }
        }
        out().flush();
        return findings.isEmpty() ? 0 : ExitCode.FAILURE.code();
    }

    /** {@code 2026-11-28-db  update  public update overdue by 5m: ...} (with DRILL for a drill). */
    static String line(Checks.Finding f) {
        return f.incident() + "  " + (f.drill() ? "DRILL " : "") + f.rule() + "  " + Text.forTerminal(f.message());
    }

    static Map<String, Object> document(List<Checks.Finding> findings, Instant now, int checked) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", JSON_VERSION);
        doc.put("checked_at", Times.format(now));
        doc.put("incidents_checked", checked);
        doc.put("due", !findings.isEmpty());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Checks.Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", f.rule());
            m.put("incident", f.incident());
            m.put("drill", f.drill());
            m.put("subject", f.subject());
            m.put("due_since", f.dueSince() == null ? null : Times.format(f.dueSince()));
            m.put("message", f.message());
            list.add(m);
        }
        doc.put("findings", list);
        return doc;
    }
}
