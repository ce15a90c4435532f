package ir.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends of a long-lived process: one per workspace, the {@value #MAX} most recently used (the background
 * process serves whatever workspaces its user works in), each lent to one command at a time by the caller's own
 * ordering (the background process runs one command at a time; the shell is one person).
 */
final class KeptBackends implements Backends {
    static final int MAX = 8;

    private final BackgroundWrites writes = new BackgroundWrites();
    private final AutoSyncHost autoSync = new AutoSyncHost();
    private final Map<Path, Backend> byRoot = new LinkedHashMap<>(16, 0.75f, true);

    @Override
    public IncidentStore open(Workspace ws, Session session) {
        Backend b;
        List<Backend> evicted = new ArrayList<>();
        synchronized (byRoot) {
            b = byRoot.get(ws.root());
            if (b == null || !b.workspace().equals(ws)) {
                if (b != null) {
                    evicted.add(b);
                }
                b = new Backend(ws, writes);
                b.autoSyncHost(autoSync);
                byRoot.put(ws.root(), b);
            }
            while (byRoot.size() > MAX) {
                var eldest = byRoot.entrySet().iterator().next();
                evicted.add(eldest.getValue());
                byRoot.remove(eldest.getKey());
            }
        }
        evicted.forEach(Backend::close);
        return new GitIncidentStore(b, false, session);
    }

    /** Waits until the work moved to the background is done, at most {@code millis}. */
    void awaitWrites(long millis) {
        writes.await(millis);
    }

    @Override
    public boolean hasWork() {
        return autoSync.hasWork();
    }

    @Override
    public void close() {
        autoSync.close();
        List<Backend> all;
        synchronized (byRoot) {
            all = new ArrayList<>(byRoot.values());
            byRoot.clear();
        }
        writes.await(10_000);
        all.forEach(Backend::close);
    }
}
