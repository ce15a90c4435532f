package ir.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of notifications, as plain maps and lists (written as JSON by the store), one per service's documented
 * format: Slack incoming webhooks ({@code text} + {@code blocks}), a Microsoft Teams Workflows webhook (an Adaptive
 * Card attachment), a Google Chat incoming webhook ({@code text}, threaded per incident), ir's generic JSON webhook
 * (docs/notifications.md) and the PagerDuty Events API v2.
 */
public final class Messages {
    /** The query parameter that makes Google Chat reply in the incident's thread (or open it). */
    public static final String GOOGLE_CHAT_REPLY = "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";
    /** The {@code comms} event attribute that marks a page: {@code action: page}. */
    public static final String PAGE = "page";
    /** The generic webhook's format version. */
    public static final String WEBHOOK_VERSION = "1";

    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final java.util.regex.Pattern STATUS_TEXT =
            java.util.regex.Pattern.compile("Status (\\S+ -> )?\\S+");

    private Messages() {
    }

    /**
     * The notification type of an event ({@link Channel#EVENTS}), or null when it notifies nobody: a status event to
     * {@code resolved} is {@code resolved}.
     */
    public static String notifiedType(TimelineEvent e) {
        String t = e.type();
        if (TimelineEvent.STATUS.equals(t)) {
            return IrConfig.RESOLVED.equals(e.attr("to")) ? "resolved" : "status";
        }
        return Channel.EVENTS.contains(t) ? t : null;
    }

    /** Whether {@code e} is a page ({@code ir page}): a {@code comms} event with {@code action: page}. */
    public static boolean isPage(TimelineEvent e) {
        return "comms".equals(e.type()) && PAGE.equals(e.attr("action"));
    }

