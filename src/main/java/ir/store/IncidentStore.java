package ir.store;

import ir.model.Change;
import ir.model.Incident;
import ir.model.IrConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where incidents live. Every mutation is one atomic file write and one commit, made under the workspace lock, so
 * concurrent {@code ir} processes serialise and nothing accepted is lost.
 */
public interface IncidentStore extends AutoCloseable {

    Workspace workspace();

    IrConfig config();

    /** Every incident ID in the workspace, sorted. */
    List<String> ids();

    /** Reads one incident; a missing or invalid file is an error naming the file. */
    Incident load(String id);

    /** Every readable incident; each unreadable one is reported to {@code warn} and skipped. */
    List<Incident> loadAll(Consumer<String> warn);

    /**
     * A summary of every readable incident, as {@link #loadAll} would give; each unreadable one is reported to
     * {@code warn} and skipped. A store may answer from a cache instead of parsing every file.
     */
    default List<ir.model.IncidentSummary> summaries(Consumer<String> warn) {
        return loadAll(warn).stream().map(ir.model.IncidentSummary::of).toList();
    }

    /**
     * Resolves what the user typed ({@code -i}): a full ID, a unique prefix or a unique substring; null means the
     * current incident. Fails with exit 3 when nothing or several match.
     */
    String select(String query);

    Optional<String> current();

    void setCurrent(String id);

    /** The responder: {@code Name <email>}. */
    String author();

    /**
     * A value a command derived from this store's data and keeps for its next run in a long-lived process (made by
     * {@code make} when there is none yet, and never kept by a one-shot store). The command must check it against
     * what it was made from before using it.
     */
    default <T> T view(String name, java.util.function.Supplier<T> make) {
        return make.get();
    }

    /** Declares a new incident: {@code declare} gets the IDs taken so far and returns the new incident. */
    Incident create(Function<Set<String>, Change> declare);

    /** Reads, changes and commits one incident under the lock; returns the new state. */
    Incident update(String id, Function<Incident, Change> change);

    /** A change of an incident plus other files of it (paths relative to the workspace; null deletes one). */
    record Update(Change change, Map<Path, byte[]> files) {
    }

    /**
     * Like {@link #update}, and writes {@code files} of the same incident (such as its rendered post-mortem) in the
     * same single commit. {@code change} runs under the lock, so it may read those files to decide.
     */
    Incident updateWithFiles(String id, Function<Incident, Update> change);

    /**
     * Writes and commits files that belong to an incident (such as its rendered post-mortem). Paths are relative to
     * the workspace; a null content deletes the file.
     */
    void commitFiles(String id, Map<Path, byte[]> files, String summary, String eventType);

    /**
     * Fetches, merges (incident files semantically) and pushes; see {@code GitIncidentStore#sync}.
     *
     * @param remote      a remote name or URL; null for the branch's upstream, else {@code origin}
     * @param hook        re-renders post-mortems of merged incidents, or null
     * @param mergeDriver the git merge driver command to register if none is, or null
     */
    default SyncResult sync(String remote, ir.model.PostmortemHook hook, String mergeDriver) {
        throw new UnsupportedOperationException("this store cannot sync");
    }

    /**
     * Where alerts enter this workspace ({@code ir ingest}, {@code ir serve}): alert payloads checked, routed by
     * ir.yaml's {@code triggers:} and recorded as the intake identity ({@code intake.author}), one commit per changed
     * incident.
     */
    default AlertIntake intake() {
        throw new UnsupportedOperationException("this store takes no alerts");
    }

    /** JSON text of a value built from incidents, maps, lists, strings, numbers and booleans. */
    String json(Object value);

    /**
     * {@link #json(Object)} on a single line (timeline entries as the incident document writes them), for output read
     * one line at a time: {@code ir show --follow --json}.
     */
    String jsonLine(Object value);

    /** JSON text of an incident document with {@code extra} keys appended at its top level. */
    String json(Incident incident, Map<String, Object> extra);

    /** The YAML text of an incident, exactly as it is written to its file. */
    String yaml(Incident incident);

    /** One commit of an incident's history: when it was recorded, by whom, its first line and Ir-Event trailer. */
    record Revision(String commit, java.time.Instant at, String author, String subject, String eventType) {
    }

    /** The incident as it was committed at {@code revision}. */
    record Snapshot(Incident incident, Revision revision) {
    }

    /** The commits that changed the incident's files ({@code <id>.yaml}, {@code <id>.md}), oldest first. */
    List<Revision> history(String id);

    /**
     * The incident as committed at a git revision (commit id, unique abbreviation, or a name such as
     * {@code HEAD~2}); exit 3 when the revision is unknown or the incident did not exist there.
     */
    Snapshot snapshotAt(String id, String revision);

    /** Parses an incident document (as {@code ir edit} saves it); a usage error says what and where is wrong. */
    Incident parse(byte[] yaml, String name);

    /** This clone's outbox of notifications, oldest first. */
    default List<OutboxMessage> outbox() {
        return List.of();
    }

    /** Makes failed and waiting messages (all, or of one key or incident) due now; returns how many. */
    default int retryOutbox(String which) {
        return 0;
    }

    /** Removes undelivered messages (all, or of one key or incident); returns how many. */
    default int dropOutbox(String which) {
        return 0;
    }

    /** Sends due messages, waiting at most {@code wait} for them (the rest goes on in the background). */
    default void deliver(java.time.Duration wait) {
    }

    /**
     * How current this clone's view is (see {@link ir.model.Freshness}). A store without a remote answers
     * {@link ir.model.Freshness#local}.
     */
    default ir.model.Freshness freshness() {
        return ir.model.Freshness.local(0);
    }

    /**
     * Keeps this clone synced with its remote while the returned handle is open, if auto-sync is on and no other
     * process on this machine does it already: for long-lived commands ({@code ir show --follow}, {@code ir shell}).
     * Never blocks; closing it stops the work this call started.
     */
    default AutoCloseable keepSynced() {
        return () -> {
        };
    }

    /**
     * A command (of the CLI, in whatever process) is done with this store: ir was used in this clone now, and when
     * the command committed, auto-sync is told (the long-lived process's engine, or a detached process started when
     * none owns the workspace's engine). Stores used directly, outside a command, never start anything.
     */
    default void commandDone() {
    }

    /** This clone's explicit auto-sync setting ({@code ir sync --auto on|off}); null when the default applies. */
    default Boolean autoSync() {
        return null;
    }

    /** Whether auto-sync is on in this clone (the setting, else on when the branch has an upstream it synced with). */
    default boolean autoSyncOn() {
        return false;
    }

    /** Sets this clone's auto-sync ({@code ir.autosync} in its git config). */
    default void autoSync(boolean on) {
        throw new UnsupportedOperationException("this store cannot sync");
    }

    /** Auto-sync's problem or notice not reported yet, now marked as reported (said once); null when none. */
    default String takeSyncReport() {
        return null;
    }

    /**
     * Runs this clone's auto-sync engine here until nothing is left to do ({@code ir sync --auto-run}); false at once
     * when another process owns it.
     */
    default boolean runAutoSync() {
        return false;
    }

    @Override
    void close();
}
