package ir.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ir use}: chooses the current incident of this clone. */
@Command(name = "use", description = {"Make an incident the current one in this clone, so commands need no -i.",
        "Without ID, print the current incident."},
        footer = {"", "Examples:", "  ir use 2026-11-28-checkout-latency-spike", "  ir use checkout"})
public final class UseCommand extends IrCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Full ID, unique prefix or substring.")
    String id;

    @Override
    protected int run() {
        if (id == null) {
            out().println(store().select(null));
            return 0;
        }
        String chosen = store().select(id);
        store().setCurrent(chosen);
        out().println(chosen);
        info("Current incident: " + chosen);
        return 0;
    }
}
