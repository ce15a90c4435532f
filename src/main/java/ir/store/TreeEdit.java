package ir.store;

import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.SystemReader;
import org.eclipse.jgit.util.sha1.SHA1;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Builds a commit's tree by editing only the trees on the changed paths, as raw tree bytes: with 10,000 incidents the
 * {@code incidents/} tree is about 640 KB, and building an in-core index of the whole tree, checking every path and
 * formatting the tree again cost most of an {@code ir log}. The new trees are written as loose objects compressed at
 * git's loose-object level ({@code core.looseCompression}, else {@code core.compression}, else 1, git's own default),
 * where JGit's inserter would use the pack level (6 by default), several times slower for a tree that size.
 * <p>
 * Anything unusual (a file where a directory is needed or the reverse, a malformed tree, a path git would refuse, a
 * repository that is not on disk) throws {@link Unsupported}, and the caller builds the tree the general way.
 */
final class TreeEdit {
    /** The edit needs the general path. */
    static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    /** A path to delete. */
    private static final Object DELETE = new Object();
    private static final int TREE_MODE = 0040000;
    private static final byte[] FILE_MODE = "100644".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIR_MODE = "40000".getBytes(StandardCharsets.US_ASCII);
    /** Trees larger than this are not read into memory here (the general path streams them). */
    private static final int MAX_TREE = 64 * 1024 * 1024;

    private final Repository repo;
    private final ObjectReader reader;
    private final Path objectsDir;
    private final int level;
    private final boolean fsync;
    private final String cacheKey;

    TreeEdit(Repository repo, ObjectReader reader) throws Unsupported {
        if (!(repo instanceof FileRepository fr)) {
            throw new Unsupported("not a repository on disk");
        }
        this.repo = repo;
        this.reader = reader;
        this.objectsDir = fr.getObjectsDirectory().toPath();
        Config c = repo.getConfig();
        int core = c.getInt("core", null, "compression", 1);
        int loose = c.getInt("core", null, "loosecompression", c.getString("core", null, "compression") == null ? 1
                : core);
        this.level = loose < -1 || loose > 9 ? 1 : loose;
        this.fsync = c.getBoolean("core", null, "fsyncobjectfiles", false);
        this.cacheKey = repo.getDirectory().getAbsolutePath();
    }

    /**
     * Writes the tree of {@code root} (null: none) with {@code files} (path to blob id; null deletes) applied, and
     * returns its id.
     */
    ObjectId apply(ObjectId root, Map<String, ObjectId> files) throws IOException, Unsupported {
        Map<String, Object> edits = new TreeMap<>();
        for (Map.Entry<String, ObjectId> f : files.entrySet()) {
            try {
                SystemReader.getInstance().checkPath(f.getKey());
            } catch (CorruptObjectException e) {
                throw new Unsupported(e.getMessage());
            }
            add(edits, f.getKey(), f.getValue() == null ? DELETE : f.getValue());
        }
        ObjectId id = edit(root, edits);
        return id != null ? id : insertTree(new byte[0], null);
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> node, String path, Object value) throws Unsupported {
        int slash = path.indexOf('/');
        if (slash < 0) {
            if (node.containsKey(path)) {
                throw new Unsupported("a path both a file and a directory: " + path);
            }
            node.put(path, value);
            return;
        }
        Object sub = node.computeIfAbsent(path.substring(0, slash), k -> new TreeMap<String, Object>());
        if (!(sub instanceof Map)) {
            throw new Unsupported("a path both a file and a directory: " + path);
        }
        add((Map<String, Object>) sub, path.substring(slash + 1), value);
    }

