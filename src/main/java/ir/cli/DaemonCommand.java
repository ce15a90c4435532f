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
        "The installed 'ir' hands everyday commands (log, show, list, open with its arguments, ...) to a warm "
                + "background process, one per user, started by the first such command and gone after 15 minutes "
                + "without one (IR_DAEMON_IDLE seconds), so they answer in tens of milliseconds. Each command still "
                + "runs exactly as a one-shot ir would, with your directory, environment, time zone and umask, and is "
                + "committed before ir exits; one the process does not take within 1.5 s runs in-process. Set "
                + "IR_DAEMON=0 to run every command in-process. 'stop' ends a process that does not answer by its "
                + "pid."},
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
        Client.Reply reply = Client.control(jar(), op, env().environment());
        switch (reply.state()) {
            case ANSWERED -> out().print(reply.text());
            case NOT_RUNNING -> {
                String failure = Client.lastFailure(jar(), env().environment());
                out().println("ir's background process is not running" + (op.equals("stop") ? ": nothing to stop"
                        : failure != null ? "; the last one could not start (" + Text.firstLine(failure, 200)
                        + "), so commands run in-process for 10 minutes before one is tried again" : ""));
            }
            case NOT_ANSWERING -> {
                return op.equals("stop") ? end() : notAnswering();
            }
        }
        return 0;
    }

    /** {@code ir daemon status} when the process does not answer (stopped with SIGSTOP, stuck, or overloaded). */
    private int notAnswering() {
        long pid = Client.pid(jar(), env().environment());
        throw new IrException(ExitCode.FAILURE, "ir's background process" + (pid > 0 ? " (pid " + pid + ")" : "")
                + " is not answering: it may be stopped or stuck; commands run in-process meanwhile, and "
                + "'ir daemon stop' ends it");
    }

    /** {@code ir daemon stop} when the process does not answer: ends it by its pid, with SIGTERM (else SIGKILL). */
    private int end() {
        long pid = Client.pid(jar(), env().environment());
        if (pid <= 0) {
            throw new IrException(ExitCode.FAILURE, "ir's background process is not answering and its pid is not "
                    + "known: end it yourself (look for 'ir.Daemon' in 'ps x')");
        }
        String how = Client.end(jar(), env().environment(), pid);
        if (how == null) {
            throw new IrException(ExitCode.FAILURE, "ir's background process (pid " + pid + ") is not answering and "
                    + "did not end: end it yourself with 'kill -KILL " + pid + "'");
        }
        out().println("ended ir's background process (" + pid + "), which was not answering, with " + how);
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
