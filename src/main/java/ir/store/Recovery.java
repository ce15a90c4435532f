package ir.store;

import ir.model.ExitCode;
import ir.model.IncidentIds;
import ir.model.IrException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finishes what a killed {@code ir} left behind, before the next mutating command (run under the workspace lock, so
 * whatever is found belongs to a process that is gone): temporary files removed, git lock files it held removed,
 * files it wrote but did not commit committed as a recovery (or reported, when not valid YAML), a stale index entry
 * brought back in line with HEAD.
 */
final class Recovery {
    /** How to commit recovered files: git path to content, subject, incident ID or null. */
    interface Committer {
        void commit(Map<String, byte[]> files, String subject, String incidentId);
    }

    private final GitRepo git;
    private final Workspace ws;
    private final Journal journal;
    private final Consumer<String> warn;
    private final Duration lockTimeout;

    Recovery(GitRepo git, Workspace ws, Journal journal, Consumer<String> warn, Duration lockTimeout) {
        this.git = git;
        this.ws = ws;
        this.journal = journal;
        this.warn = warn;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Recovers the journal's paths; with {@code allIncidents} also every incident file that differs from HEAD (for
     * {@code ir sync}, which must start from a committed state).
     */
    void run(boolean allIncidents, Committer committer) {
        List<String> pending = journal.pending();
        if (pending.isEmpty() && !allIncidents) {
            return;
        }
        List<String> paths = new ArrayList<>(pending);
        if (!pending.isEmpty()) {
            removeStaleLocks(journal.written());
            removeTempFiles();
        }
        if (allIncidents) {
            for (String p : incidentFiles()) {
                if (!paths.contains(p)) {
                    paths.add(p);
                }
            }
        }
        Map<String, byte[]> commit = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        Map<String, ObjectId> staleIndex = new LinkedHashMap<>();
        try {
            Repository repo = git.repository();
            ObjectId head = repo.resolve(Constants.HEAD);
            for (String path : paths) {
                Path file = ws.workTree().resolve(path);
                ObjectId inHead = head == null ? null : blobAt(repo, head, path);
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                byte[] content = Files.readAllBytes(file);
                ObjectId onDisk = blobId(content);
                if (onDisk.equals(inHead)) {
                    staleIndex.put(path, inHead);
                    continue;
                }
                if (path.endsWith(".yaml") && isIncident(path)) {
                    try {
                        IncidentCodec.parse(content, path);
                    } catch (IrException e) {
                        invalid.add(path);
                        warn.accept(path + " was left uncommitted and is not a valid incident (" + e.getMessage()
                                + "): fix it, or restore it with 'git checkout -- " + path + "'");
                        continue;
                    }
                }
                commit.put(path, content);
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot check for changes left by an interrupted command: "
                    + e.getMessage(), e);
        }
        fixIndex(staleIndex);
        if (!commit.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (String p : commit.keySet()) {
                String id = incidentIdOf(p);
                if (id != null && !ids.contains(id)) {
                    ids.add(id);
                }
            }
            String id = ids.size() == 1 ? ids.get(0) : null;
            String subject = (id == null ? "ir" : id) + ": recover " + (commit.size() == 1 ? "a change" : "changes")
                    + " left uncommitted by an interrupted command";
            committer.commit(commit, subject, id);
            warn.accept("committed " + String.join(", ", commit.keySet()) + ", left uncommitted by an interrupted "
                    + "command");
        }
        if (invalid.isEmpty()) {
            journal.end();
        } else {
            journal.begin(invalid);
        }
    }

