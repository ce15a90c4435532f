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
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The git side of the store: commits a given set of files straight from their contents, without staging the rest of
 * the work tree, so a user's unrelated changes (staged or not) are never committed or disturbed. Only the touched
 * index entries are updated, so {@code git status} stays clean for them.
 */
final class GitRepo implements AutoCloseable {
    static {
        PinnedSystemReader.install();
    }

    private final Repository repo;
    private final Path workTree;

    private GitRepo(Repository repo, Path workTree) {
        this.repo = repo;
        this.workTree = workTree;
    }

    static GitRepo open(Workspace ws) {
        try {
            Repository r = new FileRepositoryBuilder().setGitDir(ws.gitDir().toFile())
                    .setWorkTree(ws.workTree().toFile()).setMustExist(true).build();
            return new GitRepo(r, ws.workTree());
        } catch (IOException e) {
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

    /**
     * Commits the files (work-tree-relative git paths; a null content deletes) on top of HEAD with only those paths
     * changed. The files must already be written to the work tree.
     */
    ObjectId commit(Map<String, byte[]> files, PersonIdent author, PersonIdent committer, String message,
                    Duration lockTimeout) {
        RawIndex raw = lockRawIndex(lockTimeout, files.keySet());
        DirCache index = raw == null ? lockIndex(lockTimeout) : null;
        try (ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader();
             RevWalk rw = new RevWalk(reader)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            ObjectId headTree = head == null ? null : rw.parseCommit(head).getTree().getId();
            Map<String, ObjectId> blobs = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                blobs.put(f.getKey(), f.getValue() == null ? null : ins.insert(Constants.OBJ_BLOB, f.getValue()));
            }
            ObjectId treeId;
            try {
                treeId = new TreeEdit(repo, reader).apply(headTree, blobs);
            } catch (TreeEdit.Unsupported e) {
                treeId = treeViaIndex(reader, ins, headTree, blobs);
            }
            if (treeId.equals(headTree)) {
                return null;
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(treeId);
            if (head != null) {
                cb.setParentId(head);
            }
            cb.setAuthor(author);
            cb.setCommitter(committer);
            cb.setMessage(message);
            ObjectId commit = ins.insert(cb);
            ins.flush();

            RefUpdate ru = repo.updateRef(Constants.HEAD);
            ru.setNewObjectId(commit);
            ru.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
            ru.setRefLogIdent(committer);
            int nl = message.indexOf('\n');
            ru.setRefLogMessage((head == null ? "commit (initial): " : "commit: ")
                    + (nl < 0 ? message : message.substring(0, nl)), false);
            RefUpdate.Result result = ru.update(rw);
            switch (result) {
                case NEW, FAST_FORWARD, FORCED -> { }
                default -> throw new IrException(ExitCode.BUSY, "git refused to move HEAD (" + result
                        + "): another program changed the branch meanwhile; run the command again");
            }
            if (raw != null) {
                raw.write(blobs, workTree);
                return commit;
            }
            DirCacheEditor indexEdit = index.editor();
            for (Map.Entry<String, ObjectId> blob : blobs.entrySet()) {
                if (blob.getValue() == null) {
                    indexEdit.add(new DirCacheEditor.DeletePath(blob.getKey()));
                } else {
                    indexEdit.add(entryEdit(blob.getKey(), blob.getValue(), workTree.resolve(blob.getKey())));
                }
            }
            indexEdit.finish();
            index.write();
            index.commit();
            return commit;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "git commit failed: " + e.getMessage(), e);
        } finally {
            if (raw != null) {
                raw.unlock();
            } else {
                index.unlock();
            }
        }
    }

    /**
     * The general way to build the new tree (see {@link TreeEdit} for the usual one): the parent's whole tree in an
     * in-core index, edited and written back.
     */
    private static ObjectId treeViaIndex(ObjectReader reader, ObjectInserter ins, ObjectId headTree,
                                         Map<String, ObjectId> blobs) throws IOException {
        DirCache tree = DirCache.newInCore();
        DirCacheBuilder b = tree.builder();
        if (headTree != null) {
            b.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, headTree);
        }
        b.finish();
        DirCacheEditor treeEdit = tree.editor();
        for (Map.Entry<String, ObjectId> blob : blobs.entrySet()) {
            treeEdit.add(blob.getValue() == null ? new DirCacheEditor.DeletePath(blob.getKey())
                    : entryEdit(blob.getKey(), blob.getValue(), null));
        }
        treeEdit.finish();
        return tree.writeTree(ins);
    }

