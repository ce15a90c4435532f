package ir.cli;

import ir.model.Change;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.TimelineEvent;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ir log}: appends a timeline event. */
@Command(name = "log", description = {"Add an entry to the incident's timeline; it is committed before ir exits.",
        "The words are joined with spaces; '-' reads the text (several lines allowed) from standard input."},
        footer = {"", "Examples:", "  ir log database failover started",
                "  ir log -i checkout --at -10m --type alert \"PagerDuty alert: p99 latency > 2s\"",
                "  ir log --important --type decision roll back release 412",
                "  kubectl get pods | ir log -"})
public final class LogCommand extends IrCommand {
    /** Far more than a timeline entry needs; keeps a mistaken pipe from bloating the file. */
    static final int MAX_TEXT = 64 * 1024;

    @Mixin
    IncidentOption incident;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "What happened.")
    List<String> words;

    @Option(names = "--at", paramLabel = "TIME", description = "When it happened (default: now). " + Times.FORMATS
            + ".")
    String at;

    @Option(names = "--type", paramLabel = "TYPE", description = "note (default), action, decision, alert or comms.")
    String type;

    @Option(names = "--important", description = "Highlight this entry in the post-mortem timeline.")
    boolean important;

    @Override
    protected int run() {
        String text = words.size() == 1 && words.get(0).equals("-") ? Stdin.read(env().in(), MAX_TEXT)
                : String.join(" ", words).strip();
        if (text.isBlank()) {
            throw IrException.usage("the entry is empty: say what happened, e.g. ir log database failover started");
        }
        if (text.length() > MAX_TEXT) {
            throw IrException.usage("the entry is " + text.length() + " characters, over " + MAX_TEXT
                    + ": link to long output instead of pasting it");
        }
        String eventType = type == null ? TimelineEvent.NOTE : type.strip().toLowerCase(Locale.ROOT);
        if (!TimelineEvent.LOG_TYPES.contains(eventType)) {
            throw IrException.usage("unknown entry type '" + type + "': use one of "
                    + String.join(", ", TimelineEvent.LOG_TYPES));
        }
        Instant when = at == null ? clock().instant().truncatedTo(ChronoUnit.SECONDS)
                : Times.parse(at, clock(), "--at");
        String id = store().select(incident.incident);
        String who = store().author();
        TimelineEvent event = new TimelineEvent(IncidentIds.eventId(), when, who, eventType, text, important,
                Map.of());
        store().update(id, current -> new Change(current.withEvent(event), "log " + eventType + ": "
                + Text.firstLine(text, 60), eventType));
        info("Logged to " + id + " at " + Times.short_(when, clock(), false));
        return 0;
    }
}
