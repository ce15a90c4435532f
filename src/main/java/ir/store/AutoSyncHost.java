package ir.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The auto-sync engines of a long-lived process ({@link KeptBackends}: the background process, {@code ir serve}):
 * after each command that committed, that workspace's engine is nudged on this host's own scheduler thread, never the
 * command's. An engine is owned while it has work and released when idle, so another process (a shell, a follow) can
 * take it over. Engines use backends of their own and meet commands through the workspace lock.
 */
final class AutoSyncHost implements AutoCloseable {
    private final java.util.concurrent.ScheduledThreadPoolExecutor scheduler =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "ir-autosync");
                t.setDaemon(true);
                return t;
            });

    AutoSyncHost() {
        // on close, the attempt under way finishes (never interrupted mid-merge); later ones are dropped
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
    }
    /** Touched on the scheduler thread only; read by {@link #hasWork} from any. */
    private final Map<Path, AutoSync> engines = new ConcurrentHashMap<>();
    private final Map<Path, ScheduledFuture<?>> next = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A command committed in {@code ws} (or used it): its engine looks at once, on the scheduler thread. */
    void nudge(Workspace ws, Session session) {
        if (closed) {
            return;
        }
        try {
            scheduler.execute(() -> run(ws, session));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void run(Workspace ws, Session session) {
        Path root = ws.root();
        ScheduledFuture<?> f = next.remove(root);
        if (f != null) {
            f.cancel(false);
        }
        if (closed) {
            return;
        }
        AutoSync engine = engines.get(root);
        if (engine == null) {
            engine = AutoSync.tryOwn(ws, session);
            if (engine == null) {
                return; // another process keeps this workspace synced
            }
            engines.put(root, engine);
        } else if (session != null) {
            engine.session(session);
        }
        Instant at = engine.step();
        if (at == null) {
            engines.remove(root);
            engine.close();
            return;
        }
        long delay = Math.max(0, Duration.between(engine.clockNow(), at).toMillis());
        try {
            next.put(root, scheduler.schedule(() -> run(ws, null), delay, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Whether an engine still has work: the process should not exit idle. */
    boolean hasWork() {
        return !engines.isEmpty();
    }

    /** Stops the engines: the attempt under way finishes (it holds the workspace lock only briefly), no new one. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engines.values().forEach(AutoSync::close);
        engines.clear();
    }
}
