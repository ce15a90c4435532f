package ir.cli;

import ir.model.ChecklistItem;
import ir.model.Checklists;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir checklist}: the incident's checklist steps, and recording one done or skipped. */
@Command(name = "checklist", description = {"List the incident's checklist: the steps ir.yaml gives the roles held, "
        + "its severity and its type, with who did each and when, and when each is due.",
        "The incident keeps a copy of its steps, so editing ir.yaml later changes no past incident. Steps done or "
                + "skipped are timeline events, kept out of the post-mortem's timeline and shown in a table of "
                + "their own. See docs/checklists.md."},
        subcommands = {ChecklistCommand.Done.class, ChecklistCommand.Skip.class},
        footer = {"", "Examples:", "  ir checklist", "  ir checklist --role commander",
                "  ir checklist done commander.announce", "  ir checklist done announce --at 14:03",
                "  ir checklist skip first-public-post \"internal tool, no customers affected\"",
                "  ir checklist --json | jq '.items[] | select(.state == \"open\")'"})
public final class ChecklistCommand extends IrCommand {
    /** The version of the {@code --json} document's shape (docs/checklists.md). */
    static final int JSON_VERSION = 1;

    @Mixin
    IncidentOption incident;

    @Option(names = "--role", paramLabel = "ROLE", description = "Only the steps of this role.")
    String role;

    @Option(names = "--json", description = "A JSON document: {version, incident, type, items: [...]}.")
    boolean json;

    @Override
    protected int run() {
        String r = role == null ? null : config().role(role).name();
        Incident i = store().load(store().select(incident.incident));
        List<Checklists.State> states = Checklists.states(i, r);
        if (json) {
            out().println(store().json(document(i, states)));
            return 0;
        }
        if (states.isEmpty()) {
            info(i.id() + " has no checklist steps" + (r == null ? "" : " for " + r) + ": ir.yaml gives steps to "
                    + "roles, severities and types (see docs/checklists.md)");
            return 0;
        }
        print(out(), states, clock(), clock().instant());
        return 0;
    }

    /**
     * One line per step: {@code [x] commander.announce  Say you are the commander  due 14:05Z  done by Alice at ...}.
     * {@code [ ]} open, {@code [x]} done, {@code [-]} skipped, {@code [!]} open and overdue.
     */
    static void print(PrintWriter out, List<Checklists.State> states, Clock clock, Instant now) {
        int width = 0;
        for (Checklists.State s : states) {
            width = Math.max(width, Text.width(s.item().id()));
        }
        for (Checklists.State s : states) {
            ChecklistItem x = s.item();
            String box = switch (s.state()) {
                case Checklists.DONE -> "[x]";
                case Checklists.SKIPPED -> "[-]";
                default -> s.overdue(now) ? "[!]" : "[ ]";
            };
            StringBuilder line = new StringBuilder(box).append(' ').append(Text.pad(x.id(), width)).append("  ");
            Text.appendSafe(line, x.text());
            if (s.due() != null) {
                line.append("  (due ").append(Times.short_(s.due(), clock, false)).append(')');
            }
            if (!s.open()) {
                line.append("  ").append(s.state()).append(" by ");
                Text.appendSafe(line, s.by() == null ? "?" : s.by());
                line.append(' ').append(Times.short_(s.at(), clock, false));
                if (s.reason() != null) {
                    line.append(": ");
                    Text.appendSafe(line, s.reason());
                }
            }
            out.println(line);
        }
        out.flush();
    }

    static Map<String, Object> document(Incident i, List<Checklists.State> states) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", JSON_VERSION);
        doc.put("incident", i.id());
        doc.put("type", i.type());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Checklists.State s : states) {
            ChecklistItem x = s.item();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", x.id());
            m.put("text", x.text());
            m.put("scope", x.scope());
            m.put("owner", x.owner());
            m.put("within", x.within() == null ? null : ir.model.Cadence.formatDuration(x.within()));
            m.put("added_at", x.addedAt() == null ? null : Times.format(x.addedAt()));
            m.put("due_at", s.due() == null ? null : Times.format(s.due()));
            m.put("state", s.state());
            m.put("by", s.by());
            m.put("at", s.at() == null ? null : Times.format(s.at()));
            m.put("reason", s.reason());
            m.put("on_time", s.onTime());
            items.add(m);
        }
        doc.put("items", items);
        return doc;
    }

    /** {@code ir checklist done}. */
    @Command(name = "done", description = {"Record a checklist step done (a timeline event)."},
            footer = {"", "Examples:", "  ir checklist done commander.announce",
                    "  ir checklist done size-up --at 14:12"})
    public static final class Done extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Parameters(index = "0", paramLabel = "ITEM", description = "The step: its id (commander.announce), the part "
                + "after the dot when only one step has it, or the start of its id.")
        String item;

        @Mixin
        AtOption at;

        @picocli.CommandLine.ParentCommand
        ChecklistCommand parent;

        @Override
        protected int run() {
            Instant when = at.instant(clock());
            String id = store().select(incident.incident != null ? incident.incident : parent.incident.incident);
            String who = store().author();
            Incident next = update(id, i -> Checklists.done(i, item, when, who));
            info(id + ": done: " + Checklists.find(next, item).id());
            return 0;
        }
    }

    /** {@code ir checklist skip}. */
    @Command(name = "skip", description = {"Record a checklist step skipped, and why (a timeline event)."},
            footer = {"", "Examples:", "  ir checklist skip first-public-post internal tool, no customers affected"})
    public static final class Skip extends IrCommand {
        @Mixin
        IncidentOption incident;

        @Parameters(index = "0", paramLabel = "ITEM", description = "The step (as for 'ir checklist done').")
        String item;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "REASON", description = "Why it is skipped (the "
                + "words are joined).")
        List<String> reason;

        @Mixin
        AtOption at;

        @picocli.CommandLine.ParentCommand
        ChecklistCommand parent;

        @Override
        protected int run() {
            String why = TextArgs.joined(reason, "the reason");
            if (why == null || why.isBlank()) {
                throw IrException.usage("say why the step is skipped, e.g. ir checklist skip " + item
                        + " no customer impact");
            }
            Instant when = at.instant(clock());
            String id = store().select(incident.incident != null ? incident.incident : parent.incident.incident);
            String who = store().author();
            Incident next = update(id, i -> Checklists.skip(i, item, why, when, who));
            info(id + ": skipped: " + Checklists.find(next, item).id());
            return 0;
        }
    }
}