    /**
     * The messages {@code e}, just recorded on {@code after} (the incident with it), makes for {@code channels}: a map
     * of channel name to body, in ir.yaml's order.
     */
    public static Map<String, Map<String, Object>> forEvent(IrConfig config, List<Channel> channels, Incident after,
                                                            TimelineEvent e) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (isPage(e)) {
            // A drill never pages anyone, even through a channel that takes drills: practice must not wake people.
            String target = e.attr("channel");
            for (Channel c : channels) {
                if (c.kind() == Channel.Kind.PAGERDUTY && c.name().equals(target) && !after.drill()) {
                    out.put(c.name(), pagerDuty(config, after, e, "trigger"));
                }
            }
            return out;
        }
        String type = notifiedType(e);
        if (type == null) {
            return out;
        }
        if ("resolved".equals(type) || IrConfig.CANCELED.equals(e.attr("to"))) {
            for (String paged : pagedChannels(after)) {
                for (Channel c : channels) {
                    if (c.kind() == Channel.Kind.PAGERDUTY && c.name().equals(paged) && !after.drill()) {
                        out.put(c.name(), pagerDuty(config, after, e, "resolve"));
                    }
                }
            }
        }
        for (Channel c : channels) {
            if (c.wants(config, type, e.attr("audience"), after.severity(), after.drill())) {
                out.put(c.name(), body(c.kind(), config, after, e, type));
            }
        }
        return out;
    }

    /** The PagerDuty channels an incident was paged through, in order (a resolution or a cancel resolves them). */
    public static List<String> pagedChannels(Incident i) {
        List<String> out = new ArrayList<>();
        for (TimelineEvent e : i.sortedTimeline()) {
            if (isPage(e) && e.attr("channel") != null && !out.contains(e.attr("channel"))) {
                out.add(e.attr("channel"));
            }
        }
        return out;
    }

    /** The body for a chat or webhook channel of {@code kind}. */
    public static Map<String, Object> body(Channel.Kind kind, IrConfig config, Incident i, TimelineEvent e,
                                           String type) {
        return switch (kind) {
            case SLACK -> slack(i, e, type);
            case TEAMS -> teams(i, e, type);
            case GOOGLE_CHAT -> googleChat(i, e, type);
            case WEBHOOK -> webhook(i, e, type);
            case PAGERDUTY -> pagerDuty(config, i, e, "trigger");
        };
    }

    /** One line for a notification: {@code [SEV-1] ID Title: Investigating (IC: alice). What. Next update 12:20 UTC}. */
    public static String text(Incident i, TimelineEvent e, String type) {
        StringBuilder b = new StringBuilder();
        b.append('[').append(i.severity()).append("] ").append(i.id()).append(' ').append(i.title()).append(": ")
                .append(statusLabel(i.status()));
        String ic = commander(i);
        if (ic != null) {
            b.append(" (IC: ").append(ic).append(')');
        }
        String what = what(i, e, type);
        if (what != null) {
            b.append(". ").append(what);
        }
        String next = nextUpdate(e);
        if (next != null) {
            // An update's own text may already end its sentence: never "UTC.. Next update".
            b.append(b.toString().matches("(?s).*[.!?]\\s*") ? " " : ". ").append("Next update ").append(next);
        }
        return b.toString();
    }

    static Map<String, Object> slack(Incident i, TimelineEvent e, String type) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(map("type", "header", "text", map("type", "plain_text",
                "text", i.severity() + " · " + i.id() + " · " + i.title())));
        List<Object> fields = new ArrayList<>();
        fields.add(map("type", "mrkdwn", "text", "*Status:*\n" + slackEscape(statusLabel(i.status()))));
        String ic = commander(i);
        if (ic != null) {
            fields.add(map("type", "mrkdwn", "text", "*IC:*\n" + slackEscape(ic)));
        }
        blocks.add(map("type", "section", "fields", fields));
        String what = what(i, e, type);
        if (what != null) {
            blocks.add(map("type", "section", "text", map("type", "mrkdwn", "text", slackMrkdwn(what))));
        }
        String next = nextUpdate(e);
        blocks.add(map("type", "context", "elements", List.of(map("type", "mrkdwn",
                "text", (next == null ? "" : "Next update by " + next + " · ") + "sent by `ir`"))));
        return map("text", slackMrkdwn(text(i, e, type)), "blocks", blocks);
    }

    static Map<String, Object> teams(Incident i, TimelineEvent e, String type) {
        List<Object> body = new ArrayList<>();
        body.add(map("type", "TextBlock", "size", "Large", "weight", "Bolder",
                "text", i.severity() + " · " + i.id() + " · " + i.title()));
        List<Object> facts = new ArrayList<>();
        facts.add(map("title", "Status", "value", statusLabel(i.status())));
        String ic = commander(i);
        if (ic != null) {
            facts.add(map("title", "IC", "value", ic));
        }
        body.add(map("type", "FactSet", "facts", facts));
        String what = what(i, e, type);
        if (what != null) {
            body.add(map("type", "TextBlock", "wrap", true, "text", what));
        }
        String next = nextUpdate(e);
        if (next != null) {
            body.add(map("type", "TextBlock", "wrap", true, "text", "Next update by " + next));
        }
        Map<String, Object> card = map("$schema", "http://adaptivecards.io/schemas/adaptive-card.json",
                "type", "AdaptiveCard", "version", "1.2", "body", body);
        Map<String, Object> attachment = map("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return map("type", "message", "attachments", List.of(attachment));
    }

    static Map<String, Object> googleChat(Incident i, TimelineEvent e, String type) {
        return map("text", text(i, e, type), "thread", map("threadKey", i.id()));
    }

    static Map<String, Object> webhook(Incident i, TimelineEvent e, String type) {
        Map<String, Object> incident = map("id", i.id(), "title", i.title(), "severity", i.severity(),
                "status", i.status(), "drill", i.drill());
        incident.put("commander", commander(i));
        Map<String, Object> event = map("id", e.id(), "type", type, "at", e.at().toString());
        event.put("author", e.author());
        event.put("text", e.text());
        event.put("attrs", new LinkedHashMap<>(e.attrs()));
        return map("version", WEBHOOK_VERSION, "source", "ir", "text", text(i, e, type), "event", event,
                "incident", incident);
    }

    /**
     * A PagerDuty Events API v2 event; {@code routing_key} is left null here and filled in when it is sent (it is a
     * secret of the responder's, never written to the outbox).
     */
    public static Map<String, Object> pagerDuty(IrConfig config, Incident i, TimelineEvent e, String action) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("routing_key", null);
        m.put("event_action", action);
        m.put("dedup_key", i.id());
        if ("trigger".equals(action)) {
            Map<String, Object> details = map("incident", i.id(), "status", i.status());
            if (e.attr("target") != null) {
                details.put("paged", e.attr("target"));
            }
            if (e.text() != null && !e.text().isBlank()) {
                details.put("message", e.text());
            }
            m.put("payload", map("summary", truncate("[" + i.severity() + "] " + i.title(), 1024), "source", "ir",
                    "severity", pagerDutySeverity(config, i.severity()), "timestamp", e.at().toString(),
                    "custom_details", details));
        }
        return m;
    }

    /**
     * PagerDuty's severity for one of ir.yaml's: a major severity is {@code critical}; the less severe ones, in
     * order, {@code error}, {@code warning}, then {@code info}.
     */
    public static String pagerDutySeverity(IrConfig config, String severity) {
        var found = config.findSeverity(severity == null ? "" : severity);
        if (found.isPresent() && found.get().major()) {
            return "critical";
        }
        int k = 0;
        for (IrConfig.Severity s : config.severities()) {
            if (s.major()) {
                continue;
            }
            if (s.name().equalsIgnoreCase(severity)) {
                break;
            }
            k++;
        }
        return k == 0 ? "error" : k == 1 ? "warning" : "info";
    }

    private static String what(Incident i, TimelineEvent e, String type) {
        String t = e.text() == null || e.text().isBlank() ? null : e.text().strip();
        return switch (type) {
            case "declared" -> t == null ? "Declared" : t;
            case "severity" -> t != null ? t : "Severity " + (e.attr("from") == null ? "" : e.attr("from") + " -> ")
                    + i.severity();
            case "status", "resolved" -> {
                // "Status a -> b[: why]": the headline shows the new status already, so only the why is kept.
                if (t == null || STATUS_TEXT.matcher(t).matches()) {
                    yield null;
                }
                yield t.startsWith(i.status() + ": ") ? t.substring(i.status().length() + 2) : t;
            }
            default -> t;
        };
    }

    private static String nextUpdate(TimelineEvent e) {
        String at = e.attr("next_update_at");
        if (at == null) {
            return null;
        }
        try {
            return HHMM.format(Instant.parse(at)) + " UTC";
        } catch (java.time.format.DateTimeParseException ex) {
            return at;
        }
    }

    private static String commander(Incident i) {
        List<String> ic = i.roles().get("commander");
        return ic == null || ic.isEmpty() ? null : Lifecycle.person(ic.get(0));
    }

    private static String statusLabel(String status) {
        return status == null || status.isEmpty() ? "" : Character.toUpperCase(status.charAt(0)) + status.substring(1);
    }

    /** Slack's three escaped characters, so a title cannot become a link or a mention. */
    static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Text for Slack's mrkdwn: escaped, and Markdown's {@code **bold**} (the update templates') as Slack's {@code *bold*}. */
    static String slackMrkdwn(String s) {
        return slackEscape(s).replace("**", "*");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            m.put((String) kv[k], kv[k + 1]);
        }
        return m;
    }
}
