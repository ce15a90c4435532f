package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import ir.model.PostmortemHook;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@code ir sync}: fetch, merge, push with JGit. The merge is computed in memory first (incident files semantically,
 * other files line by line as git would), so a conflict that needs a person leaves the branch, index and work tree
 * exactly as they were. A push rejected because someone pushed meanwhile retries the whole fetch-merge-push.
 */
final class GitSync {
    static final int MAX_ATTEMPTS = 5;

    private final Backend backend;
    private final Session session;
    private final GitRepo git;
    private final Repository repo;
    private final Workspace ws;
    private final PersonIdent author;
    private final PersonIdent committer;
    private final SyncRemote remoteSide;
    private final Consumer<String> warn;
    private final PostmortemHook hook;

    /** Auto-sync's mode: a transport timeout, and local commits ir did not make are held, never pushed. */
    private boolean auto;

    GitSync auto(int timeoutSeconds) {
        this.auto = true;
        remoteSide.timeout(timeoutSeconds);
        return this;
    }

    GitSync(Backend backend, Session session, PostmortemHook hook) {
        this.backend = backend;
        this.session = session;
        this.git = backend.git();
        this.repo = git.repository();
        this.ws = backend.workspace();
        Identity who = backend.identity(session);
        this.author = who.authorAt(session.clock());
        this.committer = who.committerAt(session.clock());
        this.remoteSide = new SyncRemote(repo, UserGitConfig.load(session.environment()), session.environment(),
                session.warn());
        this.warn = session.warn();
        this.hook = hook;
    }

