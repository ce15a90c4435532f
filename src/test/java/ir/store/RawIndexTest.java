package ir.store;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RawIndexTest {
    @TempDir
    Path dir;
    private Git git;
    private Path index;

    @BeforeEach
    void setUp() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).call();
        for (String p : new String[] {"a.txt", "incidents/1.yaml", "incidents/3.yaml", "z.txt"}) {
            write(p, p);
            git.add().addFilepattern(p).call();
        }
        git.commit().setMessage("base").setAuthor("T", "t@example.com").setCommitter("T", "t@example.com").call();
        write("staged.txt", "staged");
        git.add().addFilepattern("staged.txt").call();
        index = git.getRepository().getIndexFile().toPath();
        // the index older than every file, so no entry is racily clean unless a test makes one
        Files.setLastModifiedTime(index, FileTime.from(Instant.now().plusSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        git.close();
    }

    @Test
    void setsChangedEntriesWithTheirStatDataAndKeepsTheRest() throws Exception {
        Map<String, ObjectId> edits = new LinkedHashMap<>();
        edits.put("incidents/1.yaml", writeBlob("incidents/1.yaml", "changed"));
        edits.put("incidents/2.yaml", writeBlob("incidents/2.yaml", "new"));
        edits.put("incidents/0.yaml", writeBlob("incidents/0.yaml", "new too"));
        edits.put("b/new.txt", writeBlob("b/new.txt", "new dir"));
        edits.put("zz.txt", writeBlob("zz.txt", "last"));
        edits.put("z.txt", null);
        Files.delete(dir.resolve("z.txt"));
        List<String> before = entries();
        RawIndex raw = RawIndex.lock(index, edits.keySet());
        assertThat(raw).isNotNull();
        assertThat(index.resolveSibling("index.lock")).exists();
        raw.write(edits, dir);
        assertThat(index.resolveSibling("index.lock")).doesNotExist();

        List<String> want = new ArrayList<>(before);
        want.removeIf(e -> e.startsWith("incidents/1.yaml ") || e.startsWith("z.txt "));
        edits.forEach((p, id) -> {
            if (id != null) {
                want.add(p + " 0 " + id.name());
            }
        });
        want.sort(null);
        assertThat(entries()).isEqualTo(want);
        DirCache dc = DirCache.read(index.toFile(), FS.DETECTED);
        DirCacheEntry e = dc.getEntry("incidents/1.yaml");
        Path file = dir.resolve("incidents/1.yaml");
        assertThat(e.getLength()).isEqualTo(Files.size(file));
        assertThat(e.getLastModifiedInstant()).isEqualTo(Files.getLastModifiedTime(file).toInstant());
        assertThat(e.getFileMode()).isEqualTo(FileMode.REGULAR_FILE);
        // what git status would say: the staged file still staged, the changed files match the index
        var status = git.status().call();
        assertThat(status.getAdded()).contains("staged.txt", "incidents/2.yaml");
        assertThat(status.getModified()).isEmpty();
        assertThat(status.getUntracked()).isEmpty();
    }

    @Test
    void anEntryThatMayBeRacilyCleanIsSmudged() throws Exception {
        Files.setLastModifiedTime(index, FileTime.from(Instant.now().minusSeconds(3600)));
        ObjectId blob = writeBlob("incidents/1.yaml", "changed");
        RawIndex raw = RawIndex.lock(index, Set.of("incidents/1.yaml"));
        raw.write(Map.of("incidents/1.yaml", blob), dir);
        DirCache dc = DirCache.read(index.toFile(), FS.DETECTED);
        assertThat(dc.getEntry("a.txt").getLength()).isZero();
        assertThat(dc.getEntry("incidents/1.yaml").getLength()).isEqualTo(7);
    }

    @Test
    void unmergedPathsAndFileDirectoryClashesAreLeftToJGit() throws Exception {
        DirCache dc = git.getRepository().lockDirCache();
        DirCacheBuilder b = dc.builder();
        for (int i = 0; i < dc.getEntryCount(); i++) {
            DirCacheEntry e = dc.getEntry(i);
            if (!e.getPathString().equals("incidents/3.yaml")) {
                b.add(e);
            }
        }
        for (int stage = 1; stage <= 3; stage++) {
            DirCacheEntry e = new DirCacheEntry("incidents/3.yaml", stage);
            e.setFileMode(FileMode.REGULAR_FILE);
            e.setObjectId(writeBlob("incidents/3.yaml", "stage " + stage));
            b.add(e);
        }
        b.commit();
        assertThat(RawIndex.lock(index, Set.of("incidents/3.yaml"))).isNull();
        assertThat(RawIndex.lock(index, Set.of("a.txt/x"))).isNull();
        assertThat(RawIndex.lock(index, Set.of("incidents"))).isNull();
        assertThat(index.resolveSibling("index.lock")).doesNotExist();
        RawIndex ok = RawIndex.lock(index, Set.of("incidents/1.yaml"));
        assertThat(ok).isNotNull();
        ok.unlock();
        assertThat(index.resolveSibling("index.lock")).doesNotExist();
    }

    @Test
    void anIndexChangedSinceThisProcessWroteItIsCheckedAgain() throws Exception {
        RawIndex raw = RawIndex.lock(index, Set.of("a.txt"));
        raw.write(Map.of("a.txt", writeBlob("a.txt", "changed")), dir);
        RawIndex again = RawIndex.lock(index, Set.of("a.txt"));
        assertThat(again).isNotNull();
        again.unlock();
        byte[] b = Files.readAllBytes(index);
        b[20] ^= 1;
        Files.write(index, b);
        assertThat(RawIndex.lock(index, Set.of("a.txt"))).isNull();
        assertThat(index.resolveSibling("index.lock")).doesNotExist();
    }

    /** Each write resumes the checksum from the last one's saved state: JGit must read every index back. */
    @Test
    void aChainOfWritesToALargeIndexKeepsItsChecksumRight() throws Exception {
        Map<String, ObjectId> many = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i += 2) {
            String p = String.format("incidents/many-%04d.yaml", i);
            many.put(p, writeBlob(p, "incident " + i));
        }
        RawIndex first = RawIndex.lock(index, many.keySet());
        first.write(many, dir);
        java.util.Random random = new java.util.Random(7);
        for (int step = 0; step < 12; step++) {
            int i = random.nextInt(2000);
            String p = String.format("incidents/many-%04d.yaml", i);
            // odd: a new entry; even: a changed one, or every fourth time a removed one
            ObjectId id = i % 2 == 0 && step % 4 == 0 ? null : writeBlob(p, "step " + step);
            if (id == null) {
                Files.deleteIfExists(dir.resolve(p));
            }
            Map<String, ObjectId> edit = new java.util.HashMap<>();
            edit.put(p, id);
            RawIndex raw = RawIndex.lock(index, edit.keySet());
            assertThat(raw).isNotNull();
            raw.write(edit, dir);
            DirCache dc = DirCache.read(index.toFile(), FS.DETECTED);
            DirCacheEntry e = dc.getEntry(p);
            if (id == null) {
                assertThat(e).isNull();
            } else {
                assertThat(e.getObjectId()).isEqualTo(id);
            }
        }
    }

    @Test
    void indexVersion4IsLeftToJGit() throws Exception {
        byte[] b = Files.readAllBytes(index);
        b[7] = 4;
        Files.write(index, b);
        assertThat(RawIndex.lock(index, Set.of("a.txt"))).isNull();
        assertThat(index.resolveSibling("index.lock")).doesNotExist();
    }

    private List<String> entries() throws Exception {
        DirCache dc = DirCache.read(index.toFile(), FS.DETECTED);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < dc.getEntryCount(); i++) {
            DirCacheEntry e = dc.getEntry(i);
            out.add(e.getPathString() + " " + e.getStage() + " " + e.getObjectId().name());
        }
        return out;
    }

    private ObjectId writeBlob(String path, String content) throws Exception {
        write(path, content);
        try (ObjectInserter ins = git.getRepository().newObjectInserter()) {
            return ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void write(String path, String content) throws Exception {
        Path f = dir.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }
}
