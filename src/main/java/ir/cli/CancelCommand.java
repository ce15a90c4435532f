package ir.cli;

import ir.model.Cancellation;
import ir.model.Incident;
import ir.model.IrException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code ir cancel}: an incident declared by mistake or twice keeps its record but leaves lists and stats. */
@Command(name = "cancel", description = {"Cancel an incident declared by mistake (a false alarm, a test) or twice "
        + "(--duplicate-of the one that stays), saying why.",
        "The record stays, with status 'canceled' and the reason; it is left out of 'ir list', 'ir stats', "
                + "'ir actions' and post-mortem requirements. 'ir reopen WHY' brings it back."},
        footer = {"", "Examples:", "  ir cancel false alarm: the synthetic check itself was broken",
                "  ir cancel -i checkout-2 --duplicate-of 2026-11-28-checkout-latency-spike"})
public final class CancelCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Parameters(arity = "0..*", paramLabel = "REASON", description = "Why it is canceled ('-' reads standard "
            + "input); required unless --duplicate-of is given.")
    List<String> words;

    @Option(names = "--duplicate-of", paramLabel = "ID", description = "The incident this one duplicates, which "
            + "stays (full ID, unique prefix or unique substring).")
    String duplicateOf;

    @Mixin
    AtOption at;

    @Mixin
    ForceOption force;

    @Override
    protected int run() {
        Instant when = at.instant(clock());
        String why = TextArgs.optional(words, env().in());
        String id = store().select(incident.incident);
        String survivor = null;
        if (duplicateOf != null) {
            if (duplicateOf.isBlank()) {
                throw IrException.usage("--duplicate-of is empty: name the incident that stays");
            }
            survivor = store().select(duplicateOf);
            if (survivor.equals(id)) {
                throw IrException.usage(id + " cannot be a duplicate of itself: name the incident that stays");
            }
            Incident kept = store().load(survivor);
            if (Cancellation.isCanceled(kept)) {
                throw IrException.usage(survivor + " is canceled itself" + (Cancellation.duplicateOf(kept) == null
                        ? "" : " (a duplicate of " + Cancellation.duplicateOf(kept) + ")")
                        + ": name the incident that stays");
            }
        }
        String who = store().author();
        String target = survivor;
        update(id, i -> Cancellation.cancel(i, why, target, when, who));
        info(id + " is canceled" + (survivor == null ? "" : " as a duplicate of " + survivor)
                + ": left out of lists and stats ('ir reopen WHY' brings it back)");
        return 0;
    }
}
