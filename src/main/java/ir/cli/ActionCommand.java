package ir.cli;

import ir.model.ActionItem;
import ir.model.Change;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.TimelineEvent;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ir action}: adds action items to an incident and marks them done. */
@Command(name = "action", description = {"Action items: follow-up work that comes out of an incident.",
        "'ir actions' lists them across incidents."},
        subcommands = {ActionCommand.Add.class, ActionCommand.Done.class},
        footer = {"", "Examples:", "  ir action add canary stage for config pushes --owner Bob --due +14d",
                "  ir action done k3x9"})
public final class ActionCommand extends IrCommand {
    @Override
    protected int run() {
        spec.commandLine().usage(out());
        return 0;
    }

    /** {@code ir action add}. */
    @Command(name = "add", description = {"Add an action item to the incident (and a timeline event)."},
            footer = {"", "Examples:", "  ir action add roll back the config push --type mitigate --owner Alice",
                    "  ir action add alert on checkout error rate --owner \"Bob <bob@example.com>\" --due 2015-11-04 "
                            + "--type prevent --link https://jira.example.com/OPS-42"})
    public static final class Add extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Parameters(arity = "1..*", paramLabel = "TEXT", description = "What is to be done ('-' reads stdin).")
        List<String> words;

        @Option(names = "--owner", paramLabel = "PERSON", description = "Who will do it; 'me' is you.")
        String owner;

        @Option(names = "--due", paramLabel = "DATE", description = "When it is due: YYYY-MM-DD, or +3d / +2w.")
        String due;

        @Option(names = "--type", paramLabel = "TYPE", description = "mitigate, prevent, process or other "
                + "(default).")
        String type;

        @Option(names = "--link", paramLabel = "URL", description = "The ticket that tracks it.")
        String link;

        @Mixin
        AtOption at;

        @Override
        protected int run() {
            String text = TextArgs.required(words, env().in(), "the action item",
                    "say what is to be done, e.g. ir action add roll back the config push");
            String t = type == null ? "other" : type.strip().toLowerCase(Locale.ROOT);
            if (!ActionItem.TYPES.contains(t)) {
                throw IrException.usage("unknown action type '" + type.strip() + "': use one of "
                        + String.join(", ", ActionItem.TYPES));
            }
            String dueDate = due == null ? null : Times.parseDate(due, clock(), "--due").toString();
            String own = blank(owner) ? null : owner.strip();
            String url = blank(link) ? null : link.strip();
            Instant when = at.instant(clock());
            String id = store().select(incident.incident);
            String who = store().author();
            if ("me".equalsIgnoreCase(own)) {
                own = who;
            }
            ActionItem item = new ActionItem(IncidentIds.randomId(), text, t, own, dueDate, ActionItem.OPEN, url,
                    Map.of());
            update(id, i -> {
                List<ActionItem> next = new ArrayList<>(i.actions());
                next.add(item);
                TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), when, who, TimelineEvent.ACTION_ITEM,
                        "Action item: " + text, false, attrs("action", item.id(), "status", ActionItem.OPEN));
                return new Change(i.withActions(next).withEvent(e), "action add: " + Text.firstLine(text, 60),
                        TimelineEvent.ACTION_ITEM);
            });
            if (dueDate != null && java.time.LocalDate.parse(dueDate).isBefore(java.time.LocalDate.now(clock()))) {
                warn("action item " + item.id() + " is already overdue (due " + dueDate + ")");
            }
            out().println(item.id());
            info("Added action item " + item.id() + " to " + id);
            return 0;
        }
    }

    /** {@code ir action done}. */
    @Command(name = "done", description = {"Mark an action item done. Without -i it is looked up in every incident."},
            footer = {"", "Example:", "  ir action done k3x9"})
    public static final class Done extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Parameters(index = "0", paramLabel = "ACTION", description = "The action item's id or a unique prefix "
                + "(see 'ir actions').")
        String action;

        @Mixin
        AtOption at;

        @Override
        protected int run() {
            Instant when = at.instant(clock());
            String q = action.strip().toLowerCase(Locale.ROOT);
            if (q.isEmpty()) {
                throw IrException.usage("give the action item's id (see 'ir actions')");
            }
            List<Incident> where = incident.incident == null ? store().loadAll(m -> warn(m + " (skipped)"))
                    : List.of(store().load(store().select(incident.incident)));
            List<String[]> matches = new ArrayList<>();
            List<String[]> exact = new ArrayList<>();
            for (Incident i : where) {
                for (ActionItem a : i.actions()) {
                    if (a.id().equalsIgnoreCase(q)) {
                        exact.add(new String[] {i.id(), a.id()});
                    } else if (a.id().toLowerCase(Locale.ROOT).startsWith(q)) {
                        matches.add(new String[] {i.id(), a.id()});
                    }
                }
            }
            if (exact.size() == 1) {
                matches = exact;
            } else {
                matches.addAll(exact);
            }
            if (matches.isEmpty()) {
                throw IrException.notFound("no action item '" + action.strip() + "'"
                        + (incident.incident == null ? "" : " in that incident") + ": see 'ir actions'");
            }
            if (matches.size() > 1) {
                throw IrException.notFound("'" + action.strip() + "' matches " + matches.size() + " action items ("
                        + String.join(", ", matches.stream().map(m -> m[1]).limit(10).toList())
                        + "): give more of the id");
            }
            String id = matches.get(0)[0];
            String actionId = matches.get(0)[1];
            String who = store().author();
            update(id, i -> {
                ActionItem a = i.actions().stream().filter(x -> x.id().equals(actionId)).findFirst()
                        .orElseThrow(() -> IrException.notFound("action item " + actionId + " is gone from " + id));
                if (!a.isOpen()) {
                    throw IrException.usage("action item " + actionId + " is already done");
                }
                List<ActionItem> next = i.actions().stream().map(x -> x.id().equals(actionId)
                        ? x.withStatus(ActionItem.DONE) : x).toList();
                TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), when, who, TimelineEvent.ACTION_ITEM,
                        "Action item done: " + a.text(), false, attrs("action", actionId, "status", ActionItem.DONE));
                return new Change(i.withActions(next).withEvent(e), "action done: " + Text.firstLine(a.text(), 60),
                        TimelineEvent.ACTION_ITEM);
            });
            info("Done: action item " + actionId + " of " + id);
            return 0;
        }
    }

    static Map<String, Object> attrs(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
