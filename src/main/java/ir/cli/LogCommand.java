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
    @Mixin
    IncidentOption incident;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "What happened.")
    List<String> words;

    @Mixin
    AtOption at;

    @Option(names = "--type", paramLabel = "TYPE", description = "note (default), action, decision, alert or comms.")
    String type;

    @Option(names = "--important", description = "Highlight this entry in the post-mortem timeline.")
    boolean important;

    @Override
    protected int run() {
        String text = TextArgs.required(words, env().in(), "the entry",
                "say what happened, e.g. ir log database failover started");
        String eventType = type == null ? TimelineEvent.NOTE : type.strip().toLowerCase(Locale.ROOT);
        if (!TimelineEvent.LOG_TYPES.contains(eventType)) {
            throw IrException.usage("unknown entry type '" + type + "': use one of "
                    + String.join(", ", TimelineEvent.LOG_TYPES));
        }
        Instant when = at.instant(clock());
        String id = store().select(incident.incident);
        String who = store().author();
        TimelineEvent event = new TimelineEvent(IncidentIds.eventId(), when, who, eventType, text, important,
                Map.of());
        update(id, current -> new Change(current.withEvent(event), "log " + eventType + ": "
                + Text.firstLine(text, 60), eventType));
        info("Logged to " + id + " at " + Times.short_(when, clock(), false));
        return 0;
    }
}
