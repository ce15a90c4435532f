package ir.store;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The last step of a commit (see {@link GitRepo}): the work tree and git's index brought in line with it. */
final class Checkout {
    private Checkout() {
    }

    /**
     * Brings the work tree and the locked index in line with a commit the branch now points at, for the changed
     * paths only: each index entry becomes the commit's, each file the commit's content (or {@code content}'s, when
     * given for its path). A work-tree file is replaced only while it still holds what it held before the command
     * (its {@code before} blob), so a change made meanwhile by another program is never overwritten (it is
     * reported). Index entries keep their other flags. Returns the paths left as they were.
     */
    static List<String> run(Repository repo, Path workTree, GitRepo.LockedIndex locked, List<Journal.Change> changes,
                            Map<String, byte[]> content, int umask) throws IOException {
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
                    // never through a linked directory: a link in the file's own place is replaced by the rename
                    WorkspaceFiles.checkDirectories(workTree, c.path());
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

}
