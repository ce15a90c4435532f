package ir.cli;

import ir.model.IrException;
import ir.store.AlertIntake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir ingest}: records one alert payload, as {@code ir serve} does for each one it receives. */
@Command(name = "ingest", description = {"Record an alert payload: the first notification of an alert group opens "
        + "an incident, later ones add what changed to it.",
        "Formats: Alertmanager webhook, Grafana alerting webhook, PagerDuty webhook v3, ir's generic JSON (see "
                + "docs/alerts.md). ir.yaml's triggers: route groups (severity, tags, title, commander, ignore).",
        "Alerts are recorded as ir.yaml's intake.author, not as you. The same payload twice changes nothing."},
        footer = {"", "Examples:", "  ir ingest alert.json",
                "  ir ingest --format pagerduty pd-event.json",
                "  curl -s http://alertmanager:9093/... | ir ingest --format alertmanager -",
                "  ir ingest --json alert.json"})
public final class IngestCommand extends IrCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The payload (JSON); '-' reads standard input.")
    String file;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "alertmanager, grafana, pagerduty or "
            + "json (default: told from the payload).")
    String format;

    @Option(names = "--json", description = "Print what was done as JSON: a list of {incident, what, changed}.")
    boolean json;

    @Override
    protected int run() {
        String f = format == null ? null : format.strip().toLowerCase(java.util.Locale.ROOT);
        if (f != null && !AlertIntake.FORMATS.contains(f)) {
            throw IrException.usage("unknown --format '" + Text.forTerminal(format) + "': use one of "
                    + String.join(", ", AlertIntake.FORMATS));
        }
        byte[] body = read();
        AlertIntake intake = store().intake();
        List<AlertIntake.Outcome> outcomes = intake.record(List.of(new AlertIntake.Payload(f, body,
                clock().instant())));
        if (json) {
            List<Object> list = new ArrayList<>();
            for (AlertIntake.Outcome o : outcomes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("incident", o.incidentId());
                m.put("what", o.what());
                m.put("changed", o.changed());
                list.add(m);
            }
            out().println(store().json(list));
        } else {
            for (AlertIntake.Outcome o : outcomes) {
                out().println(o.what());
            }
        }
        return 0;
    }

    /** The payload, at most one byte over the limit (the intake says how much is too much). */
    private byte[] read() {
        int limit = MAX_BYTES + 1;
        if (file.equals("-")) {
            if (env().interactive()) {
                throw IrException.usage("'ir ingest -' reads the payload from standard input, which is a terminal "
                        + "here: pipe it in, or give a file");
            }
            return readAtMost(env().in(), limit);
        }
        Path p = env().cwd().resolve(file);
        try {
            if (Files.isDirectory(p)) {
                throw IrException.usage(file + " is a directory: give the payload's file");
            }
            try (InputStream in = Files.newInputStream(p)) {
                return readAtMost(in, limit);
            }
        } catch (NoSuchFileException e) {
            throw IrException.usage("no such file: " + Text.forTerminal(file));
        } catch (IOException e) {
            throw new IrException(ir.model.ExitCode.FAILURE, "cannot read " + Text.forTerminal(file) + ": "
                    + e.getMessage());
        }
    }

    /** The largest payload accepted, as ir serve's. */
    static final int MAX_BYTES = 1024 * 1024;

    private static byte[] readAtMost(InputStream in, int limit) {
        try {
            return in.readNBytes(limit);
        } catch (IOException e) {
            throw new IrException(ir.model.ExitCode.FAILURE, "cannot read standard input: " + e.getMessage());
        }
    }
}
