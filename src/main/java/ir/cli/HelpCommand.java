package ir.cli;

import ir.model.IrException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code ir help [COMMAND [SUBCOMMAND]]}: the same usage text as {@code ir COMMAND --help}. */
@Command(name = "help", helpCommand = true,
        description = {"Show how to use ir, a command or a subcommand: the same text as 'ir COMMAND --help'.",
                "Without COMMAND, list every command by what you are doing."},
        footer = {"", "Examples:", "  ir help", "  ir help log", "  ir help action add"})
public final class HelpCommand extends IrCommand {
    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command, and a subcommand of it.")
    List<String> names = List.of();

    @Override
    protected int run() {
        CommandLine target = spec.root().commandLine();
        StringBuilder path = new StringBuilder("ir");
        for (String name : names) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                String known = String.join(", ", visible(target));
                throw IrException.usage(target.getSubcommands().isEmpty()
                        ? "'" + path + "' has no subcommands (see '" + path + " --help')"
                        : "unknown command '" + Text.forTerminal(name) + "' of '" + path + "': use one of "
                        + known);
            }
            target = next;
            path.append(' ').append(name);
        }
        target.usage(out());
        return 0;
    }

    private static List<String> visible(CommandLine cl) {
        return cl.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey)
                .toList();
    }
}
