package ir.store;

import org.eclipse.jgit.lib.ObjectId;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Git's index (versions 2 and 3), locked and edited as bytes: the entries of the committed paths are set or removed
 * and every other entry is copied as it is. With 10,000 incidents the index is ~1 MB; JGit's {@code DirCache} parses
 * every entry into an object, checks every path on an edit and formats every entry again, several milliseconds of
 * each {@code ir log}. What JGit would do is kept: extensions are dropped (JGit drops all but the cache tree, which
 * an edit invalidates), and an entry that may be racily clean is smudged (size 0) so git re-checks its content.
 * <p>
 * {@link #lock} returns null, holding nothing, for anything else (index version 4, a required extension, a bad
 * checksum, an entry with extended flags or unmerged stages on a committed path, a file/directory clash): the caller
 * then uses JGit's {@code DirCache}.
 */
final class RawIndex {
    private static final int FIXED = 62;

    private final Path index;
    private final Path lock;
    private final byte[] bytes;
    /** Offsets of the entries, and of the end of the last one. */
    private final int[] offsets;
    private final long indexMtimeSeconds;
    private final int indexMtimeNanos;
    private boolean locked = true;
    /** What this process wrote when the index is still that file, else null. */
    private Written previous;

    private RawIndex(Path index, Path lock, byte[] bytes, int[] offsets, FileTime mtime) {
        this.index = index;
        this.lock = lock;
        this.bytes = bytes;
        this.offsets = offsets;
        this.indexMtimeSeconds = mtime == null ? Long.MAX_VALUE : mtime.to(java.util.concurrent.TimeUnit.SECONDS);
        this.indexMtimeNanos = mtime == null ? 0 : (int) (mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS)
                % 1_000_000_000L);
    }

    /**
     * Takes {@code index.lock} (false when another program holds it) and reads the index; null when the index needs
     * JGit's general way (the lock is then released).
     *
     * @throws FileAlreadyExistsException when the lock is held
     */
    static RawIndex lock(Path index, Iterable<String> paths) throws IOException {
        Path lock = index.resolveSibling(index.getFileName() + ".lock");
        Files.createFile(lock);
        try {
            RawIndex r = read(index, lock, paths);
            if (r == null) {
                Files.deleteIfExists(lock);
            }
            return r;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(lock);
            throw e;
        }
    }

    private static RawIndex read(Path index, Path lock, Iterable<String> paths) throws IOException {
        FileTime mtime;
        byte[] b;
        Object identity;
        try {
            identity = identity(index);
            mtime = Files.getLastModifiedTime(index);
            b = Files.readAllBytes(index);
        } catch (java.nio.file.NoSuchFileException e) {
            b = new byte[12 + 20];
            b[0] = 'D';
            b[1] = 'I';
            b[2] = 'R';
            b[3] = 'C';
            b[7] = 2;
            System.arraycopy(sha1(b, 0, 12), 0, b, 12, 20);
            mtime = null;
            identity = null;
        }
        if (b.length < 32 || b[0] != 'D' || b[1] != 'I' || b[2] != 'R' || b[3] != 'C') {
            return null;
        }
        int version = int32(b, 4);
        int count = int32(b, 8);
        if (version != 2 && version != 3 || count < 0) {
            return null;
        }
        int end = b.length - 20;
        Written previous = writtenHere(index, identity, b);
        if (previous == null && !Arrays.equals(sha1(b, 0, end), 0, 20, b, end, b.length)) {
            return null;
        }
        int[] offsets = new int[count + 1];
        int p = 12;
        for (int i = 0; i < count; i++) {
            offsets[i] = p;
            int flags = uint16(b, p + 60);
            int name = p + FIXED;
            if ((flags & 0x4000) != 0) {
                if (version < 3) {
                    return null;
                }
                name += 2;
            }
            int len = flags & 0xfff;
            if (len == 0xfff) {
                len = 0;
                while (name + len < end && b[name + len] != 0) {
                    len++;
                }
            }
            p += (name - p + len + 8) & ~7;
            if (p > end) {
                return null;
            }
        }
        offsets[count] = p;
        // extensions: JGit skips the optional ones (upper-case signature) and refuses the rest
        for (int x = p; x < end; ) {
            if (x + 8 > end || b[x] < 'A' || b[x] > 'Z') {
                return null;
            }
            x += 8 + int32(b, x + 4);
        }
        RawIndex r = new RawIndex(index, lock, b, offsets, mtime);
        r.previous = previous;
        for (String path : paths) {
            if (!r.editable(path.getBytes(StandardCharsets.UTF_8))) {
                return null;
            }
        }
        return r;
    }

    /** True when {@code path}'s entries are only a plain stage-0 one (or none) and no file/directory clash. */
    private boolean editable(byte[] path) {
        for (int i = 0; i < offsets.length - 1; i++) {
            int o = offsets[i];
            int flags = uint16(bytes, o + 60);
            int name = o + FIXED + ((flags & 0x4000) != 0 ? 2 : 0);
            int len = nameLength(o);
            if (len == path.length && Arrays.equals(bytes, name, name + len, path, 0, len)) {
                if ((flags & 0xf000) != 0) {
                    return false;
                }
            } else if (len < path.length && path[len] == '/' && Arrays.equals(bytes, name, name + len, path, 0, len)
                    || len > path.length && bytes[name + path.length] == '/'
                    && Arrays.equals(bytes, name, name + path.length, path, 0, path.length)) {
                return false;
            }
        }
        return true;
    }

    private int nameLength(int o) {
        int flags = uint16(bytes, o + 60);
        int len = flags & 0xfff;
        if (len < 0xfff) {
            return len;
        }
        int name = o + FIXED + ((flags & 0x4000) != 0 ? 2 : 0);
        len = 0;
        while (bytes[name + len] != 0) {
            len++;
        }
        return len;
    }

    /**
     * Writes the index with {@code entries} (path to blob id; null removes) set from the work tree's files, then
     * releases the lock.
     */
    void write(Map<String, ObjectId> entries, Path workTree) throws IOException {
        // in index order (bytes, unsigned), so that new entries go in in order
        // a null entry removes the path
        java.util.TreeMap<byte[], byte[]> sorted = new java.util.TreeMap<>(Arrays::compareUnsigned);
        for (Map.Entry<String, ObjectId> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            sorted.put(name, e.getValue() == null ? null : entry(name, e.getValue(), workTree.resolve(e.getKey())));
        }
        List<byte[]> names = new ArrayList<>(sorted.keySet());
        List<byte[]> set = new ArrayList<>(sorted.values());
        int count = offsets.length - 1;
        // the first byte that may differ from the index read: the first edited or smudged entry, or the count
        int firstChange = offsets[count];
        for (int i = 0; i < count; i++) {
            if (racilyClean(bytes, offsets[i]) && (bytes[offsets[i] + 36] | bytes[offsets[i] + 37]
                    | bytes[offsets[i] + 38] | bytes[offsets[i] + 39]) != 0) {
                Arrays.fill(bytes, offsets[i] + 36, offsets[i] + 40, (byte) 0);
                firstChange = Math.min(firstChange, offsets[i]);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(offsets[count] + 256);
        out.write(bytes, 0, 12);
        int written = 0;
        int from = 0;
        for (int k = 0; k < names.size(); k++) {
            byte[] n = names.get(k);
            int at = search(n, from, count);
            firstChange = Math.min(firstChange, offsets[at]);
            out.write(bytes, offsets[from], offsets[at] - offsets[from]);
            written += at - from;
            from = at < count && compareName(at, n) == 0 ? at + 1 : at;
            if (set.get(k) != null) {
                out.write(set.get(k));
                written++;
            }
        }
        out.write(bytes, offsets[from], offsets[count] - offsets[from]);
        written += count - from;
        byte[] b = out.toByteArray();
        putInt32(b, 8, written);
        if (written != count) {
            firstChange = 8;
        }
        MessageDigest[] states = new MessageDigest[b.length / CHECKPOINT + 1];
        byte[] sum = sha1(b, previous, firstChange, states);
        try (OutputStream f = Files.newOutputStream(lock, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            f.write(b);
            f.write(sum);
        }
        Files.move(lock, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        locked = false;
        Object identity = identity(index);
        synchronized (WRITTEN) {
            WRITTEN.put(index.toAbsolutePath().toString(), new Written(identity, sum, states));
        }
    }

    // ---- the index this process wrote last, per index file ---------------------------------------------------------
    //
    // Checking the index's checksum costs a SHA-1 over ~1 MB at 10,000 incidents (4 ms when only C1 compiles). An
    // index this process wrote itself, still the same file (inode, size, ctime, mtime) with the same checksum at its
    // end, was checked when it was written: anything else (git, JGit, an editor) writes a new file.

    private record Written(Object identity, byte[] sum, MessageDigest[] states) {
    }

    /** Every CHECKPOINT bytes, the SHA-1 state so far is kept: the next write hashes only from its first change. */
    private static final int CHECKPOINT = 64 * 1024;

    /**
     * The SHA-1 of {@code b}, resumed from {@code previous}'s state at the last checkpoint before {@code firstChange}
     * (b is the same as what previous hashed up to there); fills {@code states}.
     */
    private static byte[] sha1(byte[] b, Written previous, int firstChange, MessageDigest[] states) {
        try {
            int k = 0;
            MessageDigest md;
            if (previous != null) {
                k = Math.min(firstChange / CHECKPOINT, previous.states.length - 1);
                while (k > 0 && previous.states[k] == null) {
                    k--;
                }
                System.arraycopy(previous.states, 0, states, 0, k + 1);
            }
            if (states[k] == null) {
                k = 0;
                states[0] = MessageDigest.getInstance("SHA-1");
            }
            md = (MessageDigest) states[k].clone();
            for (int pos = k * CHECKPOINT; pos < b.length; ) {
                int next = Math.min(pos + CHECKPOINT, b.length);
                md.update(b, pos, next - pos);
                pos = next;
                if (pos % CHECKPOINT == 0) {
                    states[pos / CHECKPOINT] = (MessageDigest) md.clone();
                }
            }
            return md.digest();
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, Written> WRITTEN = new java.util.HashMap<>();

    private static Written writtenHere(Path index, Object identity, byte[] b) {
        Written w;
        synchronized (WRITTEN) {
            w = WRITTEN.get(index.toAbsolutePath().toString());
        }
        return w != null && identity != null && w.identity.equals(identity)
                && Arrays.equals(w.sum, 0, 20, b, b.length - 20, b.length) ? w : null;
    }

    /** What changes whenever a file is replaced or rewritten; null when it cannot be told. */
    private static Object identity(Path file) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:ino,dev,size,ctime,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            return List.of(a.get("ino"), a.get("dev"), a.get("size"), a.get("ctime"), a.get("lastModifiedTime"));
        } catch (UnsupportedOperationException | IllegalArgumentException noUnix) {
            return null;
        }
    }

    /** The first entry in [from, to) whose name is not before {@code name}, in index order. */
    private int search(byte[] name, int from, int to) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compareName(mid, name) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int compareName(int entry, byte[] name) {
        int o = offsets[entry];
        int start = o + FIXED + ((uint16(bytes, o + 60) & 0x4000) != 0 ? 2 : 0);
        return Arrays.compareUnsigned(bytes, start, start + nameLength(o), name, 0, name.length);
    }

    /** As JGit decides: modified no earlier than the index was, so the stat data cannot vouch for the content. */
    private boolean racilyClean(byte[] e, int o) {
        long s = int32(e, o + 8) & 0xffffffffL;
        int ns = int32(e, o + 12);
        return s > indexMtimeSeconds || s == indexMtimeSeconds && ns >= indexMtimeNanos;
    }

    /** A stage-0 entry with the file's stat data (none when it cannot be read: git then re-hashes the file). */
    private byte[] entry(byte[] name, ObjectId blob, Path file) {
        int len = (FIXED + name.length + 8) & ~7;
        byte[] e = new byte[len];
        try {
            Map<String, Object> a;
            try {
                a = Files.readAttributes(file, "unix:ctime,lastModifiedTime,dev,ino,uid,gid,size",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException noUnix) {
                a = Files.readAttributes(file, "lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
            }
            putTime(e, 0, (FileTime) a.get("ctime"));
            putTime(e, 8, (FileTime) a.get("lastModifiedTime"));
            putInt32(e, 16, number(a.get("dev")));
            putInt32(e, 20, number(a.get("ino")));
            putInt32(e, 28, number(a.get("uid")));
            putInt32(e, 32, number(a.get("gid")));
            putInt32(e, 36, number(a.get("size")));
        } catch (IOException ignored) {
            // no stat data: git re-hashes the file, which is only slower
        }
        putInt32(e, 24, 0100644);
        blob.copyRawTo(e, 40);
        e[60] = (byte) (Math.min(name.length, 0xfff) >>> 8);
        e[61] = (byte) Math.min(name.length, 0xfff);
        System.arraycopy(name, 0, e, FIXED, name.length);
        return e;
    }

    private static int number(Object o) {
        return o instanceof Number n ? (int) n.longValue() : 0;
    }

    private static void putTime(byte[] b, int at, FileTime t) {
        if (t == null) {
            return;
        }
        java.time.Instant i = t.toInstant();
        putInt32(b, at, (int) i.getEpochSecond());
        putInt32(b, at + 4, i.getNano());
    }

    /** Releases the lock if {@link #write} did not. */
    void unlock() {
        if (locked) {
            locked = false;
            try {
                Files.deleteIfExists(lock);
            } catch (IOException ignored) {
                // nothing more to do: a stale index.lock is reported by the next command
            }
        }
    }

    private static byte[] sha1(byte[] b, int off, int len) {
        try {
            // the index's checksum guards against a torn file, not an adversary: git and JGit use a plain SHA-1
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static int uint16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static void putInt32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
