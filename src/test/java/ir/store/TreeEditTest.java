package ir.store;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeEditTest {
    @TempDir
    Path dir;
    private Repository repo;
    private ObjectInserter ins;
    private ObjectReader reader;
    private ObjectId base;

    @BeforeEach
    void setUp() throws Exception {
        repo = FileRepositoryBuilder.create(dir.resolve(".git").toFile());
        repo.create();
        ins = repo.newObjectInserter();
        reader = repo.newObjectReader();
        Map<String, ObjectId> files = new LinkedHashMap<>();
        for (String p : new String[] {"a-x", "a.txt", "a/b.txt", "b/c/d.yaml", "incidents/1.yaml",
                "incidents/2.yaml", "incidents/.gitkeep", "z"}) {
            files.put(p, blob(p));
        }
        base = expected(null, files);
        ins.flush();
    }

    @AfterEach
    void tearDown() {
        reader.close();
        ins.close();
        repo.close();
    }

    @Test
    void editsGiveTheTreeAWholeIndexWouldWrite() throws Exception {
        String[][] cases = {
            {"incidents/1.yaml"},
            {"incidents/15.yaml"},
            {"incidents/0.yaml", "incidents/3.yaml", "z"},
            {"new/dir/f.yaml"},
            {"a/b.txt", "a-y", "a0"},
            {"-b", "b/c/e", "b/c0"},
        };
        for (String[] paths : cases) {
            Map<String, ObjectId> edits = new LinkedHashMap<>();
            for (String p : paths) {
                edits.put(p, blob(p + " changed"));
            }
            assertWritten(base, edits);
        }
    }

    @Test
    void deletingTheLastFileOfADirectoryDropsTheDirectory() throws Exception {
        Map<String, ObjectId> edits = new LinkedHashMap<>();
        edits.put("b/c/d.yaml", null);
        edits.put("not/there", null);
        ObjectId tree = assertWritten(base, edits);
        assertThat(new String(reader.open(tree).getBytes(), StandardCharsets.ISO_8859_1)).doesNotContain(" b\0");
    }

    @Test
    void aFileWhereADirectoryIsOrTheReverseIsLeftToTheGeneralPath() throws Exception {
        TreeEdit edit = new TreeEdit(repo, reader);
        assertThatThrownBy(() -> edit.apply(base, Map.of("a", blob("x")))).isInstanceOf(TreeEdit.Unsupported.class);
        assertThatThrownBy(() -> edit.apply(base, Map.of("z/y", blob("x")))).isInstanceOf(TreeEdit.Unsupported.class);
        assertThatThrownBy(() -> edit.apply(base, Map.of(".git/config", blob("x"))))
                .isInstanceOf(TreeEdit.Unsupported.class);
    }

    /** Many edits in a row of a tree over many compressed pieces, each new tree read back through JGit. */
    @Test
    void aChainOfEditsToALargeTreeReadsBackExactly() throws Exception {
        Map<String, ObjectId> many = new LinkedHashMap<>();
        for (int i = 0; i < 3000; i += 2) {
            many.put(String.format("incidents/%05d.yaml", i), blob("incident " + i));
        }
        ObjectId tree = assertWritten(base, many);
        java.util.Random random = new java.util.Random(42);
        for (int step = 0; step < 40; step++) {
            Map<String, ObjectId> edits = new LinkedHashMap<>();
            int i = random.nextInt(3000);
            // odd: a new file; even: a change, or every fifth time a deletion
            edits.put(String.format("incidents/%05d.yaml", i), i % 2 == 0 && step % 5 == 0 ? null
                    : blob("step " + step));
            tree = assertWritten(tree, edits);
        }
    }

    private ObjectId assertWritten(ObjectId from, Map<String, ObjectId> edits) throws Exception {
        ObjectId want = expected(from, edits);
        ObjectId got = new TreeEdit(repo, reader).apply(from, edits);
        assertThat(got).isEqualTo(want);
        // read back from the loose object just written (inflating its pieces), not from any cache
        try (ObjectReader fresh = repo.newObjectReader()) {
            byte[] raw = fresh.open(got, Constants.OBJ_TREE).getBytes();
            assertThat(new ObjectInserter.Formatter().idFor(Constants.OBJ_TREE, raw)).isEqualTo(want);
        }
        // the mode JGit gives the objects it writes (read-only)
        assertThat(Files.getPosixFilePermissions(loose(got))).isEqualTo(Files.getPosixFilePermissions(loose(
                blob("mode"))));
        return got;
    }

    private Path loose(ObjectId id) {
        return repo.getDirectory().toPath().resolve("objects").resolve(id.name().substring(0, 2))
                .resolve(id.name().substring(2));
    }

    /** What JGit's in-core index writes for the same edit (ids only; nothing is stored). */
    private ObjectId expected(ObjectId from, Map<String, ObjectId> edits) throws Exception {
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder b = dc.builder();
        if (from != null) {
            b.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, from);
        }
        b.finish();
        DirCacheEditor e = dc.editor();
        for (Map.Entry<String, ObjectId> f : edits.entrySet()) {
            if (f.getValue() == null) {
                e.add(new DirCacheEditor.DeletePath(f.getKey()));
            } else {
                ObjectId id = f.getValue();
                e.add(new DirCacheEditor.PathEdit(f.getKey()) {
                    @Override
                    public void apply(DirCacheEntry ent) {
                        ent.setFileMode(FileMode.REGULAR_FILE);
                        ent.setObjectId(id);
                    }
                });
            }
        }
        e.finish();
        return from == null ? dc.writeTree(ins) : dc.writeTree(new ObjectInserter.Formatter() {
            @Override
            public ObjectId insert(int type, byte[] data, int off, int len) {
                return idFor(type, data, off, len);
            }
        });
    }

    private ObjectId blob(String content) throws Exception {
        return ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
    }
}
