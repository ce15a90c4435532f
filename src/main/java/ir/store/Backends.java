package ir.store;

/**
 * How a command gets the store of its workspace. A one-shot process opens a backend for the command and closes it
 * after ({@link #oneShot}); a long-lived one (the background process, the shell) keeps one backend per workspace and
 * lends it to each command ({@link #kept}), and closes them all when it ends.
 */
public interface Backends extends AutoCloseable {
    /** The store of {@code ws} for one command; closing it ends the command's use, not a kept backend. */
    IncidentStore open(Workspace ws, Session session);

    /**
     * Whether work this process does for its workspaces is still under way or due (auto-sync has something to push,
     * or a workspace is active): a long-lived process does not exit idle while it has.
     */
    default boolean hasWork() {
        return false;
    }

    /** Closes every backend kept, after finishing the work they moved to the background. */
    @Override
    default void close() {
    }

    /** Opens a new backend for every command and closes it after. */
    static Backends oneShot() {
        return ONE_SHOT;
    }

    /** A lambda, not a constructor reference: the store's classes load when a command first opens it. */
    Backends ONE_SHOT = (ws, session) -> new GitIncidentStore(ws, session);

    /**
     * Keeps one backend per workspace (the few most recently used), and does the work that only later one-shot runs
     * need (rewriting the list cache) after each command has been answered.
     */
    static Backends kept() {
        return new KeptBackends();
    }
}
