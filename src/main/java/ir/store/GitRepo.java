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
import org.eclipse.jgit.revwalk.RevCommit;
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
                    .setWorkTree(ws.workTree().toFile()).setMustExist(true).build();
            return new GitRepo(r, ws.workTree());
        } catch (IOException | IllegalArgumentException e) {
            throw new IrException(ExitCode.FAILURE, "cannot open the git repository at " + ws.gitDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates a repository in {@code dir} with {@code main} as its first branch. */
    static void init(Path dir) {
        try {
            Repository r = FileRepositoryBuilder.create(dir.resolve(Constants.DOT_GIT).toFile());
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

    /**
     * Brings the work tree and the locked index in line with a commit the branch now points at, for the changed
     * paths only: each index entry becomes the commit's, each file the commit's content (or {@code content}'s, when
     * given for its path). A work-tree file is replaced only while it still holds what it held before the command
     * (its {@code before} blob), so a change made meanwhile by another program is never overwritten (it is
     * reported). Index entries keep their other flags. Returns the paths left as they were.
     */
    List<String> checkOut(LockedIndex locked, List<Journal.Change> changes, Map<String, byte[]> content, int umask)
            throws IOException {
        List<String> skipped = new ArrayList<>();
        DirCache dc = locked.index();
        DirCacheEditor editor = dc.editor();
        boolean edited = false;
        try (ObjectReader reader = repo.newObjectReader()) {
            for (Journal.Change c : changes) {
                Path file = workTree.resolve(c.path());
                ObjectId onDisk = blobIdOf(file);
                byte[] bytes = content == null ? null : content.get(c.path());
                ObjectId target = bytes == null ? c.want() : blobId(bytes);
                if (!java.util.Objects.equals(onDisk, target)) {
                    if (!java.util.Objects.equals(onDisk, c.before())) {
                        skipped.add(c.path());
                    } else if (target == null) {
                        Files.deleteIfExists(file);
                        onDisk = null;
                    } else {
                        AtomicFiles.write(file, bytes != null ? bytes : reader.open(c.want(), Constants.OBJ_BLOB)
                                .getBytes(), FileMode.fromBits(c.mode()) == FileMode.EXECUTABLE_FILE, umask);
                        onDisk = target;
                    }
                }
                if (c.want() == null) {
                    editor.add(new DirCacheEditor.DeletePath(c.path()));
                } else {
                    // git trusts an entry's stat data: give it only when the file holds exactly the entry's blob
                    editor.add(entryEdit(c, c.want().equals(onDisk) ? file : null));
                }
                edited = true;
            }
        }
        if (edited) {
            Faults.at(Faults.FILES);
            editor.finish();
            dc.write();
            if (!dc.commit()) {
                throw new IOException("could not replace " + repo.getIndexFile());
            }
        }
        return skipped;
    }

    private static DirCacheEditor.PathEdit entryEdit(Journal.Change c, Path file) {
        return new DirCacheEditor.PathEdit(c.path()) {
            @Override
            public void apply(DirCacheEntry ent) {
                ent.setFileMode(FileMode.fromBits(c.mode()));
                ent.setObjectId(c.want());
                ent.setLength(0);
                ent.setLastModified(java.time.Instant.EPOCH);
                if (file != null) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                        ent.setLength(a.size());
                        ent.setLastModified(a.lastModifiedTime().toInstant());
                    } catch (IOException e) {
                        // leave the stat data empty: git will hash the file again, which is only slower
                    }
                }
            }
        };
    }

    /** The blob id of the file's content; null when there is no regular file there. */
    static ObjectId blobIdOf(Path file) throws IOException {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? ObjectId.zeroId() : null;
        }
        return blobId(Files.readAllBytes(file));
    }

    static ObjectId blobId(byte[] content) {
        try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
            return f.idFor(Constants.OBJ_BLOB, content);
        }
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

    // ---- history --------------------------------------------------------------------------------------------------

    /** The commits reachable from HEAD that changed any of {@code paths}, oldest first. */
    List<RevCommit> log(List<String> paths) {
        try (RevWalk rw = new RevWalk(repo)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                return List.of();
            }
            rw.markStart(rw.parseCommit(head));
            rw.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
                    org.eclipse.jgit.treewalk.filter.PathFilterGroup.createFromStrings(paths),
                    org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF));
            rw.sort(org.eclipse.jgit.revwalk.RevSort.TOPO);
            rw.sort(org.eclipse.jgit.revwalk.RevSort.REVERSE, true);
            List<RevCommit> out = new ArrayList<>();
            for (RevCommit c : rw) {
                out.add(c);
            }
            return out;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the git history: " + e.getMessage(), e);
        }
    }

    /** The commit a revision names, or null when it names none. */
    RevCommit commitOf(String revision) {
        try (RevWalk rw = new RevWalk(repo)) {
            ObjectId id = repo.resolve(revision + "^{commit}");
            return id == null ? null : rw.parseCommit(id);
        } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
            throw IrException.notFound("'" + revision + "' names several commits: give more of its id");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException
                 | org.eclipse.jgit.errors.IncorrectObjectTypeException
                 | org.eclipse.jgit.errors.MissingObjectException e) {
            return null;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the git history: " + e.getMessage(), e);
        }
    }

    /** The content of {@code path} in {@code commit}, at most {@code limit} bytes, or null when it is absent. */
    byte[] read(RevCommit commit, String path, int limit) {
        try (TreeWalk tw = TreeWalk.forPath(repo, path, commit.getTree())) {
            if (tw == null) {
                return null;
            }
            org.eclipse.jgit.lib.ObjectLoader loader = repo.open(tw.getObjectId(0), Constants.OBJ_BLOB);
            if (loader.getSize() > limit) {
                throw new IrException(ExitCode.FAILURE, path + " in commit " + commit.abbreviate(7).name()
                        + " is over the " + (limit / (1024 * 1024)) + " MiB limit for one file");
            }
            return loader.getBytes();
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
