package ir.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Work a long-lived process does after a command has been answered (rewriting the list cache file, which only later
 * one-shot runs read), on one thread of its own: the newest request per key wins, and {@link #await} finishes what is
 * pending before the process exits. Owned by {@link KeptBackends}; one-shot backends have none and do the work at
 * once.
 */
final class BackgroundWrites {
    private final Map<Object, Runnable> pending = new LinkedHashMap<>();
    private int running;
    private Thread worker;

    /** Runs {@code work} soon, instead of any not yet started for the same {@code key}. */
    synchronized void submit(Object key, Runnable work) {
        pending.put(key, work);
        if (worker == null) {
            worker = new Thread(this::drain, "ir-background-writes");
            worker.setDaemon(true);
            worker.start();
        }
        notifyAll();
    }

    /** Whether work for {@code key} is waiting to start. */
    synchronized boolean isPending(Object key) {
        return pending.containsKey(key);
    }

    /** Waits until nothing is pending or running, at most {@code millis}. */
    synchronized void await(long millis) {
        long end = System.currentTimeMillis() + millis;
        while ((!pending.isEmpty() || running > 0) && System.currentTimeMillis() < end) {
            try {
                wait(Math.max(1, end - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                while (pending.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                var first = pending.entrySet().iterator().next();
                next = first.getValue();
                pending.remove(first.getKey());
                running++;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // e.g. a cache that cannot be written: only the next one-shot listing is slower
            } finally {
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        }
    }
}
