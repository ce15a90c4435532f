package ir.cli;

import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code ir role}: assigns, hands off or clears a response role. */
@Command(name = "role", description = {"Assign a response role (from ir.yaml) to a person, hand it off, or clear it.",
        "Giving a held role to someone else records a hand-off; roles with 'multiple: true' (such as sme) gain "
                + "the person instead. Prints the role's checklist (ir.yaml) for the person taking it."},
        footer = {"", "Examples:", "  ir role commander \"Alice <alice@example.com>\"",
                "  ir role scribe me --at 15:10", "  ir role sme \"Carol <carol@example.com>\"",
                "  ir role --clear sme Carol", "  ir role --clear customer-liaison"})
public final class RoleCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @Option(names = "--clear", description = "Clear the role (or, with PERSON, remove that person from it).")
    boolean clear;

    @Parameters(index = "0", paramLabel = "ROLE", description = "A role from ir.yaml: commander, deputy, scribe, "
            + "sme, customer-liaison, internal-liaison, or your own.")
    String role;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PERSON",
            description = "Who, ideally \"Name <email>\" (the words are joined); 'me' is you.")
    List<String> person;

    @Mixin
    AtOption at;

    @Override
    protected int run() {
        Instant when = at.instant(clock());
        IrConfig.Role r = config().role(role);
        String who = TextArgs.joined(person, "the person");
        if (!clear && who == null) {
            throw IrException.usage("say who takes " + r.name() + ", e.g. ir role " + r.name()
                    + " \"Alice <alice@example.com>\" (or --clear " + r.name() + ")");
        }
        String id = store().select(incident.incident);
        String author = store().author();
        if ("me".equalsIgnoreCase(who)) {
            who = author;
        }
        String person = who;
        var next = update(id, i -> clear ? Lifecycle.clearRole(i, r, person, when, author)
                : Lifecycle.assignRole(i, r, person, when, author));
        List<String> holders = next.roles().getOrDefault(r.name(), List.of());
        info(holders.isEmpty() ? r.name() + " is now unassigned on " + id
                : r.name() + " on " + id + ": " + String.join(", ", holders));
        if (!clear) {
            // The steps of the role, for the person taking it (the shell shows them too: it runs this command).
            List<ir.model.Checklists.State> steps = ir.model.Checklists.states(next, r.name());
            if (!steps.isEmpty()) {
                out().println(r.title() + " checklist for " + person + " (ir checklist done ID when done):");
                ChecklistCommand.print(out(), steps, clock(), clock().instant());
            }
        }
        return 0;
    }
}
