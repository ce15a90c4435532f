package ir.serve;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code ir serve --push}: shares new commits with the remote on a thread of its own, so neither receipt nor
 * recording ever waits for the network. Requests made while a sync runs are folded into one more sync after it. A
 * failed sync is tried again after a back-off that doubles from one second up to five minutes; commits keep being
 * made meanwhile and go out with the next sync that succeeds.
 */
public final class Pusher {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final Supplier<String> sync;
    private final Consumer<String> log;
    private final Thread thread;
    private boolean requested;
    private boolean stopping;
    private volatile String lastError;
    private volatile long syncs;

    /**
     * @param sync does one sync and says what it did in a few words (thrown exceptions are failures to retry)
     * @param log  where to report failures
     */
    public Pusher(Supplier<String> sync, Consumer<String> log) {
        this.sync = sync;
        this.log = log;
        this.thread = new Thread(this::loop, "ir-serve-push");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks for a sync soon; never blocks. */
    synchronized void request() {
        requested = true;
        notifyAll();
    }

    /** The last failure, or null after a sync that succeeded. */
    String lastError() {
        return lastError;
    }

    /** Syncs that succeeded. */
    public long syncs() {
        return syncs;
    }

    /**
     * Ends after the sync under way, if any, and one last sync when commits were made since it (so that what was
     * recorded before a stop is shared), waiting at most {@code max}; what a failed last sync leaves goes out with
     * the next {@code ir sync} or {@code ir serve --push}.
     */
    void stop(Duration max) {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        try {
            thread.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        long backoff = 0;
        while (true) {
            synchronized (this) {
                long until = System.nanoTime() + backoff;
                try {
                    while (!stopping && (!requested || System.nanoTime() < until)) {
                        long wait = requested ? Math.max(1, (until - System.nanoTime()) / 1_000_000) : 0;
                        wait(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (stopping && !requested) {
                    return;
                }
                requested = false;
            }
            try {
                String what = sync.get();
                String failed = lastError;
                lastError = null;
                syncs++;
                if (failed != null) {
                    log.accept("serve: push: " + what + " (after failing: " + failed + ")");
                }
                backoff = 0;
            } catch (RuntimeException e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                backoff = backoff == 0 ? FIRST_BACKOFF.toNanos() : Math.min(backoff * 2, MAX_BACKOFF.toNanos());
                synchronized (this) {
                    if (stopping) {
                        log.accept("serve: the last push failed: " + lastError + " (run 'ir sync')");
                        return;
                    }
                    requested = true;
                }
                log.accept("serve: push failed, trying again in " + (backoff / 1_000_000_000L) + " s: " + lastError);
            }
        }
    }
}