    /**
     * Takes back {@code commit} while it is still HEAD (false, changing nothing, when HEAD moved): HEAD goes back to
     * its parent, each path's index entry to the parent's, and its work-tree file to {@code before} (null: none).
     */
    boolean uncommit(ObjectId commit, Map<String, byte[]> before, Duration lockTimeout) {
        DirCache index = lockIndex(lockTimeout);
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null || !head.equals(commit)) {
                return false;
            }
            RevCommit c = rw.parseCommit(commit);
            if (c.getParentCount() != 1) {
                return false;
            }
            RevCommit parent = rw.parseCommit(c.getParent(0));
            for (Map.Entry<String, byte[]> f : before.entrySet()) {
                Path file = workTree.resolve(f.getKey());
                if (f.getValue() == null) {
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.write(file, f.getValue());
                }
            }
            DirCacheEditor indexEdit = index.editor();
            for (String path : before.keySet()) {
                try (org.eclipse.jgit.treewalk.TreeWalk tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(reader, path,
                        parent.getTree())) {
                    if (tw == null) {
                        indexEdit.add(new DirCacheEditor.DeletePath(path));
                    } else {
                        Path file = workTree.resolve(path);
                        ObjectId blob = tw.getObjectId(0);
                        boolean same = Files.isRegularFile(file) && blob.equals(new ObjectInserter.Formatter()
                                .idFor(Constants.OBJ_BLOB, Files.readAllBytes(file)));
                        indexEdit.add(entryEdit(path, blob, same ? file : null));
                    }
                }
            }
            RefUpdate ru = repo.updateRef(Constants.HEAD);
            ru.setNewObjectId(parent);
            ru.setExpectedOldObjectId(commit);
            ru.setRefLogMessage("ir: undo " + c.getShortMessage(), false);
            RefUpdate.Result result = ru.forceUpdate();
            if (result != RefUpdate.Result.FORCED) {
                return false;
            }
            indexEdit.finish();
            index.write();
            index.commit();
            return true;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot undo commit " + commit.name() + ": " + e.getMessage(), e);
        } finally {
            index.unlock();
        }
    }

    private static DirCacheEditor.PathEdit entryEdit(String path, ObjectId blob, Path file) {
        return new DirCacheEditor.PathEdit(path) {
            @Override
            public void apply(DirCacheEntry ent) {
                ent.setFileMode(FileMode.REGULAR_FILE);
                ent.setObjectId(blob);
                if (file != null) {
                    try {
                        ent.setLength(Files.size(file));
                        ent.setLastModified(Files.getLastModifiedTime(file).toInstant());
                    } catch (IOException e) {
                        // leave the stat data empty: git will re-hash the file, which is only slower
                    }
                }
            }
        };
    }

    /** An index.lock older than this is not a running git command's: say so at once instead of waiting. */
    static final Duration STALE_INDEX_LOCK = Duration.ofSeconds(30);

    /** Git's index locked for {@link RawIndex}, or null (nothing held) when JGit's DirCache must edit it. */
    private RawIndex lockRawIndex(Duration timeout, Iterable<String> paths) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path index = repo.getIndexFile().toPath();
        Path lockFile = index.resolveSibling(index.getFileName() + ".lock");
        while (true) {
            try {
                return RawIndex.lock(index, paths);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                waitForIndexLock(lockFile, deadline);
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot read git's index: " + e.getMessage(), e);
            }
        }
    }

    private static void waitForIndexLock(Path lockFile, long deadline) {
        Duration age = age(lockFile);
        if (age != null && age.compareTo(STALE_INDEX_LOCK) > 0 || System.nanoTime() > deadline) {
            throw new IrException(ExitCode.BUSY, "git's index is locked by " + lockFile
                    + (age == null ? "" : " (left " + age.toSeconds() + "s ago)") + " and no ir command "
                    + "holds it: if no git command is running, remove that file and run the command again");
        }
        try {
            Thread.sleep(20);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IrException(ExitCode.BUSY, "interrupted while waiting for git's index lock");
        }
    }

    DirCache lockIndex(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path lockFile = repo.getDirectory().toPath().resolve("index.lock");
        while (true) {
            try {
                return repo.lockDirCache();
            } catch (LockFailedException e) {
                waitForIndexLock(lockFile, deadline);
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot read git's index: " + e.getMessage(), e);
            }
        }
    }

    /** The commits reachable from HEAD that changed any of {@code paths}, oldest first. */
    java.util.List<RevCommit> log(java.util.List<String> paths) {
        try (RevWalk rw = new RevWalk(repo)) {
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                return java.util.List.of();
            }
            rw.markStart(rw.parseCommit(head));
            rw.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
                    org.eclipse.jgit.treewalk.filter.PathFilterGroup.createFromStrings(paths),
                    org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF));
            rw.sort(org.eclipse.jgit.revwalk.RevSort.TOPO);
            rw.sort(org.eclipse.jgit.revwalk.RevSort.REVERSE, true);
            java.util.List<RevCommit> out = new java.util.ArrayList<>();
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
        try (org.eclipse.jgit.treewalk.TreeWalk tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path,
                commit.getTree())) {
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