    /** The id of {@code tree} with {@code edits} applied; null when it is left empty (git stores no empty tree). */
    @SuppressWarnings("unchecked")
    private ObjectId edit(ObjectId tree, Map<String, Object> edits) throws IOException, Unsupported {
        byte[] original = tree == null ? new byte[0] : readTree(tree);
        byte[] raw = original;
        for (Map.Entry<String, Object> e : edits.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            boolean dir = e.getValue() instanceof Map;
            int[] found = find(raw, name, dir);
            int start = found[0];
            int end = found[1];
            boolean exists = found[2] != 0;
            boolean existsAsTree = found[3] != 0;
            if (dir) {
                if (exists && !existsAsTree) {
                    throw new Unsupported("a file where a directory is needed: " + e.getKey());
                }
                ObjectId sub = edit(exists ? ObjectId.fromRaw(raw, end - Constants.OBJECT_ID_LENGTH) : null,
                        (Map<String, Object>) e.getValue());
                raw = splice(raw, start, exists ? end : start, sub == null ? null : entry(DIR_MODE, name, sub));
            } else {
                if (existsAsTree) {
                    throw new Unsupported("a directory where a file is needed: " + e.getKey());
                }
                raw = splice(raw, start, exists ? end : start,
                        e.getValue() == DELETE ? null : entry(FILE_MODE, name, (ObjectId) e.getValue()));
            }
        }
        if (raw.length == 0) {
            return null;
        }
        return tree != null && raw == original ? tree : insertTree(raw, tree);
    }

    /**
     * Where {@code name} is in the tree: {start, end, exists, existsAsTree}; when it does not exist, start == end is
     * where an entry of that name (a tree when {@code dir}) goes in git's order.
     */
    private static int[] find(byte[] raw, byte[] name, boolean dir) throws Unsupported {
        int insert = -1;
        int p = 0;
        while (p < raw.length) {
            int start = p;
            int mode = 0;
            while (p < raw.length && raw[p] != ' ') {
                int d = raw[p++] - '0';
                if (d < 0 || d > 7) {
                    throw new Unsupported("malformed tree");
                }
                mode = mode * 8 + d;
            }
            int nameStart = ++p;
            while (p < raw.length && raw[p] != 0) {
                p++;
            }
            int nameEnd = p;
            p += 1 + Constants.OBJECT_ID_LENGTH;
            if (p > raw.length || nameEnd == nameStart) {
                throw new Unsupported("malformed tree");
            }
            boolean isTree = (mode & 0170000) == TREE_MODE;
            if (Arrays.equals(raw, nameStart, nameEnd, name, 0, name.length)) {
                return new int[] {start, p, 1, isTree ? 1 : 0};
            }
            if (insert < 0 && compare(raw, nameStart, nameEnd, isTree, name, dir) > 0) {
                insert = start;
            }
        }
        int at = insert < 0 ? raw.length : insert;
        return new int[] {at, at, 0, 0};
    }

