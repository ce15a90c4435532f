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
@Command(name = "actions", description = {"List action items across all incidents, open ones first by due date; "
        + "open items past their due date are marked OVERDUE."},
        footer = {"", "Examples:", "  ir actions --open", "  ir actions --owner bob",
                "  ir actions --json | jq '.[] | select(.overdue)'"})
public final class ActionsCommand extends IrCommand {
    @Option(names = "--open", description = "Only items not done yet.")
    boolean open;

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
        List<Row> rows = new ArrayList<>();
        List<Incident> incidents = incident == null ? store().loadAll(m -> warn(m + " (skipped)"))
                : List.of(store().load(store().select(incident)));
        for (Incident i : incidents) {
            if (incident == null && !includeCanceled && Cancellation.isCanceled(i)) {
                continue; // a mistaken incident's items are not anyone's work
            }
            for (ActionItem a : i.actions()) {
                if (open && !a.isOpen()
                        || who != null && (a.owner() == null || !a.owner().toLowerCase(Locale.ROOT).contains(who))) {
                    continue;
                }
                rows.add(new Row(i, a, overdue(a, today)));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> !r.item().isOpen())
                .thenComparing(r -> r.item().due() == null ? "9999" : r.item().due())
                .thenComparing(r -> r.incident().id()).thenComparing(r -> r.item().id()));
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
                m.put("link", a.link());
                m.put("overdue", r.overdue());
                docs.add(m);
            }
            out().println(store().json(docs));
            return 0;
        }
        if (rows.isEmpty()) {
            info("No action items" + (open || who != null ? " match" : " yet") + ". Add one with: ir action add TEXT");
            return 0;
        }
        int w = rows.stream().mapToInt(r -> r.incident().id().length()).max().orElse(10);
        for (Row r : rows) {
            ActionItem a = r.item();
            out().println(Text.forTerminal("[" + (a.isOpen() ? " " : "x") + "] " + Text.pad(a.id(), 12) + "  "
                    + Text.pad(r.incident().id(), w) + "  " + Text.pad(a.due() == null ? "" : a.due(), 10) + " "
                    + Text.pad(r.overdue() ? "OVERDUE" : "", 8)
                    + Text.pad(a.owner() == null ? "" : Person.name(a.owner()), 12) + " "
                    + Text.pad(a.type() == null ? "" : a.type(), 9)
                    + Text.firstLine(a.text(), 80)));
        }
        return 0;
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
