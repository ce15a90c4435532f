package ir.cli;

import ir.model.ActionItem;
import ir.model.Cancellation;
import ir.model.Incident;
import ir.model.Person;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ir actions}: action items across all incidents. */
@Command(name = "actions", description = {"List action items across all incidents with their status ([ ] open, "
        + "[~] in progress, [x] done, [-] won't do), open ones first by due date; open items past their due date are "
        + "marked OVERDUE."},
        footer = {"", "Examples:", "  ir actions --open", "  ir actions --owner bob", "  ir actions --status wont-do",
                "  ir actions --json | jq '.[] | select(.overdue)'"})
public final class ActionsCommand extends IrCommand {
    @Option(names = "--open", description = "Only items still to do: open or in progress.")
    boolean open;

    @Option(names = "--status", paramLabel = "STATUS", completionCandidates = ActionCommand.Statuses.class,
            description = "Only items in this status: open, in-progress, "
            + "done or wont-do.")
    String status;

    @Option(names = "--owner", paramLabel = "PERSON", description = "Only items whose owner contains PERSON "
            + "(case-insensitive); 'me' is you.")
    String owner;

    @Option(names = {"-i", "--incident"}, paramLabel = "ID", description = "Only this incident's items (full ID, "
            + "unique prefix or substring).")
    String incident;

    @Option(names = "--include-canceled", description = "Include items of canceled incidents (left out unless "
            + "-i names one).")
    boolean includeCanceled;

    @Option(names = "--json", description = "A JSON array of items, each with its incident and 'overdue'.")
    boolean json;

    /** One action item with where it comes from. */
    record Row(Incident incident, ActionItem item, boolean overdue) {
    }

    @Override
    protected int run() {
        LocalDate today = LocalDate.now(clock());
        // 'me' is the responder, as in 'ir action add --owner me' (not every owner with "me" in the name).
        String who = owner == null ? null : ("me".equalsIgnoreCase(owner.strip()) ? store().author() : owner.strip())
                .toLowerCase(Locale.ROOT);
        String only = status == null ? null : ActionItem.status(status);
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> place = new java.util.HashMap<>();
        List<Incident> incidents = incident == null ? store().loadAll(m -> warn(m + " (skipped)"))
                : List.of(store().load(store().select(incident)));
        for (Incident i : incidents) {
            if (incident == null && !includeCanceled && Cancellation.isCanceled(i)) {
                continue; // a mistaken incident's items are not anyone's work
            }
            List<ActionItem> ordered = ActionItem.ordered(i.actions(), i.timeline());
            for (int n = 0; n < ordered.size(); n++) {
                place.put(i.id() + "\0" + ordered.get(n).id(), n);
            }
            for (ActionItem a : ordered) {
                if (open && !a.isOpen() || only != null && !only.equals(a.status())
                        || who != null && (a.owner() == null || !a.owner().toLowerCase(Locale.ROOT).contains(who))) {
                    continue;
                }
                rows.add(new Row(i, a, overdue(a, today)));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> !r.item().isOpen())
                .thenComparing(r -> r.item().due() == null ? "9999" : r.item().due())
                .thenComparing(r -> r.incident().id())
                .thenComparing(r -> place.get(r.incident().id() + "\0" + r.item().id())));
        if (json) {
            List<Object> docs = new ArrayList<>();
            for (Row r : rows) {
                ActionItem a = r.item();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("incident", r.incident().id());
                m.put("id", a.id());
                m.put("text", a.text());
                m.put("type", a.type());
                m.put("owner", a.owner());
                m.put("due", a.due());
                m.put("status", a.status());
                m.put("reason", a.reason());
                m.put("done_at", a.doneAt() == null ? null : ir.model.Times.format(a.doneAt()));
                m.put("added_at", a.addedAt() == null ? null : ir.model.Times.format(a.addedAt()));
                m.put("link", a.link());
                m.put("overdue", r.overdue());
                docs.add(m);
            }
            out().println(store().json(docs));
            return 0;
        }
        if (rows.isEmpty()) {
            info("No action items" + (open || who != null || only != null ? " match" : " yet")
                    + ". Add one with: ir action add TEXT");
            return 0;
        }
        int w = rows.stream().mapToInt(r -> r.incident().id().length()).max().orElse(10);
        for (Row r : rows) {
            ActionItem a = r.item();
            out().println(Text.forTerminal("[" + mark(a) + "] " + Text.pad(a.id(), 12) + "  "
                    + Text.pad(a.status(), 11) + " "
                    + Text.pad(r.incident().id(), w) + "  " + Text.pad(a.due() == null ? "" : a.due(), 10) + " "
                    + Text.pad(r.overdue() ? "OVERDUE" : "", 8)
                    + Text.pad(a.owner() == null ? "" : Person.name(a.owner()), 12) + " "
                    + Text.pad(a.type() == null ? "" : a.type(), 9)
                    + Text.firstLine(a.text(), 80)));
        }
        return 0;
    }

    /** The box of an item's status: {@code ' '} open, {@code ~} in progress, {@code x} done, {@code -} won't do. */
    static String mark(ActionItem a) {
        return switch (a.status()) {
            case ActionItem.IN_PROGRESS -> "~";
            case ActionItem.DONE -> "x";
            case ActionItem.WONT_DO -> "-";
            default -> " ";
        };
    }

    /** Open and due before today (in the user's time zone). */
    static boolean overdue(ActionItem a, LocalDate today) {
        if (!a.isOpen() || a.due() == null) {
            return false;
        }
        try {
            return LocalDate.parse(a.due().strip()).isBefore(today);
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }
}
