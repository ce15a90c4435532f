package ir.model;

/**
 * An error meant for the user: its message is printed as one line {@code ir: <message>} and the process exits with
 * its code. Everything else that escapes a command is an internal failure (exit 1).
 */
public class IrException extends RuntimeException {
    private final ExitCode exitCode;

    public IrException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public IrException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static IrException usage(String message) {
        return new IrException(ExitCode.USAGE, message);
    }

    public static IrException notFound(String message) {
        return new IrException(ExitCode.NOT_FOUND, message);
    }
}
