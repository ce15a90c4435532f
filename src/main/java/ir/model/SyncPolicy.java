package ir.model;

import java.time.Duration;
import java.time.Instant;

/**
 * When auto-sync does what: pure, so the engine's timing is tested without a clock that moves. The engine asks
 * {@link #next} after every attempt and every command; it gets a time to sync at, or {@link Decision#idle} when there
 * is nothing to do (nothing unpushed, no open incident used lately, or a problem that waits for a person).
 *
 * @param debounce     how long after a commit the push waits for the next one (a burst of entries is one push)
 * @param interval     how often an active workspace fetches and merges
 * @param activeWindow how long after the last command a workspace with an open incident counts as active
 * @param maxBackoff   the longest wait after failures (1 s, 2 s, 4 s ... up to this)
 */
public record SyncPolicy(Duration debounce, Duration interval, Duration activeWindow, Duration maxBackoff) {
    public static final SyncPolicy DEFAULT = new SyncPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofMinutes(30), Duration.ofSeconds(60));

    /**
     * What the engine knows.
     *
     * @param lastCommit  when the last local commit was made (null: unknown or none)
     * @param unpushed    local commits the remote does not have (and auto-sync may push)
     * @param lastAttempt when the last attempt ended (null: never)
     * @param failures    consecutive failed attempts (offline, timeout)
     * @param lastUse     when ir was last used in this clone (null: never)
     * @param openIncident an incident in the workspace is open (not resolved, closed or canceled)
     * @param problem     a problem that waits for a person (a merge ir cannot do, a refused push) is recorded
     */
    public record Inputs(Instant lastCommit, int unpushed, Instant lastAttempt, int failures, Instant lastUse,
                         boolean openIncident, boolean problem) {
    }

    /** Sync at {@code at}, or (null) nothing to do until something changes. */
    public record Decision(Instant at) {
        public static Decision idle() {
            return new Decision(null);
        }

        public boolean isIdle() {
            return at == null;
        }
    }

    /** The wait after {@code failures} consecutive failures: 1 s, 2 s, 4 s ... at most {@link #maxBackoff}. */
    public Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long ms = 1000L << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    /** Whether the workspace is active: an open incident and ir used within the active window. */
    public boolean active(Instant now, Inputs in) {
        return in.openIncident() && in.lastUse() != null
                && !in.lastUse().plus(activeWindow).isBefore(now);
    }

    /**
     * Whether ir was used since the last attempt: one fetch then catches up, open incident or not, so that a teammate's
     * first command in a quiet clone brings in the incident just declared elsewhere (and with it, an active workspace).
     */
    public boolean catchUp(Inputs in) {
        return in.lastUse() != null && (in.lastAttempt() == null || in.lastUse().isAfter(in.lastAttempt()));
    }

    /**
     * Whether the engine still has work: something to push, a use to catch up with, or an active workspace (a host
     * stays up for it).
     */
    public boolean hasWork(Instant now, Inputs in) {
        return !in.problem() && (in.unpushed() > 0 || catchUp(in) || active(now, in));
    }

    public Decision next(Instant now, Inputs in) {
        if (in.problem()) {
            return Decision.idle();
        }
        Instant at = null;
        if (in.unpushed() > 0) {
            at = in.lastCommit() == null ? now : in.lastCommit().plus(debounce);
        }
        // a push is a whole sync (fetch, merge, push): a use with something unpushed waits for the debounce
        if (active(now, in) || catchUp(in) && in.unpushed() == 0) {
            Instant fetch = in.lastAttempt() == null ? now : in.lastAttempt().plus(interval);
            at = at == null || fetch.isBefore(at) ? fetch : at;
        }
        if (at == null) {
            return Decision.idle();
        }
        if (in.failures() > 0 && in.lastAttempt() != null) {
            Instant retry = in.lastAttempt().plus(backoff(in.failures()));
            at = retry.isAfter(at) ? retry : at;
        }
        return new Decision(at.isBefore(now) ? now : at);
    }
}
