package ir.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import ir.model.ExitCode;
import ir.model.Freshness;
import ir.model.IncidentSummary;
import ir.model.IrException;
import ir.model.Lifecycle;
import ir.model.SyncPolicy;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Auto-sync: the engine that keeps one clone in step with its remote without {@code ir sync}. It pushes ir's commits
 * (debounced) and, while an incident is open and ir was used lately, fetches and merges every few seconds, through
 * {@link GitSync} (so the workspace lock is held only for the local merge). Failures back off
 * ({@link SyncPolicy#backoff}); a problem that needs a person is recorded and reported once, on the next command, and
 * retried only when HEAD changes or after {@code ir sync}.
 *
 * <p>One engine per workspace per machine: whoever holds {@code .git/ir/autosync.lock} ({@link #tryOwn}). It works on a
 * backend of its own, so it meets commands exactly as another process would: through the workspace lock.
 *
 * <p>Its state is {@code .git/ir/sync-state.json} (see {@link State}); the last use of ir in the clone is the time of
 * {@code .git/ir/last-use}. The setting is {@code ir.autosync} in the clone's git config.
 */
public final class AutoSync implements AutoCloseable {
    public static final String STATE_FILE = "sync-state.json";
    public static final String LOCK_FILE = "autosync.lock";
    public static final String LAST_USE_FILE = "last-use";
    public static final String LOG_FILE = "autosync.log";
    /** Seconds a remote may stay silent before an attempt gives up. */
    static final int TIMEOUT_SECONDS = 10;

    private final Workspace ws;
    private final Backend backend;
    private final FileChannel channel;
    private final FileLock lock;
    private volatile Session session;
    private final SyncPolicy policy;
    private String seenHead;
    private Instant seenAt;

    private AutoSync(Workspace ws, Session session, FileChannel channel, FileLock lock) {
        this.ws = ws;
        this.session = session;
        this.channel = channel;
        this.lock = lock;
        this.backend = new Backend(ws, null);
        this.policy = policy(session);
    }

    /** The policy with {@code IR_AUTOSYNC_DEBOUNCE_MS} and {@code IR_AUTOSYNC_INTERVAL_MS} applied. */
    static SyncPolicy policy(Session session) {
        SyncPolicy d = SyncPolicy.DEFAULT;
        return new SyncPolicy(millis(session, "IR_AUTOSYNC_DEBOUNCE_MS", d.debounce()),
                millis(session, "IR_AUTOSYNC_INTERVAL_MS", d.interval()), d.activeWindow(), d.maxBackoff());
    }

    private static Duration millis(Session session, String name, Duration fallback) {
        String v = session.getenv(name);
        return v != null && v.trim().matches("[0-9]{1,9}") ? Duration.ofMillis(Long.parseLong(v.trim())) : fallback;
    }

    /**
     * The engine of {@code ws}, if this caller can own it (no other process or thread of this machine does); null
     * otherwise, at once.
     */
    public static AutoSync tryOwn(Workspace ws, Session session) {
        Path file = ws.stateDir().resolve(LOCK_FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(ws.stateDir());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return null;
            }
            return new AutoSync(ws, session, ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    /** Whether some process (or thread of this one) owns the engine of {@code ws} now. */
    static boolean owned(Workspace ws) {
        Path file = ws.stateDir().resolve(LOCK_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    Instant clockNow() {
        return session.clock().instant();
    }

    public Workspace workspace() {
        return ws;
    }

    /** The session later attempts act as (the newest command's environment and identity, in a long-lived host). */
    void session(Session s) {
        this.session = s;
    }

    /**
     * Does what is due now (an attempt, or nothing) and returns when it wants to run next; null when it has nothing to
     * do until something changes (auto-sync off, nothing to push, workspace inactive, a problem waiting for a
     * person). Never throws.
     */
    public synchronized Instant step() {
        try {
            Instant now = session.clock().instant();
            Repository repo = backend.git().repository();
            if (!enabled(repo)) {
                return null;
            }
            State st = State.read(ws.stateDir());
            String head = headName(repo);
            if (st.problem() != null && st.problemHead() != null && !st.problemHead().equals(tips(repo))) {
                st = st.withProblem(null, null); // HEAD or the remote-tracking ref moved: worth another try
            }
            SyncPolicy.Inputs in = inputs(repo, st, now, head);
            SyncPolicy.Decision d = policy.next(now, in);
            if (d.isIdle()) {
                return null;
            }
            if (d.at().isAfter(now)) {
                return d.at();
            }
            st = attempt(st, now);
            st.write(ws.stateDir(), session.umask());
            Instant after = session.clock().instant();
            SyncPolicy.Decision again = policy.next(after, inputs(repo, st, after, headName(repo)));
            return again.at();
        } catch (RuntimeException e) {
            log("auto-sync: " + e);
            return null;
        }
    }

    /** Whether the engine has something to do now or later (a host stays up while it has). */
    public synchronized boolean hasWork() {
        try {
            Instant now = session.clock().instant();
            Repository repo = backend.git().repository();
            if (!enabled(repo)) {
                return false;
            }
            State st = State.read(ws.stateDir());
            return policy.hasWork(now, inputs(repo, st, now, headName(repo)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private SyncPolicy.Inputs inputs(Repository repo, State st, Instant now, String head) {
        int unpushed = unpushed(repo);
        if (st.held() > 0 && head != null && head.equals(st.heldHead())) {
            unpushed = 0; // held for the user to push: nothing to retry until HEAD moves
        }
        // When the engine first saw this HEAD, or its commit time if earlier: a commit dated ahead (a skewed clock, a
        // pinned one) cannot postpone its push forever.
        if (head != null && !head.equals(seenHead)) {
            Instant t = headTime(repo);
            seenHead = head;
            seenAt = t == null || t.isAfter(now) ? now : t;
        }
        Instant lastCommit = seenAt;
        return new SyncPolicy.Inputs(lastCommit, unpushed, st.lastAttempt(), st.failures(), lastUse(ws),
                openIncident(), st.problem() != null);
    }

    private boolean openIncident() {
        ir.model.IrConfig config;
        try {
            config = backend.config();
        } catch (RuntimeException e) {
            return false;
        }
        for (IncidentSummary s : backend.files().summaries(w -> {
        })) {
            if (!Lifecycle.isDone(config, s.status())) {
                return true;
            }
        }
        return false;
    }

    private State attempt(State st, Instant now) {
        List<String> warnings = new ArrayList<>();
        Session s = session;
        Session quiet = new Session(s.clock(), s.environment(), s.identityOverride(), warnings::add,
                s.lockTimeout(), s.umask());
        try {
            SyncResult r = new GitSync(backend, quiet, null).auto(TIMEOUT_SECONDS).run(null);
            warnings.forEach(this::log);
            State next = st.succeeded(now);
            Repository repo = backend.git().repository();
            if (r.held() > 0) {
                String head = headName(repo);
                if (r.held() != st.held()) {
                    next = next.withHeld(r.held(), head, "auto-sync holds " + r.held() + " commit"
                            + (r.held() == 1 ? "" : "s") + " not made by ir: push " + (r.held() == 1 ? "it" : "them")
                            + " with 'ir sync' or 'git push'");
                } else {
                    next = next.withHeld(r.held(), head, null);
                }
            } else if (st.held() > 0) {
                next = next.withHeld(0, null, null);
            }
            return next;
        } catch (IrException e) {
            String m = e.getMessage();
            log("auto-sync: " + m);
            if (needsPerson(m)) {
                return st.attempted(now).withProblem("auto-sync stopped: " + m, tips(backend.git().repository()));
            }
            return st.failed(now);
        } catch (RuntimeException e) {
            log("auto-sync: " + e);
            return st.failed(now);
        }
    }

    /**
     * A failure that retrying will not fix: a merge ir cannot do, uncommitted changes in the way, a push the remote
     * refuses, credentials it does not accept, an unsafe tree. Offline, a missing remote and timeouts are not.
     */
    static boolean needsPerson(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.startsWith("cannot merge") || m.contains("would be overwritten") || m.contains("rejected the push")
                || m.contains("not authorized") || m.contains("authentication") || m.contains("auth fail")
                || m.contains("permission denied") || m.contains(" 401") || m.contains(" 403")
                || m.startsWith("refusing to check out") || m.contains("symbolic link or submodule")
                || m.contains("not on a branch") || m.contains("merge or rebase") || m.contains("in progress");
    }

    private void log(String line) {
        try {
            Files.createDirectories(ws.stateDir());
            Files.writeString(ws.stateDir().resolve(LOG_FILE), session.clock().instant() + " " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Path log = ws.stateDir().resolve(LOG_FILE);
            if (Files.size(log) > 256 * 1024) {
                Files.move(log, ws.stateDir().resolve(LOG_FILE + ".old"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // a log that cannot be written loses a line
        }
    }

    /**
     * Runs until the workspace is inactive and nothing is left to push (the detached process of a one-shot
     * command, {@code ir sync --auto-run}), or until interrupted.
     */
    public void runUntilIdle() {
        runWhile(() -> true, true);
    }

    /**
     * Runs while {@code open} says so, steps at least every {@code maxPoll}: a long-lived command's own commits and
     * uses are seen without being told. With {@code exitWhenIdle}, returns once there is nothing to do.
     */
    void runWhile(java.util.function.BooleanSupplier open, boolean exitWhenIdle) {
        Duration maxPoll = Duration.ofMillis(Math.max(50, Math.min(1000, policy.debounce().toMillis())));
        while (open.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            Instant next = step();
            if (next == null && exitWhenIdle && !hasWork()) {
                return;
            }
            long wait = next == null ? maxPoll.toMillis()
                    : Math.min(maxPoll.toMillis(), Math.max(0, Duration.between(Instant.now(), next).toMillis()));
            if (next != null && !session.clock().instant().isBefore(next)) {
                wait = Math.max(wait, 10);
            }
            try {
                Thread.sleep(Math.max(10, wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel's close releases it
            }
            closeQuietly(channel);
        }
    }

    /**
     * After a one-shot command committed: when auto-sync is on and no process owns the workspace's engine, starts a
     * detached {@code ir sync --auto-run} (output to {@code .git/ir/autosync.log}) and returns at once.
     * {@code IR_AUTOSYNC_SPAWN=0} turns this off (the in-process tests).
     */
    static void spawnIfNeeded(Workspace ws, Session session, Repository repo) {
        if ("0".equals(session.getenv("IR_AUTOSYNC_SPAWN")) || !enabled(repo) || owned(ws)) {
            return;
        }
        String java = ProcessHandle.current().info().command().orElse(null);
        String cp = System.getProperty("java.class.path");
        if (java == null || cp == null || cp.isEmpty()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, "ir.Main",
                "-C", ws.root().toString(), "sync", "--auto-run");
        pb.directory(ws.root().toFile());
        pb.environment().clear();
        pb.environment().putAll(session.environment());
        java.io.File log = ws.stateDir().resolve(LOG_FILE).toFile();
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log));
        java.io.File devNull = new java.io.File("/dev/null");
        if (devNull.exists()) {
            pb.redirectInput(ProcessBuilder.Redirect.from(devNull));
        }
        try {
            pb.start();
        } catch (IOException | RuntimeException e) {
            // no auto-sync this time; the next command tries again
        }
    }

    // ---- the setting, the state and what commands read of them -----------------------------------------------------

    /** {@code ir.autosync} of the clone's git config; unset: on when the branch has an upstream it has synced with. */
    static boolean enabled(Repository repo) {
        String v = repo.getConfig().getString("ir", null, "autosync");
        if (v != null) {
            return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on");
        }
        return trackingRef(repo) != null;
    }

    /** Whether the clone's setting is explicit (null: the default applies). */
    static Boolean explicit(Repository repo) {
        String v = repo.getConfig().getString("ir", null, "autosync");
        return v == null ? null : v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on");
    }

    static void set(Repository repo, boolean on) {
        StoredConfig c = repo.getConfig();
        c.setBoolean("ir", null, "autosync", on);
        try {
            c.save();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write .git/config: " + e.getMessage(), e);
        }
    }

    /** The branch's upstream remote name, or null (then there is nothing to sync with). */
    static String upstream(Repository repo) {
        try {
            String branch = repo.getBranch();
            if (branch == null) {
                return null;
            }
            String remote = new BranchConfig(repo.getConfig(), branch).getRemote();
            return remote == null || remote.equals(".") ? null : remote;
        } catch (IOException e) {
            return null;
        }
    }

    /** The remote-tracking ref of the branch's upstream when it exists (it synced once), else null. */
    static Ref trackingRef(Repository repo) {
        try {
            String branch = repo.getBranch();
            if (branch == null || upstream(repo) == null) {
                return null;
            }
            String tracking = new BranchConfig(repo.getConfig(), branch).getRemoteTrackingBranch();
            return tracking == null ? null : repo.exactRef(tracking);
        } catch (IOException e) {
            return null;
        }
    }

    /** Commits on HEAD the remote-tracking ref does not have (all of HEAD's when there is none); at most 10,000. */
    static int unpushed(Repository repo) {
        try {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                return 0;
            }
            Ref t = trackingRef(repo);
            try (RevWalk rw = new RevWalk(repo)) {
                rw.markStart(rw.parseCommit(head));
                if (t != null && t.getObjectId() != null) {
                    rw.markUninteresting(rw.parseCommit(t.getObjectId()));
                }
                int n = 0;
                for (RevCommit ignored : rw) {
                    if (++n >= 10_000) {
                        break;
                    }
                }
                return n;
            }
        } catch (IOException e) {
            return 0;
        }
    }

    /** HEAD and the remote-tracking ref, as one key: a problem is tried again once either moves. */
    private static String tips(Repository repo) {
        Ref t = trackingRef(repo);
        return headName(repo) + ":" + (t == null || t.getObjectId() == null ? "" : t.getObjectId().name());
    }

    private static String headName(Repository repo) {
        try {
            ObjectId id = repo.resolve(Constants.HEAD);
            return id == null ? null : id.name();
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant headTime(Repository repo) {
        try (RevWalk rw = new RevWalk(repo)) {
            ObjectId id = repo.resolve(Constants.HEAD);
            return id == null ? null : rw.parseCommit(id).getCommitterIdent().getWhenAsInstant();
        } catch (IOException e) {
            return null;
        }
    }

    /** When ir was last used in this clone (the time of {@code .git/ir/last-use}), or null. */
    static Instant lastUse(Workspace ws) {
        try {
            return Files.getLastModifiedTime(ws.stateDir().resolve(LAST_USE_FILE)).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    /** Records a use of ir in this clone: the time of one empty file, set (no write of content). */
    static void used(Workspace ws, Instant now) {
        Path f = ws.stateDir().resolve(LAST_USE_FILE);
        try {
            try {
                Files.setLastModifiedTime(f, FileTime.from(now));
            } catch (java.nio.file.NoSuchFileException e) {
                // a fresh clone has no .git/ir yet: its first command is a use too (and its engine logs there)
                Files.createDirectories(ws.stateDir());
                Files.write(f, new byte[0]);
                Files.setLastModifiedTime(f, FileTime.from(now));
            }
        } catch (IOException ignored) {
            // the engine then thinks ir was used less lately
        }
    }

    /**
     * A cheap first look: whether the clone's git config names any branch's remote at all (a workspace without one
     * never opens its repository to say it is not shared).
     */
    static boolean mayHaveUpstream(Workspace ws) {
        try {
            String c = Files.readString(ws.gitDir().resolve("config"), StandardCharsets.UTF_8);
            return c.contains("[branch") && c.toLowerCase(Locale.ROOT).contains("remote");
        } catch (IOException | RuntimeException e) {
            return true; // a worktree's config lives elsewhere: ask git
        }
    }

    /** The freshness of the clone's view (see {@link Freshness}). */
    static Freshness freshness(Workspace ws, Repository repo) {
        if (upstream(repo) == null) {
            return Freshness.local(0);
        }
        State st = State.read(ws.stateDir());
        String problem = st.problem() != null ? st.problem() : st.heldNotice();
        return new Freshness(true, enabled(repo), st.lastSync(), st.offlineSince(), unpushed(repo), problem);
    }

    /** The problem or notice not reported yet, marked as reported now; null when there is none. */
    static String takeReport(Workspace ws, int umask) {
        Path file = ws.stateDir().resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        State st = State.read(ws.stateDir());
        if (st.report() == null || st.reported()) {
            return null;
        }
        st.withReported().write(ws.stateDir(), umask);
        return st.report();
    }

    /** {@code ir sync} succeeded: the engine starts afresh (no failures, no problem). */
    static void manualSync(Workspace ws, Instant now, int umask) {
        State st = State.read(ws.stateDir());
        st.succeeded(now).withProblem(null, null).withHeld(0, null, null).write(ws.stateDir(), umask);
    }

    /**
     * The engine's memory, {@code .git/ir/sync-state.json}.
     *
     * @param lastSync     the last successful attempt (auto or {@code ir sync})
     * @param offlineSince the first failure since then
     * @param failures     consecutive failures
     * @param lastAttempt  when the last attempt ended
     * @param problem      what waits for a person, or null
     * @param problemHead  HEAD and the remote-tracking ref when it was recorded (either moved: try again)
     * @param held         commits not made by ir, held back
     * @param heldHead     HEAD when they were counted
     * @param report       the line to report once on the next command, or null
     * @param reported     it was reported
     */
    record State(Instant lastSync, Instant offlineSince, int failures, Instant lastAttempt, String problem,
                 String problemHead, int held, String heldHead, String report, boolean reported) {
        static final State EMPTY = new State(null, null, 0, null, null, null, 0, null, null, false);

        State succeeded(Instant now) {
            return new State(now, null, 0, now, problem, problemHead, held, heldHead, report, reported);
        }

        State attempted(Instant now) {
            return new State(lastSync, offlineSince, failures, now, problem, problemHead, held, heldHead, report,
                    reported);
        }

        State failed(Instant now) {
            return new State(lastSync, offlineSince == null ? now : offlineSince, failures + 1, now, problem,
                    problemHead, held, heldHead, report, reported);
        }

        State withProblem(String p, String head) {
            return new State(lastSync, offlineSince, failures, lastAttempt, p, head, held, heldHead,
                    p != null ? p : report, p != null ? false : reported);
        }

        State withHeld(int n, String head, String notice) {
            return new State(lastSync, offlineSince, failures, lastAttempt, problem, problemHead, n, head,
                    notice != null ? notice : report, notice != null ? false : reported);
        }

        State withReported() {
            return new State(lastSync, offlineSince, failures, lastAttempt, problem, problemHead, held, heldHead,
                    report, true);
        }

        String heldNotice() {
            return held > 0 ? held + " local commit" + (held == 1 ? "" : "s") + " not made by ir: push with 'ir sync' "
                    + "or 'git push'" : null;
        }

        static State read(Path stateDir) {
            Path file = stateDir.resolve(STATE_FILE);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                return EMPTY;
            }
            Instant lastSync = null, offlineSince = null, lastAttempt = null;
            int failures = 0, held = 0;
            String problem = null, problemHead = null, heldHead = null, report = null;
            boolean reported = false;
            try (JsonParser p = new JsonFactory().createParser(bytes)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return EMPTY;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    String text = t == JsonToken.VALUE_NULL ? null : p.getText();
                    switch (name) {
                        case "last_sync" -> lastSync = instant(text);
                        case "offline_since" -> offlineSince = instant(text);
                        case "last_attempt" -> lastAttempt = instant(text);
                        case "failures" -> failures = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                        case "held" -> held = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                        case "problem" -> problem = text;
                        case "problem_head" -> problemHead = text;
                        case "held_head" -> heldHead = text;
                        case "report" -> report = text;
                        case "reported" -> reported = t == JsonToken.VALUE_TRUE;
                        default -> {
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return EMPTY; // a torn or foreign file: start afresh
            }
            return new State(lastSync, offlineSince, failures, lastAttempt, problem, problemHead, held, heldHead,
                    report, reported);
        }

        private static Instant instant(String s) {
            try {
                return s == null ? null : Instant.parse(s);
            } catch (RuntimeException e) {
                return null;
            }
        }

        void write(Path stateDir, int umask) {
            StringBuilder b = new StringBuilder("{\n");
            field(b, "last_sync", lastSync);
            field(b, "offline_since", offlineSince);
            b.append("  \"failures\": ").append(failures).append(",\n");
            field(b, "last_attempt", lastAttempt);
            field(b, "problem", problem);
            field(b, "problem_head", problemHead);
            b.append("  \"held\": ").append(held).append(",\n");
            field(b, "held_head", heldHead);
            field(b, "report", report);
            b.append("  \"reported\": ").append(reported).append("\n}\n");
            try {
                Files.createDirectories(stateDir);
                AtomicFiles.write(stateDir.resolve(STATE_FILE), b.toString().getBytes(StandardCharsets.UTF_8),
                        false, umask);
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot write " + STATE_FILE + ": " + e.getMessage(), e);
            }
        }

        private static void field(StringBuilder b, String name, Object value) {
            b.append("  \"").append(name).append("\": ");
            if (value == null) {
                b.append("null");
            } else {
                b.append('"');
                for (char c : value.toString().toCharArray()) {
                    if (c == '"' || c == '\\') {
                        b.append('\\').append(c);
                    } else if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
                b.append('"');
            }
            b.append(",\n");
        }
    }
}
