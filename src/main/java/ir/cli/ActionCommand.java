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

/** {@code ir action}: adds action items to an incident, changes them and marks them done. */
@Command(name = "action", description = {"Action items: follow-up work that comes out of an incident.",
        "Each is open, in-progress, done or wont-do. 'ir actions' lists them across incidents."},
        subcommands = {ActionCommand.Add.class, ActionCommand.Done.class, ActionCommand.Set.class},
        footer = {"", "Examples:", "  ir action add canary stage for config pushes --owner Bob --due +14d",
                "  ir action set k3x9 --status in-progress --owner me", "  ir action done k3x9"})
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
            // added_at is the session's clock, not --at: it places the item in the list, the same in every clone.
            ActionItem item = new ActionItem(IncidentIds.randomId(), text, t, own, dueDate, ActionItem.OPEN, url,
                    null, clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), null, Map.of());
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
            String[] found = find(this, incident, action);
            String id = found[0];
            String actionId = found[1];
            String who = store().author();
            update(id, i -> {
                ActionItem a = i.actions().stream().filter(x -> x.id().equals(actionId)).findFirst()
                        .orElseThrow(() -> IrException.notFound("action item " + actionId + " is gone from " + id));
                if (ActionItem.DONE.equals(a.status())) {
                    throw IrException.usage("action item " + actionId + " is already done"
                            + (a.doneAt() == null ? "" : " (" + Times.format(a.doneAt()) + ")"));
                }
                List<ActionItem> next = i.actions().stream().map(x -> x.id().equals(actionId)
                        ? x.withStatus(ActionItem.DONE, when) : x).toList();
                TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), when, who, TimelineEvent.ACTION_ITEM,
                        "Action item done: " + a.text(), false, attrs("action", actionId, "status", ActionItem.DONE));
                return new Change(i.withActions(next).withEvent(e), "action done: " + Text.firstLine(a.text(), 60),
                        TimelineEvent.ACTION_ITEM);
            });
            info("Done: action item " + actionId + " of " + id);
            return 0;
        }
    }

    /** {@code ir action set}. */
    @Command(name = "set", description = {"Change an action item: its status (open, in-progress, done, wont-do), "
            + "owner, due date, text or link. One commit, with a timeline event that says what changed.",
            "Without -i it is looked up in every incident."},
            footer = {"", "Examples:", "  ir action set k3x9 --status in-progress --owner me",
                    "  ir action set k3x9 --due +7d --link https://jira.example.com/OPS-42",
                    "  ir action set k3x9 --status wont-do --reason \"superseded by OPS-77\"",
                    "  ir action set k3x9 --owner none"})
    public static final class Set extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Parameters(index = "0", paramLabel = "ACTION", description = "The action item's id or a unique prefix "
                + "(see 'ir actions').")
        String action;

        @Option(names = "--status", paramLabel = "STATUS", completionCandidates = Statuses.class,
                description = "open, in-progress, done or wont-do "
                + "(wont-do needs --reason). Done records the done date; any other status clears it.")
        String status;

        @Option(names = "--owner", paramLabel = "PERSON", description = "Who will do it; 'me' is you, 'none' "
                + "clears it.")
        String owner;

        @Option(names = "--due", paramLabel = "DATE", description = "When it is due: YYYY-MM-DD, or +3d / +2w; "
                + "'none' clears it.")
        String due;

        @Option(names = "--text", paramLabel = "TEXT", description = "What is to be done, reworded.")
        String text;

        @Option(names = "--link", paramLabel = "URL", description = "The ticket that tracks it; 'none' clears it.")
        String link;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why it will not be done (with --status "
                + "wont-do).")
        String reason;

        @Mixin
        AtOption at;

        @Override
        protected int run() {
            if (status == null && owner == null && due == null && text == null && link == null && reason == null) {
                throw IrException.usage("say what to change: --status, --owner, --due, --text or --link (see "
                        + "'ir action set --help')");
            }
            String newStatus = status == null ? null : ActionItem.status(status);
            String newText = text == null ? null : TextArgs.option(text, "--text");
            if (text != null && (newText == null || newText.isBlank())) {
                throw IrException.usage("--text is empty: say what is to be done");
            }
            String newDue = cleared(due) ? null : Times.parseDate(due, clock(), "--due").toString();
            String newLink = cleared(link) ? null : link.strip();
            String why = reason == null ? null : reason.strip();
            if (reason != null && why.isEmpty()) {
                throw IrException.usage("--reason is empty: say why the item will not be done");
            }
            Instant when = at.instant(clock());
            String[] found = find(this, incident, action);
            String id = found[0];
            String actionId = found[1];
            String who = store().author();
            String newOwner = cleared(owner) ? null : "me".equalsIgnoreCase(owner.strip()) ? who : owner.strip();
            update(id, i -> {
                ActionItem a = i.actions().stream().filter(x -> x.id().equals(actionId)).findFirst()
                        .orElseThrow(() -> IrException.notFound("action item " + actionId + " is gone from " + id));
                String to = newStatus == null ? a.status() : newStatus;
                if (why != null && !ActionItem.WONT_DO.equals(to)) {
                    throw IrException.usage("--reason says why an item will not be done: use it with --status "
                            + "wont-do");
                }
                if (ActionItem.WONT_DO.equals(to) && why == null && a.reason() == null) {
                    throw IrException.usage("say why " + actionId + " will not be done, e.g. --reason \"superseded "
                            + "by OPS-77\": the post-mortem shows it");
                }
                ActionItem next = a;
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("action", actionId);
                List<String> said = new ArrayList<>();
                if (newStatus != null && !newStatus.equals(a.status())) {
                    next = next.withStatus(newStatus, when);
                    attrs.put("status", newStatus);
                    attrs.put("was_status", a.status());
                    said.add("status " + a.status() + " -> " + newStatus);
                }
                if (why != null && !why.equals(a.reason())) {
                    next = next.withReason(why);
                    attrs.put("reason", why);
                    said.add("reason: " + Text.firstLine(why, 60));
                }
                String o = owner == null ? a.owner() : newOwner;
                String d = due == null ? a.due() : newDue;
                String t = newText == null ? a.text() : newText;
                String l = link == null ? a.link() : newLink;
                if (!java.util.Objects.equals(o, a.owner())) {
                    attrs.put("owner", o == null ? "" : o);
                    said.add(o == null ? "no owner (was " + a.owner() + ")" : "owner " + o);
                }
                if (!java.util.Objects.equals(d, a.due())) {
                    attrs.put("due", d == null ? "" : d);
                    said.add(d == null ? "no due date" : "due " + d);
                }
                if (!t.equals(a.text())) {
                    attrs.put("text", t);
                    said.add("reworded (was: " + Text.firstLine(a.text(), 60) + ")");
                }
                if (!java.util.Objects.equals(l, a.link())) {
                    attrs.put("link", l == null ? "" : l);
                    said.add(l == null ? "no link" : "link " + l);
                }
                if (said.isEmpty()) {
                    throw IrException.usage("action item " + actionId + " already is that: nothing to change");
                }
                next = next.withFields(o, d, t, l);
                ActionItem changed = next;
                List<ActionItem> items = i.actions().stream().map(x -> x.id().equals(actionId) ? changed : x)
                        .toList();
                String what = String.join("; ", said);
                TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), when, who, TimelineEvent.ACTION_ITEM,
                        "Action item " + Text.firstLine(t, 60) + ": " + what, false, attrs);
                return new Change(i.withActions(items).withEvent(e), "action set: " + Text.firstLine(t, 40) + ": "
                        + Text.firstLine(what, 60), TimelineEvent.ACTION_ITEM);
            });
            info("Changed action item " + actionId + " of " + id);
            if (newDue != null && (newStatus == null || ActionItem.isOpen(newStatus))
                    && java.time.LocalDate.parse(newDue).isBefore(java.time.LocalDate.now(clock()))) {
                warn("action item " + actionId + " is already overdue (due " + newDue + ")");
            }
            return 0;
        }

        private static boolean cleared(String value) {
            return value == null || value.isBlank() || "none".equalsIgnoreCase(value.strip());
        }
    }

    /** The action item statuses, for shell completion of {@code --status}. */
    public static final class Statuses implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ActionItem.STATUSES.iterator();
        }
    }

    /**
     * The incident and id of the action item {@code action} names (its id or a unique prefix), in the incident given
     * with {@code -i} or else in every incident.
     */
    static String[] find(IrCommand command, IncidentOption incident, String action) {
        String q = action.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            throw IrException.usage("give the action item's id (see 'ir actions')");
        }
        List<Incident> where = incident.incident == null
                ? command.store().loadAll(m -> command.warn(m + " (skipped)"))
                : List.of(command.store().load(command.store().select(incident.incident)));
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
        return matches.get(0);
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
