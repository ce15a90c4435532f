package ir.serve;

import ir.model.ExitCode;
import ir.model.IrException;
import ir.store.AlertIntake;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Records journaled payloads, on one thread of its own, so that no HTTP handler ever waits for git. Payloads that
 * arrive while a batch is recorded, or within {@link #spacing} after it, are recorded together in the next batch:
 * {@link AlertIntake#record} makes at most one commit per incident for a batch, and batches start at least
 * {@code spacing} (one second) after the previous one ended, so no incident gets more than one commit per second
 * however many notifications a storm brings. An entry is marked recorded in the {@link Inbox} (which then deletes
 * what it no longer needs) only after its batch was recorded.
 *
 * <p>A batch that fails is tried payload by payload: a payload the intake refuses as invalid ({@link ExitCode#USAGE})
 * is set aside in the inbox's {@code rejected/} and logged; any other failure (the workspace busy, a full disk) keeps
 * the entries and tries again after a back-off that doubles up to a minute.
 */
final class Batcher {
    static final int MAX_BATCH = 1000;
    /** With 1 MiB bodies, 16 of them: what a batch holds parsed stays well inside serve's heap (256 MiB). */
    static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /**
     * A storm is acknowledged first: a batch waits until notifications pause for {@code QUIET}, at most
     * {@code MAX_SETTLE} after its first payload arrived, so the commits (JGit's work, most of a batch's CPU) do not
     * take the cores from the senders waiting for their answers. A lone alert is recorded {@code QUIET} later.
     */
    static final long QUIET_NANOS = Duration.ofMillis(200).toNanos();
    static final long MAX_SETTLE_NANOS = Duration.ofSeconds(3).toNanos();

    private final AlertIntake intake;
    private final Inbox inbox;
    private final Duration spacing;
    private final Clock clock;
    private final Consumer<String> log;
    private final Runnable afterCommit;
    private final LinkedBlockingDeque<Inbox.Entry> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean stopping;
    private volatile Instant lastCommit;
    private volatile String lastError;
    private volatile long commits;
    private volatile long lastArrival = System.nanoTime();

    /**
     * @param afterCommit called on this thread after a batch changed something (e.g. to push); must not block long
     */
    Batcher(AlertIntake intake, Inbox inbox, Duration spacing, Clock clock, Consumer<String> log,
            Runnable afterCommit) {
        this.intake = intake;
        this.inbox = inbox;
        this.spacing = spacing;
        this.clock = clock;
        this.log = log;
        this.afterCommit = afterCommit;
        this.thread = new Thread(this::loop, "ir-serve-batcher");
    }

    void start() {
        thread.start();
    }

    /** Queues a journaled entry (entries come in the order they were journaled); never blocks. */
    void offer(Inbox.Entry e) {
        lastArrival = System.nanoTime();
        queued.incrementAndGet();
        queue.addLast(e);
    }

    /** Entries journaled and not yet recorded. */
    int queued() {
        return queued.get();
    }

    /** When a batch last changed the repository, or null. */
    Instant lastCommit() {
        return lastCommit;
    }

    /** The last failure to record, or null when the last batch succeeded. */
    String lastError() {
        return lastError;
    }

    /** Batches that changed the repository. */
    long batchesCommitted() {
        return commits;
    }

    /**
     * Records everything queued, then ends; waits at most {@code max}. Returns false when entries are left (they stay
     * in the inbox and are recorded at the next start).
     */
    boolean stop(Duration max) {
        stopping = true;
        // Wakes a wait for the spacing or a back-off. Never an interrupt: one during recording would close the
        // repository's file channels under it.
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive() && queued.get() == 0;
    }

    private void loop() {
        long lastEnd = System.nanoTime() - spacing.toNanos();
        long backoff = 0;
        while (true) {
            Inbox.Entry first;
            try {
                first = stopping ? queue.pollFirst() : queue.pollFirst(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // only the JVM's end interrupts this thread
            }
            if (first == null) {
                if (stopping) {
                    return;
                }
                continue;
            }
            // At most one batch per spacing, counted from the end of the last one; a stop does not wait for it.
            long due = Math.max(lastEnd + spacing.toNanos(), lastEnd + backoff);
            sleepUntil(due);
            settle(System.nanoTime() + MAX_SETTLE_NANOS);
            List<Inbox.Entry> batch = new ArrayList<>();
            batch.add(first);
            long bytes = first.bytes();
            for (Inbox.Entry e; batch.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES
                    && (e = queue.pollFirst()) != null; ) {
                batch.add(e);
                bytes += e.bytes();
            }
            boolean ok = record(batch);
            lastEnd = System.nanoTime();
            if (ok) {
                backoff = 0;
            } else {
                backoff = backoff == 0 ? Duration.ofSeconds(1).toNanos()
                        : Math.min(backoff * 2, MAX_BACKOFF.toNanos());
                if (stopping) {
                    log.accept("serve: " + queued.get() + " payloads are not recorded yet (" + lastError + "): they "
                            + "stay in the inbox and are recorded at the next start");
                    return;
                }
            }
        }
    }

    /** Waits for a pause in arrivals of {@link #QUIET_NANOS}, or until {@code deadline}, or a stop. */
    private void settle(long deadline) {
        long quietAt;
        while (!stopping && (quietAt = lastArrival + QUIET_NANOS) - System.nanoTime() > 0
                && deadline - System.nanoTime() > 0) {
            sleepUntil(Math.min(quietAt, deadline));
        }
    }

    private void sleepUntil(long nanoTime) {
        long wait;
        synchronized (wake) {
            while (!stopping && (wait = nanoTime - System.nanoTime()) > 0) {
                try {
                    wake.wait(Math.max(1, wait / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Records a batch; true when every entry was recorded or set aside. On a failure that is not the payloads'
     * fault, the entries not recorded go back to the front of the queue, in order.
     */
    private boolean record(List<Inbox.Entry> batch) {
        try {
            List<AlertIntake.Payload> payloads = new ArrayList<>(batch.size());
            for (Inbox.Entry e : batch) {
                payloads.add(inbox.read(e));
            }
            done(batch, intake.record(payloads));
            return true;
        } catch (IOException | RuntimeException e) {
            if (batch.size() == 1) {
                if (recordedAlone(batch.get(0), e)) {
                    return true;
                }
                queue.addFirst(batch.get(0));
                return false;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Inbox.Entry e = batch.get(i);
            try {
                done(List.of(e), intake.record(List.of(inbox.read(e))));
            } catch (IOException | RuntimeException ex) {
                if (!recordedAlone(e, ex)) {
                    for (int j = batch.size() - 1; j >= i; j--) {
                        queue.addFirst(batch.get(j));
                    }
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * After {@code e} failed alone: true when it is dealt with (set aside because the intake refused it as invalid,
     * or gone from the inbox); false when it must be tried again later.
     */
    private boolean recordedAlone(Inbox.Entry e, Exception failure) {
        if (failure instanceof java.nio.file.NoSuchFileException) {
            queued.decrementAndGet();
            log.accept("serve: an inbox entry was removed by someone else before it was recorded: " + e.file());
            return true;
        }
        if (failure instanceof IrException ie && ie.exitCode() == ExitCode.USAGE) {
            java.nio.file.Path where = inbox.reject(e);
            queued.decrementAndGet();
            log.accept("serve: set aside a " + e.format() + " payload the intake refused (" + ie.getMessage()
                    + "): " + where);
            return true;
        }
        lastError = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        log.accept("serve: cannot record " + e.format() + " payloads yet, trying again: " + lastError);
        return false;
    }

    private void done(List<Inbox.Entry> batch, List<AlertIntake.Outcome> outcomes) {
        for (Inbox.Entry e : batch) {
            inbox.recorded(e);
            queued.decrementAndGet();
        }
        lastError = null;
        boolean changed = false;
        for (AlertIntake.Outcome o : outcomes) {
            if (o.changed()) {
                changed = true;
                log.accept("serve: " + o.incidentId() + ": " + o.what());
            }
        }
        if (changed) {
            lastCommit = clock.instant();
            commits++;
            try {
                afterCommit.run();
            } catch (RuntimeException e) {
                log.accept("serve: " + e.getMessage());
            }
        }
    }
}