    /** Git's lock files created by the dead command (after it wrote the journal) are stale: remove them. */
    private void removeStaleLocks(Instant journalWritten) {
        if (journalWritten == null) {
            return;
        }
        Path gitDir = ws.gitDir();
        List<Path> locks = new ArrayList<>(List.of(gitDir.resolve("index.lock"), gitDir.resolve("HEAD.lock"),
                gitDir.resolve("packed-refs.lock")));
        try {
            Ref head = git.repository().exactRef(Constants.HEAD);
            if (head != null && head.isSymbolic()) {
                locks.add(gitDir.resolve(head.getTarget().getName() + ".lock"));
            }
        } catch (IOException ignored) {
            // only HEAD's own lock files are checked then
        }
        Instant since = journalWritten.minusSeconds(2);
        for (Path lock : locks) {
            try {
                if (Files.exists(lock) && !Files.getLastModifiedTime(lock).toInstant().isBefore(since)) {
                    Files.deleteIfExists(lock);
                    warn.accept("removed " + ws.gitDir().getParent().relativize(lock) + ", left by an interrupted ir "
                            + "command");
                }
            } catch (IOException e) {
                warn.accept("cannot remove " + lock + " left by an interrupted ir command: " + e.getMessage());
            }
        }
    }

    private void removeTempFiles() {
        for (Path dir : List.of(ws.incidentsDir(), ws.root())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, AtomicFiles.TMP_PREFIX + "*")) {
                for (Path p : ds) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                warn.accept("cannot remove temporary files in " + dir + ": " + e.getMessage());
            }
        }
    }

    private List<String> incidentFiles() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(ws.incidentsDir())) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ws.incidentsDir(), "*.yaml")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (IncidentIds.isValid(name.substring(0, name.length() - 5))) {
                    out.add(ws.gitPath(p));
                }
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot list " + ws.incidentsDir() + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** Index entries that still name the old blob although HEAD and the file agree (killed before the index). */
    private void fixIndex(Map<String, ObjectId> paths) {
        if (paths.isEmpty()) {
            return;
        }
        DirCache index = git.lockIndex(lockTimeout);
        try {
            DirCacheEditor edit = index.editor();
            boolean changed = false;
            for (Map.Entry<String, ObjectId> p : paths.entrySet()) {
                DirCacheEntry e = index.getEntry(p.getKey());
                if (e != null && Objects.equals(e.getObjectId(), p.getValue())) {
                    continue;
                }
                Path file = ws.workTree().resolve(p.getKey());
                ObjectId id = p.getValue();
                changed = true;
                edit.add(new DirCacheEditor.PathEdit(p.getKey()) {
                    @Override
                    public void apply(DirCacheEntry ent) {
                        ent.setFileMode(FileMode.REGULAR_FILE);
                        ent.setObjectId(id);
                        try {
                            ent.setLength(Files.size(file));
                            ent.setLastModified(Files.getLastModifiedTime(file).toInstant());
                        } catch (IOException ignored) {
                            // git re-hashes the file: only slower
                        }
                    }
                });
            }
            if (changed) {
                edit.finish();
                index.write();
                index.commit();
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot update git's index: " + e.getMessage(), e);
        } finally {
            index.unlock();
        }
    }

    private boolean isIncident(String gitPath) {
        return incidentIdOf(gitPath) != null;
    }

    private String incidentIdOf(String gitPath) {
        String prefix = ws.gitPath(ws.incidentsDir()) + "/";
        if (!gitPath.startsWith(prefix)) {
            return null;
        }
        String name = gitPath.substring(prefix.length());
        int dot = name.lastIndexOf('.');
        String id = dot < 0 ? name : name.substring(0, dot);
        return IncidentIds.isValid(id) && !name.contains("/") ? id : null;
    }

    private static ObjectId blobAt(Repository repo, ObjectId commit, String path) throws IOException {
        try (RevWalk rw = new RevWalk(repo);
             TreeWalk tw = TreeWalk.forPath(repo, path, rw.parseCommit(commit).getTree())) {
            return tw == null ? null : tw.getObjectId(0);
        }
    }

    static ObjectId blobId(byte[] content) {
        try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
            return f.idFor(Constants.OBJ_BLOB, content);
        }
    }
}
