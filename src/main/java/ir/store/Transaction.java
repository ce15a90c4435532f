package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one way ir changes a workspace: lock → recover → load → apply → write → commit. Every mutation of every
 * command goes through {@link #run}; the only other caller of {@link #commit} is {@link Recovery}, under the same
 * lock.
 *
 * <p>The commit is made before anything visible changes: the new objects are written, then a {@link Journal} records
 * the commit, then the branch moves to it, and only then are the work-tree files and git's index updated. So:
 * <ul>
 * <li>a failure before the branch moves (a full disk, a bad index, another program moving the branch) leaves the
 * work tree, the index and the journal exactly as they were, and the command fails;</li>
 * <li>once the branch has moved, the command has succeeded: a later failure to write a file or the index is repaired
 * by the next command from the journal (see {@link Recovery}), never rolled back;</li>
 * <li>a crash anywhere leaves either no journal and nothing changed, or a journal the next command finishes.</li>
 * </ul>
 */
final class Transaction {
    private Transaction() {
    }

    /**
     * What a change writes.
     *
     * @param files      paths relative to the workspace root to their new content; null deletes the file
     * @param subject    the commit's first line
     * @param eventType  the {@code Ir-Event} trailer
     * @param incidentId the {@code Incident} trailer, or null
     * @param result     what the caller gets back
     */
    record Plan<T>(Map<Path, byte[]> files, String subject, String eventType, String incidentId, T result,
                   List<Outbox.Pending> outbox) {
        Plan {
            outbox = outbox == null ? List.of() : List.copyOf(outbox);
        }

        Plan(Map<Path, byte[]> files, String subject, String eventType, String incidentId, T result) {
            this(files, subject, eventType, incidentId, result, List.of());
        }
    }

    /**
     * Runs one mutation: takes the workspace lock, finishes what an interrupted command left ({@code sweep}: and
     * commits every incident file that differs from HEAD), then calls {@code apply} (which loads and decides, under
     * the lock) and commits what it returns.
     */
    static <T> T run(Backend backend, Session session, boolean sweep, Supplier<Plan<T>> apply) {
        Outcome<T> o = execute(backend, session, sweep, apply);
        return o == null ? null : o.result();
    }

    /** {@link #run}, returning the commit it made: null when the plan was null or changed nothing. */
    static <T> ObjectId runForCommit(Backend backend, Session session, boolean sweep, Supplier<Plan<T>> apply) {
        Outcome<T> o = execute(backend, session, sweep, apply);
        return o == null ? null : o.commit();
    }

    private record Outcome<T>(T result, ObjectId commit) {
    }

    private static <T> Outcome<T> execute(Backend backend, Session session, boolean sweep, Supplier<Plan<T>> apply) {
        try (WorkspaceLock lock = WorkspaceLock.acquire(backend.workspace().stateDir(), session.lockTimeout())) {
            // A repository state not safe to commit into (a merge or rebase in progress, a detached HEAD, a split
            // or sparse index, SHA-256): refused before anything, recovery included, is done.
            RepoState.checkState(backend.git().repository());
            new Recovery(backend, session).run(sweep);
            Plan<T> plan = apply.get();
            if (plan == null) {
                return null;
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            Workspace ws = backend.workspace();
            for (Map.Entry<Path, byte[]> f : plan.files().entrySet()) {
                Path abs = ws.root().resolve(f.getKey()).normalize();
                if (!abs.startsWith(ws.root())) {
                    throw new IllegalArgumentException("path outside the workspace: " + f.getKey());
                }
                refuseLinks(ws, abs, f.getKey());
                refuseOversized(f.getKey(), f.getValue());
                files.put(ws.gitPath(abs), f.getValue());
            }
            StringBuilder msg = new StringBuilder(plan.subject()).append("\n\n");
            if (plan.incidentId() != null) {
                msg.append("Incident: ").append(plan.incidentId()).append('\n');
            }
            msg.append("Ir-Event: ").append(plan.eventType()).append('\n');
            Identity who = backend.identity(session);
            // The event's messages are staged in the outbox before its commit and queued once it is made: a crash
            // in between leaves them staged, and Outbox.reconcile decides from the incident (see Outbox).
            Outbox outbox = backend.outbox();
            List<String> staged = plan.outbox().isEmpty() ? List.of()
                    : outbox.stage(plan.outbox(), session.clock().instant());
            ObjectId commit;
            try {
                commit = commit(backend, session, files, msg.toString(), who.authorAt(session.clock()),
                        who.committerAt(session.clock()));
            } catch (RuntimeException e) {
                outbox.unstage(staged);
                throw e;
            }
            if (commit == null) {
                outbox.unstage(staged);
            } else {
                outbox.queue(staged);
                backend.committed();
            }
            return new Outcome<>(plan.result(), commit);
        }
    }

    /**
     * Commits {@code files} (git paths to content; null deletes) on the current branch and brings the work tree and
     * index in line. The caller holds the workspace lock. Returns the new commit, or null when the files were already
     * exactly as committed.
     */
    static ObjectId commit(Backend backend, Session session, Map<String, byte[]> files, String message,
                           PersonIdent author, PersonIdent committer) {
        GitRepo git = backend.git();
        Workspace ws = backend.workspace();
        // git's index as C git wrote it: split or sparse (which JGit cannot write), a conflict on a path to write
        RepoState.check(git.repository(), files.keySet());
        String branch = git.branch();
        // The objects first, outside git's index lock: the lock is held, and unrecorded, as briefly as can be.
        ObjectId head = git.head();
        Map<String, ObjectId> before = new LinkedHashMap<>();
        try {
            for (String path : files.keySet()) {
                before.put(path, GitRepo.blobIdOf(ws.workTree().resolve(path)));
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the work tree: " + e.getMessage()
                    + "; nothing was changed", e);
        }
        GitRepo.Prepared prepared = git.prepare(head, files, before, author, committer, message);
        if (prepared == null) {
            return null;
        }
        int nl = message.indexOf('\n');
        fault(Faults.OBJECTS);
        GitRepo.LockedIndex index = prepared.commit() == null ? git.lockIndex(session.lockTimeout())
                : lockIndexFor(backend, session, branch, head, prepared.commit(), prepared.changes());
        try {
            if (prepared.commit() == null) {
                // Nothing to commit, but the work tree differs from HEAD (e.g. CRLF line ends): write it as committed.
                git.checkOut(index.read(), prepared.changes(), files, session.umask());
                return null;
            }
            advance(backend, session, index, branch, head, prepared.commit(), prepared.changes(), files,
                    (head == null ? "commit (initial): " : "commit: ") + (nl < 0 ? message : message.substring(0, nl)));
            return prepared.commit();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write the work tree: " + e.getMessage(), e);
        } finally {
            index.unlock();
        }
    }

    /**
     * Moves {@code branch} from {@code from} to the commit {@code to} and checks out {@code changes} (with
     * {@code content} where given), under the journal: the caller holds the workspace lock and git's index lock. Once
     * the branch has moved this succeeds; a failure after that is reported as a warning and repaired by the next
     * command (see {@link Recovery}).
     */
    static void advance(Backend backend, Session session, GitRepo.LockedIndex index, String branch, ObjectId from,
                        ObjectId to, List<Journal.Change> changes, Map<String, byte[]> content, String reflog) {
        advance(backend, session, index, branch, from, to, changes, content, reflog, i -> { });
    }

    /**
     * {@link #advance}, with {@code check} run on the index once it is read (before the branch moves): it refuses by
     * throwing, and then nothing has changed.
     */
    static void advance(Backend backend, Session session, GitRepo.LockedIndex index, String branch, ObjectId from,
                        ObjectId to, List<Journal.Change> changes, Map<String, byte[]> content, String reflog,
                        java.util.function.Consumer<GitRepo.LockedIndex> check) {
        GitRepo git = backend.git();
        try {
            fault(Faults.LOCKED);
        } catch (RuntimeException e) {
            backend.journal().clear();
            throw e;
        }
        // First of all, while git's index lock is this process's: the record that lets recovery remove it.
        backend.journal().write(new Journal.Entry(ProcessHandle.current().pid(), nonce(), index.lockKey(), to, from,
                branch, changes));
        try {
            fault(Faults.JOURNALED);
            index.read();
            List<String> paths = new ArrayList<>();
            changes.forEach(c -> paths.add(c.path()));
            refuseConflicts(index, paths);
            check.accept(index);
        } catch (RuntimeException e) {
            backend.journal().clear();
            throw e;
        }
        try {
            git.moveBranch(branch, from, to, backend.identity(session).committerAt(session.clock()), reflog);
        } catch (RuntimeException e) {
            if (!to.equals(git.head())) {
                backend.journal().clear();
                throw e;
            }
        }
        // The change has succeeded: what is left is repaired from the journal if it fails.
        try {
            Faults.at(Faults.MOVED);
            List<String> skipped = git.checkOut(index, changes, content, session.umask());
            if (!skipped.isEmpty()) {
                session.warn().accept("committed, but left " + String.join(", ", skipped) + " in the work tree "
                        + "as another program changed it meanwhile: see 'git status'");
            }
            backend.journal().clear();
        } catch (IOException | RuntimeException e) {
            session.warn().accept("committed " + to.abbreviate(7).name() + ", but could not update the work tree "
                    + "or git's index (" + e.getMessage() + "): the next ir command finishes it");
        }
    }

    /**
     * Locks git's index for a change of {@code branch} to {@code to}, with the journal already written (without the
     * lock's identity) and its code warm: {@link #advance} then records the lock within a few system calls of taking
     * it, which is as close as recovery can come to knowing every lock ir created (one it cannot prove is ir's is
     * reported, never removed). The journal is cleared again when the lock is not obtained, unless {@code keep}: it
     * then still holds what recovery has yet to finish.
     */
    static GitRepo.LockedIndex lockIndexFor(Backend backend, Session session, String branch, ObjectId from,
                                            ObjectId to, List<Journal.Change> changes) {
        return lockIndexFor(backend, session, branch, from, to, changes, false);
    }

    static GitRepo.LockedIndex lockIndexFor(Backend backend, Session session, String branch, ObjectId from,
                                            ObjectId to, List<Journal.Change> changes, boolean keep) {
        backend.journal().write(new Journal.Entry(ProcessHandle.current().pid(), nonce(), "-", to, from, branch,
                changes));
        try {
            GitRepo.fileKey(backend.workspace().stateDir().resolve("journal"));
            return backend.git().lockIndex(session.lockTimeout());
        } catch (IOException | RuntimeException e) {
            if (!keep) {
                backend.journal().clear();
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IrException(ExitCode.FAILURE, "cannot read ir's journal: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} under the workspace lock after finishing what an interrupted command left, for a change that
     * moves the branch itself through {@link #advance} ({@code ir sync}'s merge).
     */
    static <T> T locked(Backend backend, Session session, Supplier<T> work) {
        try (WorkspaceLock lock = WorkspaceLock.acquire(backend.workspace().stateDir(), session.lockTimeout())) {
            RepoState.checkState(backend.git().repository());
            new Recovery(backend, session).run(false);
            return work.get();
        }
    }

    /** An unresolved conflict on a path ir would write: writing it would throw away the other side's version. */
    private static void refuseConflicts(GitRepo.LockedIndex index, Iterable<String> paths) {
        List<String> conflicted = new ArrayList<>();
        for (String path : paths) {
            int i = index.index().findEntry(path);
            if (i < 0) {
                continue;
            }
            DirCacheEntry e = index.index().getEntry(i);
            if (e.getStage() != DirCacheEntry.STAGE_0) {
                conflicted.add(path);
            }
        }
        if (!conflicted.isEmpty()) {
            throw new IrException(ExitCode.BUSY, String.join(", ", conflicted) + " has an unresolved merge conflict: "
                    + "resolve it (edit the file, then git add it) and run the command again; nothing was changed");
        }
    }

    /**
     * A cloned repository may hold {@code incidents} (or the file itself) as a symbolic link: writing through it would
     * put files outside the workspace and commit a path git keeps as a link. See {@link WorkspaceFiles}.
     */
    private static void refuseLinks(Workspace ws, Path abs, Path rel) {
        WorkspaceFiles.checkWrite(ws.root(), ws.root().relativize(abs).toString().replace('\\', '/'));
    }

    /**
     * What ir writes it must be able to read back: a file over the read limit would make every later command on it
     * fail. Checked on the serialized bytes, before anything is written or committed.
     */
    static void refuseOversized(Path rel, byte[] content) {
        if (content != null && content.length > YamlCodec.MAX_DOCUMENT_BYTES) {
            throw IrException.usage("this change would make " + rel.toString().replace('\\', '/') + " "
                    + String.format(java.util.Locale.ROOT, "%.1f", content.length / (1024.0 * 1024.0))
                    + " MiB, over the " + (YamlCodec.MAX_DOCUMENT_BYTES / (1024 * 1024)) + " MiB limit for one file: "
                    + "link long output (a log or paste URL, or a file kept beside the incident) instead of pasting "
                    + "it; nothing was changed");
        }
    }

    /** {@link Faults#at} where a failure means the command failed, before anything visible changed. */
    private static void fault(String step) {
        try {
            Faults.at(step);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, e.getMessage() + "; nothing was changed", e);
        }
    }

    private static String nonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong());
    }
}
