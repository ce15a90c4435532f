package ir.cli;

import ir.model.Change;
import ir.model.Channel;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Messages;
import ir.model.TimelineEvent;
import ir.store.UserConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir page}: a PagerDuty page (Events API v2), recorded as a {@code comms} event and sent through the outbox. */
@Command(name = "page", description = {"Page a role, a person or a service through PagerDuty (Events API v2): "
        + "records a 'comms' entry and sends a trigger whose dedup key is the incident ID.",
        "The channel is a 'kind: pagerduty' channel of ir.yaml (the one named TARGET, --channel, or the only one); "
                + "its routing key comes from your own ~/.config/ir/config.yaml or IR_CHANNEL_<NAME>_ROUTING_KEY. "
                + "'ir resolve' resolves the page."},
        footer = {"", "Examples:", "  ir page sme --message \"database SME needed for replication lag\"",
                "  ir page -i checkout payments-oncall --channel payments"})
public final class PageCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "ROLE|PERSON|SERVICE", description = "Who is paged.")
    String target;

    @Option(names = "--message", paramLabel = "TEXT", description = "What the page says (shown in its details).")
    String message;

    @Option(names = "--channel", paramLabel = "NAME", description = "The PagerDuty channel of ir.yaml to page "
            + "through (default: the one named TARGET, else the only one).")
    String channel;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        if (target == null || target.isBlank()) {
            throw IrException.usage("page whom? give a role, a person or a service");
        }
        Instant when = at.instant(clock());
        IrConfig config = config();
        Channel c = pagerChannel(config);
        UserConfig.Endpoint ep = UserConfig.channel(env().environment(), c.name());
        if (ep.routingKey() == null) {
            String env = Channel.envPrefix(c.name());
            throw IrException.usage("no routing key for channel '" + c.name() + "': set channels: {" + c.name()
                    + ": {routing_key: ...}} in " + UserConfig.file(env().environment()) + " or " + env
                    + "ROUTING_KEY; nothing was recorded");
        }
        String id = store().select(incident.incident);
        String who = store().author();
        String t = target.strip();
        String text = "Paged " + t + (message == null || message.isBlank() ? "" : ": " + message.strip());
        boolean[] drill = new boolean[1];
        update(id, i -> {
            drill[0] = i.drill();
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("action", Messages.PAGE);
            attrs.put("target", t);
            attrs.put("channel", c.name());
            TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), when, who, "comms", text, false, attrs);
            return new Change(i.withEvent(e), "paged " + t + " (" + c.name() + ")", "comms");
        });
        if (drill[0]) {
            info(id + " is a drill: the page is recorded but not sent (drills never page)");
        } else {
            info("paged " + t + " through '" + c.name() + "' (PagerDuty, dedup key " + id + "); 'ir notify' shows "
                    + "its delivery, 'ir resolve' resolves it");
        }
        return 0;
    }

    private Channel pagerChannel(IrConfig config) {
        List<Channel> pagers = config.channels().stream().filter(x -> x.kind() == Channel.Kind.PAGERDUTY).toList();
        if (pagers.isEmpty()) {
            throw IrException.usage("ir.yaml has no PagerDuty channel: add channels: {pager: {kind: pagerduty}} "
                    + "(see docs/notifications.md)");
        }
        String name = channel != null ? channel.strip() : null;
        if (name == null) {
            name = pagers.stream().map(Channel::name).filter(n -> n.equals(target.strip())).findFirst()
                    .orElse(pagers.size() == 1 ? pagers.get(0).name() : null);
        }
        if (name == null) {
            throw IrException.usage("more than one PagerDuty channel: choose one with --channel ("
                    + String.join(", ", pagers.stream().map(Channel::name).toList()) + ")");
        }
        String n = name;
        return pagers.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() -> IrException.usage(
                "no PagerDuty channel '" + n + "' in ir.yaml: use one of "
                        + String.join(", ", pagers.stream().map(Channel::name).toList())));
    }
}