    SyncResult run(String remoteArg) {
        String branch = currentBranch();
        StoredConfig config = repo.getConfig();
        BranchConfig bc = new BranchConfig(config, branch);
        String remote = remoteArg != null ? remoteArg.trim() : bc.getRemote() != null ? bc.getRemote() : "origin";
        boolean named = config.getSubsections("remote").contains(remote);
        if (!named && !SyncRemote.looksLikeUrl(remote)) {
            throw IrException.usage("no git remote named '" + remote + "': add one with 'git remote add " + remote
                    + " URL', or pass a URL or the path of a repository");
        }
        String remoteBranch = named && remote.equals(bc.getRemote()) && bc.getMerge() != null
                ? Repository.shortenRefName(bc.getMerge()) : branch;
        String remoteRef = Constants.R_HEADS + remoteBranch;
        boolean fetchedNew = false;
        boolean merged = false;
        List<String> mergedIncidents = new ArrayList<>();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ObjectId theirs = remoteSide.fetch(remote, named, remoteBranch, remoteRef);
            String theirName = remote + "/" + remoteBranch;
            // Under the workspace lock, after finishing what an interrupted command left: the one transaction seam.
            Step step = Transaction.locked(backend, session, () -> integrate(theirs, theirName));
            fetchedNew |= step.fetchedNew;
            merged |= step.merged;
            step.incidents.stream().filter(i -> !mergedIncidents.contains(i)).forEach(mergedIncidents::add);
            ObjectId head = resolve(Constants.HEAD);
            if (head == null || head.equals(theirs)) {
                remoteSide.setUpstream(named, remote, branch, remoteRef);
                return new SyncResult(remote, remoteBranch, attempt, fetchedNew, merged, false, mergedIncidents);
            }
            int held = auto ? notMadeByIr(head, theirs) : 0;
            if (held > 0) {
                return new SyncResult(remote, remoteBranch, attempt, fetchedNew, merged, false, mergedIncidents, held);
            }
            if (remoteSide.push(remote, branch, remoteRef)) {
                remoteSide.setUpstream(named, remote, branch, remoteRef);
                return new SyncResult(remote, remoteBranch, attempt, fetchedNew, merged, true, mergedIncidents);
            }
            try {
                Thread.sleep(50L * attempt + ThreadLocalRandom.current().nextInt(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IrException(ExitCode.BUSY, "the push to " + remote + " was rejected " + MAX_ATTEMPTS + " times "
                + "because others kept pushing: your commits are merged locally; run 'ir sync' again");
    }

    // ---- fetch and push ------------------------------------------------------------------------------------------

    /**
     * How many commits on {@code head} and not on {@code theirs} ir did not make: without an {@code Ir-Event:}
     * trailer (every commit of ir's has one, its sync merges too). Auto-sync pushes none of those.
     */
    private int notMadeByIr(ObjectId head, ObjectId theirs) {
        try (RevWalk rw = new RevWalk(repo)) {
            rw.markStart(rw.parseCommit(head));
            if (theirs != null) {
                rw.markUninteresting(rw.parseCommit(theirs));
            }
            int n = 0;
            for (RevCommit c : rw) {
                if (!madeByIr(c.getFullMessage())) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the commits to push: " + e.getMessage(), e);
        }
    }

    static boolean madeByIr(String message) {
        for (String line : message.split("\n")) {
            if (line.startsWith("Ir-Event: ")) {
                return true;
            }
        }
        return false;
    }

    // ---- merge ---------------------------------------------------------------------------------------------------

    private record Step(boolean fetchedNew, boolean merged, List<String> incidents) {
    }

    /**
     * What the semantic merge takes from this workspace and session: ir.yaml's severity order (ours: the merged one
     * is not known before the merge) and the session's clock, which dates the merge events.
     */
    private ir.model.IncidentMerge.Context mergeContext() {
        java.time.Instant now = session.clock().instant();
        try {
            return ir.model.IncidentMerge.Context.of(backend.config(), now);
        } catch (IrException unreadable) {
            return new ir.model.IncidentMerge.Context(ir.model.IncidentMerge.Context.DEFAULT_SEVERITIES, now);
        }
    }

    /** Brings {@code theirs} into the current branch: nothing, a fast-forward, or a merge commit. */
    private Step integrate(ObjectId theirs, String theirName) {
        if (theirs == null) {
            return new Step(false, false, List.of());
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
             ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId headId = resolve(Constants.HEAD);
            RevCommit t = rw.parseCommit(theirs);
            if (headId == null) {
                checkout(null, t, t, null, reader);
                return new Step(true, false, List.of());
            }
            RevCommit h = rw.parseCommit(headId);
            if (h.equals(t) || rw.isMergedInto(t, h)) {
                return new Step(false, false, List.of());
            }
            rw.reset();
            if (rw.isMergedInto(h, t)) {
                checkout(h, t, t, null, reader);
                return new Step(true, false, List.of());
            }
            rw.reset();
            rw.setRevFilter(RevFilter.MERGE_BASE);
            rw.markStart(rw.parseCommit(h));
            rw.markStart(rw.parseCommit(t));
            RevCommit base = rw.next();
            rw.reset();
            rw.setRevFilter(RevFilter.ALL);
            SyncMerge.TreeResult merged = new SyncMerge(repo, ws, hook, mergeContext()).mergeTrees(base == null ? null : rw.parseCommit(base), rw.parseCommit(h),
                    rw.parseCommit(t), reader, ins);
            merged.warnings().forEach(warn);
            if (!merged.conflicts().isEmpty()) {
                throw new IrException(ExitCode.BUSY, "cannot merge " + theirName + ": both sides changed "
                        + String.join(", ", merged.conflicts().subList(0, Math.min(5, merged.conflicts().size())))
                        + (merged.conflicts().size() > 5 ? ", ..." : "") + " in ways ir cannot merge; nothing was "
                        + "changed: run 'git pull', resolve and commit those files, then run 'ir sync' again");
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(merged.tree());
            cb.setParentIds(h, t);
            cb.setAuthor(author);
            cb.setCommitter(committer);
            StringBuilder msg = new StringBuilder("ir sync: merge ").append(theirName).append("\n\n");
            if (!merged.incidents().isEmpty()) {
                msg.append("Merged incidents: ").append(String.join(", ", merged.incidents())).append("\n");
            }
            msg.append("Ir-Event: sync\n");
            cb.setMessage(msg.toString());
            ObjectId commit = ins.insert(cb);
            ins.flush();
            RevCommit mc = rw.parseCommit(commit);
            checkout(h, mc, mc, merged.incidents(), reader);
            return new Step(true, true, merged.incidents());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "git merge failed: " + e.getMessage(), e);
        }
    }

    // ---- work tree -----------------------------------------------------------------------------------------------

    /**
     * Moves the branch from {@code from} to {@code to} and brings the work tree and index in line for the paths that
     * differ. Refuses (changing nothing) when one of them has uncommitted changes. The branch moves first, under the
     * journal, so an interrupted sync is finished by the next command (see {@link Transaction}).
     */
    private void checkout(RevCommit from, RevCommit to, RevCommit target, List<String> incidents,
                          ObjectReader reader) throws IOException {
        Map<String, SyncMerge.Entry> changes = new LinkedHashMap<>();
        Map<String, ObjectId> old = new LinkedHashMap<>();
        try (TreeWalk tw = new TreeWalk(repo, reader)) {
            tw.setRecursive(true);
            if (from == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(from.getTree());
            }
            tw.addTree(to.getTree());
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                changes.put(tw.getPathString(), SyncMerge.entry(tw, 1));
                SyncMerge.Entry before = SyncMerge.entry(tw, 0);
                old.put(tw.getPathString(), before == null ? null : before.id());
            }
        }
        for (Map.Entry<String, SyncMerge.Entry> c : changes.entrySet()) {
            checkSafe(c.getKey(), c.getValue());
        }
        RepoState.check(repo, changes.keySet());
        String branch = git.branch();
        List<Journal.Change> journaled = new ArrayList<>();
        for (Map.Entry<String, SyncMerge.Entry> c : changes.entrySet()) {
            SyncMerge.Entry want = c.getValue();
            journaled.add(new Journal.Change(c.getKey(), want == null ? null : want.id(),
                    GitRepo.blobIdOf(ws.workTree().resolve(c.getKey())), want == null ? 0 : want.mode().getBits()));
        }
        GitRepo.LockedIndex index = Transaction.lockIndexFor(backend, session, branch, from, target, journaled);
        try {
            Transaction.advance(backend, session, index, branch, from, target, journaled, null,
                    incidents == null ? "ir sync: fast-forward" : "ir sync: merge", locked -> {
                        List<String> dirty = new ArrayList<>();
                        for (Journal.Change c : journaled) {
                            ObjectId was = old.get(c.path());
                            DirCacheEntry ie = locked.index().getEntry(c.path());
                            ObjectId indexed = ie == null ? null : ie.getObjectId();
                            boolean diskOk = Objects.equals(c.before(), was) || Objects.equals(c.before(), c.want());
                            boolean indexOk = Objects.equals(indexed, was) || Objects.equals(indexed, c.want());
                            if (!diskOk || !indexOk) {
                                dirty.add(c.path());
                            }
                        }
                        if (!dirty.isEmpty()) {
                            throw new IrException(ExitCode.BUSY, "your uncommitted changes to " + String.join(", ",
                                    dirty.subList(0, Math.min(5, dirty.size()))) + (dirty.size() > 5 ? ", ..." : "")
                                    + " would be overwritten by the sync; nothing was changed: commit or stash them, "
                                    + "then run 'ir sync' again");
                        }
                    });
        } finally {
            index.unlock();
        }
    }

    /**
     * A fetched tree is untrusted: refuse paths git itself would refuse ({@code ..}, {@code .git}, ...), paths that
     * leave the work tree through a symbolic link, and links or submodules (ir writes only regular files).
     */
    private void checkSafe(String path, SyncMerge.Entry e) {
        try {
            org.eclipse.jgit.util.SystemReader.getInstance().checkPath(path);
        } catch (org.eclipse.jgit.errors.CorruptObjectException ex) {
            throw unsafe(path, ex.getMessage());
        }
        Path root = ws.workTree().toAbsolutePath().normalize();
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw unsafe(path, "outside the work tree");
        }
        try {
            Path realRoot = root.toRealPath();
            for (Path p = file.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (!p.toRealPath().startsWith(realRoot) || Files.isSymbolicLink(p)) {
                        throw unsafe(path, "a directory on its way is a symbolic link");
                    }
                    break;
                }
            }
            if (Files.isSymbolicLink(file)) {
                throw unsafe(path, "it is a symbolic link in the work tree");
            }
        } catch (IOException ex) {
            throw unsafe(path, ex.getMessage());
        }
        if (e != null && e.mode() != FileMode.REGULAR_FILE && e.mode() != FileMode.EXECUTABLE_FILE) {
            throw new IrException(ExitCode.BUSY, "the sync would check out " + path + " as a symbolic link or "
                    + "submodule, which ir does not do; nothing was changed: use 'git pull' for this merge");
        }
    }

    private static IrException unsafe(String path, String why) {
        return new IrException(ExitCode.FAILURE, "refusing to check out '" + path + "' from the remote (" + why
                + "); nothing was changed");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private String currentBranch() {
        try {
            Ref head = repo.exactRef(Constants.HEAD);
            if (head == null || !head.isSymbolic()) {
                throw IrException.usage("HEAD is not on a branch: check out the branch to sync (git switch main)");
            }
            return Repository.shortenRefName(head.getTarget().getName());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read HEAD: " + e.getMessage(), e);
        }
    }

    private ObjectId resolve(String rev) {
        try {
            return repo.resolve(rev);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + rev + ": " + e.getMessage(), e);
        }
    }
}
