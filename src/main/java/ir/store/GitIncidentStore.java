package ir.store;

import ir.model.Change;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IncidentSummary;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.PostmortemHook;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A command's view of a workspace's {@link Backend}: what one {@link Session} (clock, identity, warnings) reads and
 * changes. Reads go to the backend's {@link IncidentFiles} and {@link History}; every change is one
 * {@link Transaction}.
 */
public final class GitIncidentStore implements IncidentStore {
    private final Backend backend;
    private final boolean ownsBackend;
    private final Session session;

    /** A store with a backend of its own, closed with it (a one-shot command's). */
    public GitIncidentStore(Workspace ws, Session session) {
        this(new Backend(ws, null), true, session);
    }

    GitIncidentStore(Backend backend, boolean ownsBackend, Session session) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.session = session;
    }

    /** This store ran the auto-sync engine ({@code ir sync --auto-run}): not a use of ir by a person. */
    private boolean engineOnly;

    @Override
    public Workspace workspace() {
        return backend.workspace();
    }

    @Override
    public IrConfig config() {
        return backend.config();
    }

    @Override
    public List<String> ids() {
        return backend.files().ids();
    }

    @Override
    public Incident load(String id) {
        return backend.files().load(id);
    }

    @Override
    public List<Incident> loadAll(Consumer<String> warnings) {
        return backend.files().loadAll(warnings);
    }

    @Override
    public List<IncidentSummary> summaries(Consumer<String> warnings) {
        return backend.files().summaries(warnings);
    }

    @Override
    public String select(String query) {
        return backend.files().select(query, query == null ? current() : Optional.empty());
    }

    @Override
    public Optional<String> current() {
        return backend.files().current();
    }

    @Override
    public void setCurrent(String id) {
        backend.files().setCurrent(id);
    }

    @Override
    public String author() {
        return backend.identity(session).author();
    }

    @Override
    public <T> T view(String name, Supplier<T> make) {
        return backend.view(name, make);
    }

    @Override
    public Incident create(Function<Set<String>, Change> declare) {
        return Transaction.run(backend, session, false, () -> {
            Change change = declare.apply(new HashSet<>(ids()));
            Incident incident = change.incident();
            Path file = workspace().incidentFile(IncidentIds.validate(incident.id()));
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw IrException.usage("incident " + incident.id() + " already exists: choose another --id");
            }
            return plan(null, incident, change, Map.of());
        });
    }

    @Override
    public Incident update(String id, Function<Incident, Change> fn) {
        return updateWithFiles(id, current -> new Update(fn.apply(current), Map.of()));
    }

    @Override
    public Incident updateWithFiles(String id, Function<Incident, Update> fn) {
        return Transaction.run(backend, session, false, () -> {
            Incident before = load(id);
            Update update = fn.apply(before);
            if (!update.change().incident().id().equals(id)) {
                throw new IllegalStateException("a change may not rename an incident");
            }
            return plan(before, update.change().incident(), update.change(), update.files());
        });
    }

    /**
     * The incident's file (and {@code others}) as one commit, with the messages its new events make for this clone's
     * channels ({@code before} is the incident as it was, null for a new one); the parse of the new bytes is kept for
     * the next load.
     */
    Transaction.Plan<Incident> plan(Incident before, Incident next, Change change, Map<Path, byte[]> others) {
        Workspace ws = workspace();
        Path file = ws.incidentFile(next.id());
        com.fasterxml.jackson.databind.node.ObjectNode tree = IncidentCodec.toTree(next);
        byte[] bytes = YamlCodec.get().writeYaml(tree);
        // What a later load of these exact bytes would parse, without scanning the YAML text again: the shell's
        // prompt and its next entry read the file back at once.
        backend.files().remember(file, bytes, IncidentCodec.fromTree(tree, ws.display(file)));
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(ws.root().relativize(file), bytes);
        files.putAll(others);
        return new Transaction.Plan<>(files, next.id() + ": " + change.summary(), change.eventType(), next.id(),
                next, messages(before, next));
    }

    /**
     * The messages for the events {@code next} has and {@code before} had not, for the channels of ir.yaml this
     * responder has an endpoint for (a channel nobody configured here is this clone's to leave alone). A user config
     * that cannot be read is a warning, never a reason to refuse recording the event.
     */
    private List<Outbox.Pending> messages(Incident before, Incident next) {
        IrConfig config = config();
        if (config.channels().isEmpty()) {
            return List.of();
        }
        Set<String> old = new HashSet<>();
        if (before != null) {
            before.timeline().forEach(e -> old.add(e.id()));
        }
        List<ir.model.Channel> configured = new java.util.ArrayList<>();
        try {
            for (ir.model.Channel c : config.channels()) {
                UserConfig.Endpoint ep = UserConfig.channel(session.environment(), c.name());
                if (c.kind() == ir.model.Channel.Kind.PAGERDUTY ? ep.routingKey() != null : ep.url() != null) {
                    configured.add(c);
                }
            }
        } catch (IrException e) {
            session.warn().accept(e.getMessage() + "; no notification was queued");
            return List.of();
        }
        if (configured.isEmpty()) {
            return List.of();
        }
        List<Outbox.Pending> out = new java.util.ArrayList<>();
        for (ir.model.TimelineEvent e : next.sortedTimeline()) {
            if (old.contains(e.id())) {
                continue;
            }
            String type = ir.model.Messages.isPage(e) ? "page" : ir.model.Messages.notifiedType(e);
            ir.model.Messages.forEvent(config, configured, next, e).forEach((channel, body) -> out.add(
                    new Outbox.Pending(next.id(), e.id(), "resolved".equals(type) && body.containsKey("dedup_key")
                            ? "page-resolve" : type, channel,
                            config.findChannel(channel).orElseThrow().kind().label(), body)));
        }
        return out;
    }

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    private static volatile java.net.http.HttpClient http;

    private static java.net.http.HttpClient http() {
        if (http == null) {
            synchronized (GitIncidentStore.class) {
                if (http == null) {
                    http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
                }
            }
        }
        return http;
    }

    @Override
    public List<OutboxMessage> outbox() {
        return backend.outbox().list();
    }

    @Override
    public int retryOutbox(String which) {
        return backend.outbox().retry(which, session.clock().instant());
    }

    @Override
    public int dropOutbox(String which) {
        return backend.outbox().drop(which);
    }

    /**
     * Sends this clone's due messages on a thread of their own, waiting for it at most {@code wait}: a one-shot
     * command is never held up longer, and what is left is sent by the next command (or the background process).
     * Messages that a process killed in a transaction left staged are settled first, under the workspace lock.
     */
    @Override
    public void deliver(Duration wait) {
        Outbox outbox = backend.outbox();
        if (!Files.isDirectory(outbox.dir())) {
            return;
        }
        if (outbox.hasOrphans()) {
            Transaction.locked(backend, session, () -> {
                outbox.reconcile(o -> {
                    try {
                        String event = o.path("event").asText();
                        return load(o.path("incident").asText()).timeline().stream()
                                .anyMatch(e -> e.id().equals(event));
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                return null;
            });
        }
        Map<String, String> env = session.environment();
        java.time.Clock clock = session.clock();
        java.util.concurrent.atomic.AtomicReference<Outbox.Report> report =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> report.set(outbox.deliver(env, clock, http(), DELIVERY_TIMEOUT)),
                "ir-outbox");
        t.setDaemon(true);
        t.start();
        if (!ownsBackend || wait.isZero() || wait.isNegative()) {
            return; // a long-lived process (the background process, the shell): delivery goes on by itself
        }
        try {
            t.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Outbox.Report r = report.get();
        if (r != null) {
            Outbox.report(r, session.warn());
        }
    }

    @Override
    public void commitFiles(String id, Map<Path, byte[]> files, String summary, String eventType) {
        Transaction.run(backend, session, false,
                () -> new Transaction.Plan<>(files, id + ": " + summary, eventType, id, Boolean.TRUE));
    }

    /**
     * {@code ir sync}: commits what an interrupted command left (and every incident file changed by hand), commits
     * the {@code .gitattributes} line for ir's merge driver if missing, then fetches, merges (incident files
     * semantically) and pushes. The workspace lock is held only while the branch and work tree change, never during
     * network I/O, so logging goes on during a sync. A sync that fails takes back its {@code .gitattributes} commit.
     */
    @Override
    public SyncResult sync(String remote, PostmortemHook hook, String mergeDriver) {
        WorkspaceSetup.Attributes attrs = WorkspaceSetup.commitAttributes(backend, session, mergeDriver);
        try {
            SyncResult r = new GitSync(backend, session, hook).run(remote);
            if (remote == null) {
                try {
                    AutoSync.manualSync(workspace(), session.clock().instant(), session.umask());
                } catch (RuntimeException e) {
                    // the sync is done; auto-sync's memory catches up at its next attempt
                }
            }
            return r;
        } catch (RuntimeException e) {
            if (attrs != null) {
                try {
                    attrs.takeBack();
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
    }

    @Override
    public AlertIntake intake() {
        return new Intake(backend, this, session);
    }

    @Override
    public String json(Object value) {
        return JsonOutput.json(value);
    }

    @Override
    public String jsonLine(Object value) {
        return JsonOutput.jsonLine(value);
    }

    @Override
    public String json(Incident incident, Map<String, Object> extra) {
        return JsonOutput.json(incident, extra);
    }

    @Override
    public String yaml(Incident incident) {
        return YamlCodec.utf8(IncidentCodec.toYaml(incident));
    }

    @Override
    public List<Revision> history(String id) {
        return new History(backend).revisions(id);
    }

    @Override
    public Snapshot snapshotAt(String id, String revision) {
        return new History(backend).at(id, revision);
    }

    @Override
    public Incident parse(byte[] yaml, String name) {
        try {
            return IncidentCodec.parse(yaml, name);
        } catch (IrException e) {
            throw e.exitCode() == ExitCode.USAGE ? e : IrException.usage(e.getMessage());
        }
    }

    // ---- auto-sync ---------------------------------------------------------------------------------------------

    @Override
    public ir.model.Freshness freshness() {
        if (!AutoSync.mayHaveUpstream(workspace())) {
            return ir.model.Freshness.local(0); // no git repository opened for a workspace without a remote
        }
        return AutoSync.freshness(workspace(), backend.git().repository());
    }

    @Override
    public AutoCloseable keepSynced() {
        AutoSync engine = AutoSync.tryOwn(workspace(), session);
        if (engine == null) {
            return () -> {
            };
        }
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread t = new Thread(() -> {
            try {
                engine.runWhile(open::get, false);
            } finally {
                engine.close();
            }
        }, "ir-autosync");
        t.setDaemon(true);
        t.start();
        return () -> {
            open.set(false);
            t.interrupt();
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Override
    public Boolean autoSync() {
        Boolean explicit = AutoSync.explicit(backend.git().repository());
        return explicit;
    }

    @Override
    public boolean autoSyncOn() {
        return AutoSync.enabled(backend.git().repository());
    }

    @Override
    public void autoSync(boolean on) {
        AutoSync.set(backend.git().repository(), on);
    }

    @Override
    public String takeSyncReport() {
        return AutoSync.takeReport(workspace(), session.umask());
    }

    @Override
    public boolean runAutoSync() {
        engineOnly = true;
        try (AutoSync engine = AutoSync.tryOwn(workspace(), session)) {
            if (engine == null) {
                return false;
            }
            engine.runUntilIdle();
            return true;
        }
    }

    /**
     * The command is done: ir was used in this clone now (the engine's "active" clock), and when it committed, its
     * engine is told: the long-lived process's host, or else a detached process started if none owns it.
     */
    @Override
    public void commandDone() {
        if (engineOnly) {
            return; // the engine's own process is no use of ir, and what it merged is nobody's command
        }
        Workspace ws = workspace();
        AutoSync.used(ws, session.clock().instant());
        // After any command, not only one that committed: a use is caught up with by a fetch (SyncPolicy#catchUp).
        AutoSyncHost host = backend.autoSyncHost();
        if (host != null) {
            host.nudge(ws, session);
        } else {
            AutoSync.spawnIfNeeded(ws, session, backend.git().repository());
        }
    }

    @Override
    public void close() {
        if (ownsBackend) {
            backend.close();
        }
    }
}
