package ir.cli;

import ir.model.IrException;
import ir.store.OutboxMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code ir notify}: this clone's outbox of notifications, shown and managed. */
@Command(name = "notify", description = {"Show this clone's outbox of notifications (the messages for the channels "
        + "of ir.yaml), or send or drop those not delivered.",
        "Messages are queued with the event that causes them and sent in the background; a message the service "
                + "refused (a 4xx) is not sent again until 'ir notify retry'. See docs/notifications.md."},
        footer = {"", "Examples:", "  ir notify", "  ir notify retry", "  ir notify drop 2026-11-28-checkout-errors",
                "  ir notify status --json"})
public final class NotifyCommand extends IrCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "status (the default): the "
            + "messages and their state; retry: send failed and waiting messages now; drop: remove undelivered "
            + "messages (they are never sent).")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY|ID", description = "Only the message with this key, "
            + "or the messages of this incident (full ID).")
    String which;

    @Option(names = "--all", description = "With drop: every undelivered message.")
    boolean all;

    @Option(names = "--json", description = "The messages as a JSON list (status).")
    boolean json;

    @Override
    protected int run() {
        String a = action == null ? "status" : action.strip();
        switch (a) {
            case "status" -> status();
            case "retry" -> {
                int n = store().retryOutbox(which);
                info(n == 0 ? "nothing to send again" : n + " message" + (n == 1 ? "" : "s")
                        + " to send again now");
            }
            case "drop" -> {
                if (which == null && !all) {
                    throw IrException.usage("drop what? name a message key or an incident ID, or give --all for "
                            + "every undelivered message");
                }
                int n = store().dropOutbox(which);
                info(n == 0 ? "nothing to drop" : "dropped " + n + " undelivered message" + (n == 1 ? "" : "s")
                        + ": they will not be sent");
            }
            default -> throw IrException.usage("unknown action '" + a + "': use status, retry or drop");
        }
        return 0;
    }

    private void status() {
        List<OutboxMessage> all = store().outbox().stream()
                .filter(m -> which == null || which.equals(m.key()) || which.equals(m.incident())).toList();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            all.forEach(m -> out.add(m.toMap()));
            out().println(store().json(out));
            return;
        }
        if (all.isEmpty()) {
            info("no notifications in this clone's outbox");
            return;
        }
        StringBuilder b = new StringBuilder();
        for (OutboxMessage m : all) {
            b.append(String.format(java.util.Locale.ROOT, "%-9s %-12s %-8s %s %s", m.state(), m.channel(),
                    m.eventType(), m.incident(), m.key()));
            if (m.attempts() > 0) {
                b.append("  attempts ").append(m.attempts());
            }
            if (m.status() != null) {
                b.append("  HTTP ").append(m.status());
            }
            if (m.undelivered() && m.lastError() != null) {
                b.append("  ").append(Cli.oneLine(m.lastError()));
            }
            b.append('\n');
        }
        out().print(Text.forTerminal(b));
        long waiting = all.stream().filter(OutboxMessage::undelivered).count();
        if (waiting > 0) {
            info(waiting + " not delivered: 'ir notify retry' sends them now, 'ir notify drop KEY|ID' removes them");
        }
    }
}
