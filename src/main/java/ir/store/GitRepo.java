package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.LockFailedException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A workspace's git repository, written through JGit only. A commit is made in three steps that
 * {@link Transaction} puts in order: {@link #prepare} writes the objects (nothing visible changes), {@link #moveBranch}
 * makes it the branch's tip (from then on the command has succeeded), and {@link #checkOut} brings the work tree and
 * git's index in line for just the paths it changed, so a user's unrelated work, staged or not, is never touched.
 *
 * <p>It keeps, for as long as it is open, HEAD's tree as an in-memory index and git's index object (JGit reads the
 * file again only when it changed on disk): a long-lived backend then builds the next commit of a 10,000-incident
 * workspace without reading 10,000 tree entries again. Both are keyed by what they were read from (a tree id, the
 * index file's snapshot), so they are never used stale.
 */
final class GitRepo implements AutoCloseable {
    static {
        // JGit reads no user or system config by itself: ir reads git's own files from the caller's environment.
        PinnedSystemReader.install();
    }

    /** An index.lock older than this is not a running git command's: say so at once instead of waiting. */
    static final Duration STALE_INDEX_LOCK = Duration.ofSeconds(30);

    private final Repository repo;
    private final Path workTree;
    private ObjectId treeOfHead;
    private DirCache headTree;
    private DirCache index;

    private GitRepo(Repository repo, Path workTree) {
        this.repo = repo;
        this.workTree = workTree;
    }

    static GitRepo open(Workspace ws) {
        try {
            Repository r = new FileRepositoryBuilder().setGitDir(ws.gitDir().toFile())
                    .setWorkTree(ws.workTree().toFile()).setFS(NoProgramFS.INSTANCE).setMustExist(true).build();
            return new GitRepo(r, ws.workTree());
        } catch (IOException | IllegalArgumentException e) {
            throw new IrException(ExitCode.FAILURE, "cannot open the git repository at " + ws.gitDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates a repository in {@code dir} with {@code main} as its first branch. */
    static void init(Path dir) {
        try {
            Repository r = new FileRepositoryBuilder().setGitDir(dir.resolve(Constants.DOT_GIT).toFile())
                    .setFS(NoProgramFS.INSTANCE).build();
            r.create(false);
            RefUpdate head = r.updateRef(Constants.HEAD);
            head.disableRefLog();
            head.link(Constants.R_HEADS + "main");
            r.close();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot create a git repository in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    Repository repository() {
        return repo;
    }

    Path workTree() {
        return workTree;
    }

    // ---- the three steps of a commit ------------------------------------------------------------------------------

    /** git's index, locked by this process, and the identity of the lock file it created (see {@link Journal}). */
    record LockedIndex(DirCache index, String lockKey) {
        void unlock() {
            index.unlock();
        }

        /** Reads the index (again only if its file changed since this process last read it). */
        LockedIndex read() {
            try {
                index.read();
                return this;
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot read git's index: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Locks git's index, waiting while another program (a git command) holds it, at most {@code timeout}; exit 4 when
     * it stays locked, or at once when its lock is too old to be a running command's. The caller records the lock's
     * identity ({@link LockedIndex#lockKey}) before anything else, then reads it with {@link #read}.
     */
    LockedIndex lockIndex(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path lockFile = repo.getDirectory().toPath().resolve("index.lock");
        if (index == null) {
            index = new DirCache(repo.getIndexFile(), repo.getFS());
        }
        while (true) {
            try {
                if (index.lock()) {
                    try {
                        return new LockedIndex(index, fileKey(lockFile));
                    } catch (IOException | RuntimeException e) {
                        index.unlock();
                        throw e;
                    }
                }
                waitForIndexLock(lockFile, deadline);
            } catch (LockFailedException e) {
                waitForIndexLock(lockFile, deadline);
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot read git's index: " + e.getMessage(), e);
            }
        }
    }

    private static void waitForIndexLock(Path lockFile, long deadline) {
        Duration age = age(lockFile);
        if (age != null && age.compareTo(STALE_INDEX_LOCK) > 0 || System.nanoTime() > deadline) {
            throw new IrException(ExitCode.BUSY, "git's index is locked by another program (" + lockFile
                    + (age == null ? "" : ", for " + age.toSeconds() + "s") + "): wait for that git command to "
                    + "finish and run this again; if none is running, remove that file");
        }
        try {
            Thread.sleep(20);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IrException(ExitCode.BUSY, "interrupted while waiting for git's index lock");
        }
    }

    /** The file's identity (device and inode where the platform has them); {@code -} when it has none. */
    static String fileKey(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        return key == null ? "-" : key.toString().replace(' ', '_');
    }

    /** The commit the current branch points at; null on an unborn branch. */
    ObjectId head() {
        try {
            return repo.resolve(Constants.HEAD);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read HEAD: " + e.getMessage(), e);
        }
    }

    /** The full name of the branch HEAD is on ({@code refs/heads/main}); exit 4 when HEAD is detached. */
    String branch() {
        try {
            Ref head = repo.exactRef(Constants.HEAD);
            if (head == null || !head.isSymbolic()) {
                throw new IrException(ExitCode.BUSY, "HEAD is detached (not on a branch), so an ir commit would "
                        + "belong to no branch: switch to your branch (git switch main) and run the command again");
            }
            return head.getTarget().getName();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read HEAD: " + e.getMessage(), e);
        }
    }

    /**
     * A commit written by {@link #prepare}, and what it changes, path by path; {@code commit} is null when the tree is
     * as committed and only work-tree files differ from it.
     */
    record Prepared(ObjectId commit, List<Journal.Change> changes) {
    }

    /**
     * Writes a commit on top of {@code head} that changes only {@code files} (work-tree-relative git paths; null
     * content deletes), keeping each path's committed file mode. Nothing visible changes: the branch, index and work
     * tree are as they were. Null when the files are exactly as committed, in HEAD and in the work tree.
     *
     * @param before each path's blob in the work tree now (null: absent), kept for recovery
     */
    Prepared prepare(ObjectId head, Map<String, byte[]> files, Map<String, ObjectId> before, PersonIdent author,
                     PersonIdent committer, String message) {
        try (ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            ObjectId tree = head == null ? null : rw.parseCommit(head).getTree().getId();
            DirCache edit = treeIndex(tree, reader);
            List<Journal.Change> changes = new ArrayList<>();
            boolean treeChanged = false;
            DirCacheEditor editor = edit.editor();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String path = f.getKey();
                DirCacheEntry old = edit.getEntry(path);
                if (f.getValue() == null) {
                    if (old != null) {
                        editor.add(new DirCacheEditor.DeletePath(path));
                        changes.add(new Journal.Change(path, null, before.get(path), 0));
                        treeChanged = true;
                    }
                    continue;
                }
                ObjectId blob = ins.insert(Constants.OBJ_BLOB, f.getValue());
                FileMode mode = old != null && old.getFileMode() == FileMode.EXECUTABLE_FILE
                        ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
                if (old != null && old.getObjectId().equals(blob) && old.getFileMode() == mode) {
                    if (!blob.equals(before.get(path))) {
                        // committed as it is, but the work tree differs (e.g. CRLF from a checkout): rewrite it too
                        changes.add(new Journal.Change(path, blob, before.get(path), mode.getBits()));
                    }
                    continue;
                }
                treeChanged = true;
                editor.add(new DirCacheEditor.PathEdit(path) {
                    @Override
                    public void apply(DirCacheEntry ent) {
                        ent.setFileMode(mode);
                        ent.setObjectId(blob);
                    }
                });
                changes.add(new Journal.Change(path, blob, before.get(path), mode.getBits()));
            }
            if (!treeChanged) {
                return changes.isEmpty() ? null : new Prepared(null, changes);
            }
            editor.finish();
            ObjectId newTree = edit.writeTree(ins);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(newTree);
            if (head != null) {
                cb.setParentId(head);
            }
            cb.setAuthor(author);
            cb.setCommitter(committer);
            cb.setMessage(message);
            ObjectId commit = ins.insert(cb);
            ins.flush();
            treeOfHead = newTree; // what HEAD's tree will be once the branch moves; checked by id before reuse
            return new Prepared(commit, changes);
        } catch (IOException e) {
            headTree = null;
            throw new IrException(ExitCode.FAILURE, "git commit failed: " + e.getMessage() + "; nothing was changed",
                    e);
        } catch (RuntimeException e) {
            headTree = null;
            throw e;
        }
    }

    /** HEAD's tree as an in-memory index, from the last commit this repository made when it is the same tree. */
    private DirCache treeIndex(ObjectId tree, ObjectReader reader) throws IOException {
        if (headTree != null && tree != null && tree.equals(treeOfHead)) {
            return headTree;
        }
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder b = dc.builder();
        if (tree != null) {
            b.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, tree);
        }
        b.finish();
        headTree = dc;
        treeOfHead = tree;
        return dc;
    }

    /**
     * Moves {@code branch} from {@code from} (null: unborn) to {@code to}, as {@code git commit} does (with its
     * reflog). Exit 4, with nothing changed, when the branch is no longer at {@code from}.
     */
    void moveBranch(String branch, ObjectId from, ObjectId to, PersonIdent who, String reflog) {
        moveBranch(branch, from, to, who, reflog, false);
    }

    /** {@link #moveBranch}; {@code back}: to a commit that is not a descendant (taking back ir's own commit). */
    void moveBranch(String branch, ObjectId from, ObjectId to, PersonIdent who, String reflog, boolean back) {
        try {
            RefUpdate ru = repo.updateRef(branch);
            ru.setForceUpdate(back);
            ru.setNewObjectId(to);
            ru.setExpectedOldObjectId(from == null ? ObjectId.zeroId() : from);
            ru.setRefLogIdent(who);
            ru.setRefLogMessage(reflog, false);
            RefUpdate.Result result = ru.update();
            switch (result) {
                case NEW, FAST_FORWARD, FORCED -> { }
                default -> {
                    headTree = null;
                    throw new IrException(ExitCode.BUSY, "git refused to move " + Repository.shortenRefName(branch)
                            + " (" + result + "): another program changed it meanwhile; nothing was changed, run the "
                            + "command again");
                }
            }
        } catch (IOException e) {
            headTree = null;
            throw new IrException(ExitCode.FAILURE, "cannot move " + branch + ": " + e.getMessage()
                    + "; nothing was changed", e);
        }
    }

    /** See {@link Checkout#run}. */
    List<String> checkOut(LockedIndex locked, List<Journal.Change> changes, Map<String, byte[]> content, int umask)
            throws IOException {
        return Checkout.run(repo, workTree, locked, changes, content, umask);
    }

    static ObjectId blobIdOf(Path file) throws IOException {
        return Checkout.blobIdOf(file);
    }

    static ObjectId blobId(byte[] content) {
        return Checkout.blobId(content);
    }

    /** The blob at {@code path} in {@code commit}'s tree, or null. */
    ObjectId blobAt(ObjectId commit, String path) {
        if (commit == null) {
            return null;
        }
        try (RevWalk rw = new RevWalk(repo);
             TreeWalk tw = TreeWalk.forPath(repo, path, rw.parseCommit(commit).getTree())) {
            return tw == null ? null : tw.getObjectId(0);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + path + " from git: " + e.getMessage(), e);
        }
    }

    /** How long ago a file was last modified; null when it does not exist. */
    static Duration age(Path file) {
        try {
            return Duration.between(Files.getLastModifiedTime(file).toInstant(), java.time.Instant.now());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        repo.close();
    }
}
