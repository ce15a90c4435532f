package ir.store;

/**
 * How a command gets the store of its workspace. A one-shot process opens a backend for the command and closes it
 * after; a long-lived one (the background process, the shell) keeps one backend per workspace and lends it.
 */
public interface Backends {
    /** The store of {@code ws} for one command; closing it ends the command's use, not a kept backend. */
    IncidentStore open(Workspace ws, Session session);

    /** Opens a new backend for every command and closes it after. */
    static Backends oneShot() {
        return GitIncidentStore::new;
    }
}