    /** Git's tree order: names compare as bytes, a tree's as if it ended in '/'. */
    private static int compare(byte[] a, int from, int to, boolean aTree, byte[] b, boolean bTree) {
        int n = Math.min(to - from, b.length);
        for (int i = 0; i < n; i++) {
            int c = (a[from + i] & 0xff) - (b[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        int ca = to - from > n ? a[from + n] & 0xff : aTree ? '/' : 0;
        int cb = b.length > n ? b[n] & 0xff : bTree ? '/' : 0;
        return ca - cb;
    }

    private static byte[] entry(byte[] mode, byte[] name, ObjectId id) {
        byte[] e = new byte[mode.length + 1 + name.length + 1 + Constants.OBJECT_ID_LENGTH];
        System.arraycopy(mode, 0, e, 0, mode.length);
        e[mode.length] = ' ';
        System.arraycopy(name, 0, e, mode.length + 1, name.length);
        id.copyRawTo(e, mode.length + 1 + name.length + 1);
        return e;
    }

    /** {@code raw} with bytes [start, end) replaced by {@code with} (null: nothing); {@code raw} itself if unchanged. */
    private static byte[] splice(byte[] raw, int start, int end, byte[] with) {
        int w = with == null ? 0 : with.length;
        if (w == end - start && (w == 0 || Arrays.equals(raw, start, end, with, 0, w))) {
            return raw;
        }
        byte[] out = new byte[raw.length - (end - start) + w];
        System.arraycopy(raw, 0, out, 0, start);
        if (w > 0) {
            System.arraycopy(with, 0, out, start, w);
        }
        System.arraycopy(raw, end, out, start + w, raw.length - end);
        return out;
    }

    private byte[] readTree(ObjectId id) throws IOException, Unsupported {
        Cached cached = cached(id);
        if (cached != null) {
            return cached.raw;
        }
        byte[] raw = reader.open(id, Constants.OBJ_TREE).getCachedBytes(MAX_TREE);
        remember(id, new Cached(raw, null, null));
        return raw;
    }

    /**
     * Writes a tree as a loose object (unless the repository has it) and returns its id; {@code base} is the tree it
     * was edited from, whose compressed pieces are reused where the bytes are the same.
     */
    private ObjectId insertTree(byte[] raw, ObjectId base) throws IOException {
        byte[] header = (Constants.TYPE_TREE + " " + raw.length + "\0").getBytes(StandardCharsets.US_ASCII);
        SHA1 md = SHA1.newInstance();
        md.update(header);
        md.update(raw);
        ObjectId id = md.toObjectId();
        if (!reader.has(id)) {
            Cached c = compress(raw, base == null ? null : cached(base));
            writeLoose(id, header, c);
            remember(id, c);
        }
        return id;
    }

    // ---- loose objects, compressed in independent pieces ----------------------------------------------------------
    //
    // Deflating a 640 KB tree takes 5-10 ms, and each commit writes a new one that differs from its parent's in a few
    // bytes. So a tree is compressed as independent pieces of about PIECE bytes (each from a fresh compressor, ended
    // with a full flush: byte-aligned, no back-references across pieces), which concatenate into one valid zlib
    // stream; the next tree recompresses only the pieces its bytes differ in. Pieces cost a little compression (each
    // starts with an empty window), about 1 % at 16 KB.

    private static final int PIECE = 16 * 1024;
    /** A final, empty deflate block: ends the stream of pieces. */
    private static final byte[] FINAL_BLOCK = {0x03, 0x00};

    /** A tree's bytes and, when written here, its pieces: start offsets into raw and their deflated bytes. */
    private record Cached(byte[] raw, int[] starts, byte[][] chunks) {
        int size() {
            int n = raw.length;
            if (chunks != null) {
                for (byte[] c : chunks) {
                    n += c.length;
                }
            }
            return n;
        }
    }

    private Cached compress(byte[] raw, Cached base) {
        java.util.List<Integer> starts = new java.util.ArrayList<>();
        java.util.List<byte[]> chunks = new java.util.ArrayList<>();
        int prefix = 0;
        int suffix = 0;
        if (base != null && base.chunks != null) {
            byte[] old = base.raw;
            int max = Math.min(old.length, raw.length);
            int m = Arrays.mismatch(old, 0, max, raw, 0, max);
            prefix = m < 0 ? max : m;
            int s = 0;
            for (int b = 4096; s + b <= max - prefix && Arrays.equals(old, old.length - s - b, old.length - s, raw,
                    raw.length - s - b, raw.length - s); ) {
                s += b;
            }
            while (s < max - prefix && old[old.length - 1 - s] == raw[raw.length - 1 - s]) {
                s++;
            }
            suffix = s;
        }
        Deflater d = new Deflater(level, true);
        try {
            int pos = 0;
            int i = 0;
            if (prefix > 0) {
                // the base's pieces that end before the first changed byte
                while (i < base.starts.length && end(base, i) <= prefix) {
                    starts.add(base.starts[i]);
                    chunks.add(base.chunks[i]);
                    pos = end(base, i);
                    i++;
                }
            }
            int tailFrom = raw.length;
            int j = base == null || base.chunks == null ? 0 : base.starts.length;
            if (suffix > 0) {
                // the base's pieces that start after the last changed byte, shifted by the change in length
                int oldTail = base.raw.length - suffix;
                j = base.starts.length;
                while (j > i && base.starts[j - 1] >= oldTail) {
                    j--;
                }
                if (j < base.starts.length) {
                    tailFrom = base.starts[j] + raw.length - base.raw.length;
                }
            }
            while (pos < tailFrom) {
                int len = Math.min(PIECE, tailFrom - pos);
                if (tailFrom - pos - len < PIECE / 4) {
                    len = tailFrom - pos;
                }
                starts.add(pos);
                chunks.add(piece(d, raw, pos, len));
                pos += len;
            }
            if (base != null && base.chunks != null) {
                int shift = raw.length - base.raw.length;
                for (int k = j; k < base.starts.length; k++) {
                    starts.add(base.starts[k] + shift);
                    chunks.add(base.chunks[k]);
                }
            }
        } finally {
            d.end();
        }
        return new Cached(raw, starts.stream().mapToInt(Integer::intValue).toArray(), chunks.toArray(new byte[0][]));
    }

    private static int end(Cached c, int i) {
        return i + 1 < c.starts.length ? c.starts[i + 1] : c.raw.length;
    }

    /** {@code len} bytes deflated on their own, ending byte-aligned with no final block. */
    private static byte[] piece(Deflater d, byte[] raw, int off, int len) {
        d.reset();
        d.setInput(raw, off, len);
        byte[] out = new byte[len + len / 8 + 64];
        int n = 0;
        while (true) {
            n += d.deflate(out, n, out.length - n, Deflater.FULL_FLUSH);
            if (n < out.length) {
                return Arrays.copyOf(out, n);
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
    }

    private void writeLoose(ObjectId id, byte[] header, Cached c) throws IOException {
        String name = id.name();
        Path dst = objectsDir.resolve(name.substring(0, 2)).resolve(name.substring(2));
        // File.createTempFile: the mode git gives objects (0666 less the umask; read-only below), not 0600
        Path tmp = java.io.File.createTempFile("tmp_obj_", null, objectsDir.toFile()).toPath();
        try {
            java.util.zip.Adler32 adler = new java.util.zip.Adler32();
            adler.update(header);
            adler.update(c.raw);
            int sum = (int) adler.getValue();
            Deflater d = new Deflater(level, true);
            byte[] head;
            try {
                head = piece(d, header, 0, header.length);
            } finally {
                d.end();
            }
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.WRITE), 64 * 1024)) {
                out.write(0x78);
                out.write(0x01);
                out.write(head);
                for (byte[] chunk : c.chunks) {
                    out.write(chunk);
                }
                out.write(FINAL_BLOCK);
                out.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
            }
            if (fsync) {
                try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            tmp.toFile().setReadOnly();
            try {
                move(tmp, dst);
            } catch (NoSuchFileException e) {
                Files.createDirectories(dst.getParent());
                move(tmp, dst);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path tmp, Path dst) throws IOException {
        try {
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            if (!Files.exists(dst)) {
                throw e;
            }
        }
    }

    // ---- a small cache of trees by id: the incidents/ tree a command writes is the one the next command edits ------

    private static final int CACHE_BYTES = 16 * 1024 * 1024;
    private static final Map<String, Cached> CACHE = new LinkedHashMap<>(16, 0.75f, true);
    private static int cachedBytes;

    private Cached cached(ObjectId id) {
        synchronized (CACHE) {
            return CACHE.get(cacheKey + ' ' + id.name());
        }
    }

    /** Trees are content-addressed, so an entry never goes stale; it is keyed by repository all the same. */
    private void remember(ObjectId id, Cached c) {
        int size = c.size();
        if (size > CACHE_BYTES / 4) {
            return;
        }
        synchronized (CACHE) {
            Cached old = CACHE.put(cacheKey + ' ' + id.name(), c);
            cachedBytes += size - (old == null ? 0 : old.size());
            var it = CACHE.values().iterator();
            while (cachedBytes > CACHE_BYTES && it.hasNext()) {
                Cached drop = it.next();
                if (drop != c) {
                    cachedBytes -= drop.size();
                    it.remove();
                }
            }
        }
    }
}
