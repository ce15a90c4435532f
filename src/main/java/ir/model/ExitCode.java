package ir.model;

/** The process exit codes (README, "Exit codes"), so that scripts can tell failures apart. */
public enum ExitCode {
    OK(0),
    /** A runtime failure: I/O, git, something unexpected. */
    FAILURE(1),
    /** Bad usage or invalid input: the user can fix the command line. */
    USAGE(2),
    /** No such incident, or an ambiguous selection. */
    NOT_FOUND(3),
    /** Busy (lock not obtained in time) or a merge that needs a person. */
    BUSY(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
