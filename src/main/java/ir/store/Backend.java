package ir.store;

import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Person;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The owned backend of one workspace: the git repository, the parsed incidents, the summary index behind
 * {@code ir list}, the configuration, the identity each session resolves to, and what commands derive from them. A
 * one-shot command opens one and closes it; a long-lived process (the background process, the shell) keeps one per
 * workspace (see {@link KeptBackends}) and lends it to each command.
 *
 * <p><b>The one invalidation rule:</b> nothing kept here is used without checking the source it was made from, by
 * content or by stat: a parsed incident only for the very bytes of its file read again now, a summary only while its
 * file's size and time are unchanged, the configuration only for the very bytes of {@code ir.yaml}, HEAD's tree only
 * for the same tree id, git's index only while its file is unchanged (JGit's snapshot), an identity only for the same
 * environment and override. So another process, a {@code git pull} or an editor can change anything at any time, and
 * a kept backend follows without being told.
 */
final class Backend implements AutoCloseable {
    private final Workspace ws;
    private final BackgroundWrites writes;
    private final Journal journal;
    private final IncidentFiles files;
    private final Map<String, Object> views = new HashMap<>();
    private GitRepo git;
    private IrConfig config;
    private byte[] configBytes;
    private final GitIdentity gitIdentity = new GitIdentity();
    private Session warned;

    /** @param writes where long-lived work is done after a command was answered; null to do it at once */
    Backend(Workspace ws, BackgroundWrites writes) {
        this.ws = ws;
        this.writes = writes;
        this.journal = new Journal(ws.stateDir());
        this.files = new IncidentFiles(ws, new SummaryCache(ws.stateDir(), ws.incidentsDir(), writes));
    }

    private Outbox outbox;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    private volatile AutoSyncHost autoSyncHost;

    /** Commits made through this backend so far (a store compares it at its close: did the command commit?). */
    long commits() {
        return commits.get();
    }

    void committed() {
        commits.incrementAndGet();
    }

    /** Where this backend's committed commands nudge auto-sync (a long-lived process); null: a one-shot command. */
    AutoSyncHost autoSyncHost() {
        return autoSyncHost;
    }

    void autoSyncHost(AutoSyncHost host) {
        this.autoSyncHost = host;
    }

    /** This clone's outbox of notifications ({@code .git/ir/outbox/}). */
    synchronized Outbox outbox() {
        if (outbox == null) {
            outbox = new Outbox(ws.stateDir());
        }
        return outbox;
    }

    Workspace workspace() {
        return ws;
    }

    synchronized GitRepo git() {
        if (git == null) {
            git = GitRepo.open(ws);
        }
        return git;
    }

    Journal journal() {
        return journal;
    }

    IncidentFiles files() {
        return files;
    }

    /** {@code ir.yaml}, parsed again only when its bytes changed. */
    synchronized IrConfig config() {
        byte[] bytes = IncidentFiles.readBounded(ws.root(), Workspace.CONFIG);
        if (bytes == null) {
            throw IrException.notFound("no such file: " + Workspace.CONFIG);
        }
        if (config == null || !java.util.Arrays.equals(bytes, configBytes)) {
            config = ConfigCodec.parse(bytes, Workspace.CONFIG);
            configBytes = bytes;
        }
        return config;
    }

    /**
     * Who {@code session} acts as (see {@link GitIdentity}), resolved again only when the environment or a config
     * file changed; its warnings (a guessed identity) are given once to each session.
     */
    synchronized Identity identity(Session session) {
        GitIdentity.Resolved r = gitIdentity.resolve(session.environment(), session.identityOverride(),
                () -> git().repository());
        if (warned != session) {
            r.warnings().forEach(session.warn());
            warnInformalOnce(session.identityOverride(), session);
            warned = session;
        }
        return new Identity(r.author().name(), r.author().email(), r.committer().name(), r.committer().email());
    }

    /** Where this clone remembers the informal identities it warned about (never committed). */
    static final String INFORMAL_IDENTITIES = "informal-identities";

    /**
     * Warns about an identity that is not {@code Name <email>} ({@link Person#informal}), once per identity per clone:
     * a responder told once is not nagged at every entry of an incident. Remembered under {@code .git/ir/}; when that
     * cannot be written the warning just comes again.
     */
    private void warnInformalOnce(String override, Session session) {
        if (override == null || Person.problem(override) == null) {
            return;
        }
        String who = override.strip();
        java.nio.file.Path file = ws.stateDir().resolve(INFORMAL_IDENTITIES);
        try {
            if (java.nio.file.Files.isRegularFile(file) && java.nio.file.Files.readAllLines(file,
                    java.nio.charset.StandardCharsets.UTF_8).contains(who)) {
                return;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unreadable: warn again
        }
        String[] parts = Person.informalParts(who);
        session.warn().accept("acting as \"" + who + "\", which is not of the form \"Name <email>\": entries and "
                + "commits show " + (parts[1].isEmpty() ? "no email address" : "\"" + parts[0] + " <" + parts[1]
                + ">\"") + "; give --as or IR_AUTHOR as e.g. \"Ada Lovelace <ada@example.com>\" (said once in this "
                + "clone)");
        try {
            java.nio.file.Files.createDirectories(ws.stateDir());
            java.nio.file.Files.writeString(file, who + "\n", java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            // the warning comes again next time, which is harmless
        }
    }

    /**
     * A value a command derived from this backend's data and keeps for its next run (e.g. {@code ir list}'s last
     * sort): made by {@code make} when there is none. The command checks it against what it was made from before
     * using it, by the rule above.
     */
    @SuppressWarnings("unchecked")
    synchronized <T> T view(String name, Supplier<T> make) {
        return (T) views.computeIfAbsent(name, k -> make.get());
    }

    /** Finishes work moved to the background (the list cache file) and closes the repository. */
    @Override
    public synchronized void close() {
        if (writes != null) {
            writes.await(10_000);
        }
        if (git != null) {
            git.close();
            git = null;
        }
    }
}
