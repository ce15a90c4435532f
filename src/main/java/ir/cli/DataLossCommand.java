package ir.cli;

import ir.model.IrException;
import ir.model.Phases;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** {@code ir data-loss}: records the window of data that was lost, apart from the downtime. */
@Command(name = "data-loss", description = {"Record the window of data that was lost (writes, events, messages), "
        + "apart from the impact windows; giving it again corrects it, --clear removes it.",
        "The timeline gets an entry at --from that says what was recorded or changed."},
        footer = {"", "Examples:", "  ir data-loss --from 22:52 --to 22:54 --note \"writes not replicated to "
                + "us-west\"", "  ir data-loss --clear"})
public final class DataLossCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Option(names = "--from", paramLabel = "TIME", description = "The first data lost. " + Times.FORMATS + ".")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "The last data lost (leave out while not known).")
    String to;

    @Option(names = "--note", paramLabel = "TEXT", description = "What was lost, and whether it was recovered.")
    String note;

    @Option(names = "--clear", description = "Remove the data-loss window (the timeline keeps what it was).")
    boolean clear;

    @Override
    protected int run() {
        if (clear && (from != null || to != null || note != null)) {
            throw IrException.usage("--clear takes no --from, --to or --note");
        }
        if (!clear && from == null) {
            throw IrException.usage("say when the lost data begins, e.g. ir data-loss --from 22:52 --to 22:54");
        }
        Instant start = clear ? null : Times.parse(from, clock(), "--from");
        Instant end = to == null ? null : Times.parse(to, clock(), "--to");
        String id = store().select(incident.incident);
        String who = store().author();
        if (clear) {
            Instant now = clock().instant().truncatedTo(ChronoUnit.SECONDS);
            update(id, i -> Phases.clearDataLoss(i, now, who));
            info(id + ": data-loss window cleared");
        } else {
            update(id, i -> Phases.dataLoss(i, start, end, note, who));
            info(id + ": data lost " + Times.short_(start, clock(), false)
                    + (end == null ? " onwards" : " .. " + Times.short_(end, clock(), false)));
        }
        return 0;
    }
}
