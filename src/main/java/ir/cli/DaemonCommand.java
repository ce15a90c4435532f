package ir.cli;

import ir.daemon.Client;
import ir.model.ExitCode;
import ir.model.IrException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@code ir daemon}: shows or stops ir's background process, the warm JVM the installed launcher hands everyday
 * commands to (see {@link ir.daemon.Server}). Nothing depends on it: stopped, the next command runs in-process and
 * starts another.
 */
@Command(name = "daemon", description = {"Show or stop ir's background process.",
        "The installed 'ir' hands non-interactive commands (log, show, list, severity, ...) to a warm background "
                + "process of your own, started by the first such command and gone after 15 minutes without one "
                + "(IR_DAEMON_IDLE seconds), so they answer in tens of milliseconds. Each command still runs exactly "
                + "as a one-shot ir would, and is committed before ir exits. Set IR_DAEMON=0 to run every command "
                + "in-process."},
        footer = {"", "Examples:", "  ir daemon", "  ir daemon stop"})
public final class DaemonCommand extends IrCommand {
    @Parameters(arity = "0..1", paramLabel = "ACTION", description = "status (default) or stop.")
    String action;

    @Override
    protected int run() {
        String op = action == null ? "status" : action.strip().toLowerCase(java.util.Locale.ROOT);
        if (!op.equals("status") && !op.equals("stop")) {
            throw IrException.usage("unknown action '" + action + "': use status or stop");
        }
        String reply = Client.control(jar(), op, env().environment());
        if (reply == null) {
            String failure = Client.lastFailure(jar(), env().environment());
            out().println("ir's background process is not running" + (op.equals("stop") ? ": nothing to stop"
                    : failure != null ? "; the last one could not start (" + Text.firstLine(failure, 200)
                    + "), so commands run in-process for 10 minutes before one is tried again" : ""));
        } else {
            out().print(reply);
        }
        return 0;
    }

    /** The jar this ir runs from: the background process it talks to is the one serving the same jar. */
    private static Path jar() {
        try {
            return Path.of(DaemonCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IrException(ExitCode.FAILURE, "cannot tell which jar ir runs from: " + e.getMessage(), e);
        }
    }
}
