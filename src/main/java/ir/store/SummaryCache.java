package ir.store;

import ir.model.Incident;
import ir.model.IncidentSummary;
import ir.model.IrException;
import ir.model.Milestone;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-clone cache behind {@code ir list}: one {@link IncidentSummary} per incident file, valid while the file's
 * size and modification time (to the nanosecond, as git's index does) are unchanged. With 10,000 incidents, parsing
 * every file costs seconds; with the cache, a listing reads one file and stats the others, and parses only what
 * changed. It lives in {@code .git/ir/}, is never committed, and anything wrong with it (missing, torn, from another
 * version or workspace) only means it is rebuilt: it is never trusted for more than a listing.
 *
 * <p>A file changed within the same clock tick as the cache was written could keep its size and time, so files
 * modified in the last {@link #RACY_NANOS} before the cache is written are left out of it and parsed next time.
 */
final class SummaryCache {
    static final String FILE = "list-cache";
    private static final String MAGIC = "ir list cache 1";
    private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Far more than any workspace; bounds what a damaged cache can make us allocate. */
    private static final int MAX_ENTRIES = 1_000_000;
    private static final int MAX_STRING = 1 << 20;

    /**
     * A summary that stays valid while its file has this size and modification time, with its record in the cache
     * file ({@code len} bytes of {@code bytes} from {@code off}), so a rewrite copies unchanged records as they are.
     */
    private record Entry(long size, long mtime, IncidentSummary summary, byte[] bytes, int off, int len) {
    }

    /**
     * What one listing of an incidents directory found, kept in this process for the next listing of it: a
     * long-lived process (the background one) then neither reads nor parses the cache file, lists the directory only
     * when its own times say it changed, and sorts nothing again. Immutable once made.
     */
    private static final class Snapshot {
        /** The directory's stamp, taken before it was listed; null when a change could hide behind it (racy). */
        final Stamp dir;
        final String[] ids;
        final Path[] paths;
        /** Per file, what may be reused while its size and time are unchanged; null when nothing may be. */
        final Entry[] entries;
        final int trusted;
        /** The summaries listed, the very same list while nothing changes (so a caller may keep what it made of it). */
        final List<IncidentSummary> list;
        /** The cache file as this process last read or wrote it; null when unknown. */
        final Stamp file;
        /** The directory's names in the order it listed them (null when not known), to tell that they did not change. */
        final String[] raw;

        Snapshot with(Stamp newFile) {
            return new Snapshot(dir, ids, paths, entries, trusted, list, newFile, raw);
        }

        Snapshot(Stamp dir, String[] ids, Path[] paths, Entry[] entries, int trusted, List<IncidentSummary> list,
                 Stamp file, String[] raw) {
            this.dir = dir;
            this.ids = ids;
            this.paths = paths;
            this.entries = entries;
            this.trusted = trusted;
            this.list = list;
            this.file = file;
            this.raw = raw;
        }
    }

    /** A file's identity and times: equal stamps mean no change, unless the change fell within the racy window. */
    private record Stamp(Object key, long size, long mtime, long ctime) {
    }

    /** Few: one per workspace a long-lived process lists, softly held (a memory shortage only costs a file read). */
    private static final int MEMO_SIZE = 4;
    private static final Map<Path, SoftReference<Snapshot>> MEMO = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, SoftReference<Snapshot>> eldest) {
            return size() > MEMO_SIZE;
        }
    };

    private final Path file;
    private final Path incidentsDir;
    private final long racyNanos;

    SummaryCache(Path stateDir, Path incidentsDir) {
        this(stateDir, incidentsDir, RACY_NANOS);
    }

    /** With another racy window: tests, which cannot age a directory's change time. */
    SummaryCache(Path stateDir, Path incidentsDir, long racyNanos) {
        this.file = stateDir.resolve(FILE);
        this.incidentsDir = incidentsDir.toAbsolutePath().normalize();
        this.racyNanos = racyNanos;
    }

    /**
     * The summaries of the incidents {@code idSource} lists (sorted), from this process's last listing or the cache
     * file where they are still valid, else parsed with {@code load}; failures are reported to {@code warn} (and not
     * cached). Rewrites the cache file when anything changed. While nothing changes, returns the very same list.
     */
    List<IncidentSummary> summaries(Supplier<List<String>> idSource, Function<String, Incident> load,
                                    Consumer<String> warn) {
        Snapshot prev = recall();
        // Without one: read the cache on a second thread while this one lists the directory and stats every file.
        FutureTask<List<Entry>> reading = null;
        Stamp[] read = new Stamp[1];
        if (prev == null) {
            reading = new FutureTask<>(() -> read(read));
            Thread reader = new Thread(reading, "ir-list-cache");
            reader.setDaemon(true);
            reader.start();
        }
        // Adding, removing or renaming a file changes the directory's times (the change time cannot be set back):
        // while they are those of the last listing, its names are still the directory's.
        Stamp dir = prev == null ? null : dirStamp();
        String[] raw = null; // the directory's names as it lists them, when listed here
        String[] ids;
        Path[] paths;
        if (prev != null && dir != null && dir.equals(prev.dir)) {
            ids = prev.ids;
            paths = prev.paths;
            raw = prev.raw;
        } else if (prev != null && prev.raw != null && java.util.Arrays.equals(raw = listRaw(), prev.raw)) {
            // The usual change in a long-lived process, a file renamed over another: the directory lists the very
            // same names in the same order, so the IDs are the last ones without checking or sorting them again.
            ids = prev.ids;
            paths = prev.paths;
            raw = prev.raw;
        } else {
            if (prev != null && raw == null) {
                raw = listRaw();
            }
            ids = idSource.get().toArray(new String[0]);
            java.util.Arrays.sort(ids);
            paths = new Path[ids.length];
            for (int k = 0; k < ids.length; k++) {
                paths[k] = incidentsDir.resolve(ids[k] + ".yaml");
            }
        }
        long[] sizes = new long[ids.length];
        long[] mtimes = new long[ids.length];
        // Many files: stat the second half on another thread (the machine has at least two cores to matter).
        int half = ids.length >= 2000 ? ids.length / 2 : ids.length;
        Thread second = null;
        if (half < ids.length) {
            second = new Thread(() -> stat(paths, half, paths.length, sizes, mtimes), "ir-list-stat");
            second.setDaemon(true);
            second.start();
        }
        stat(paths, 0, half, sizes, mtimes);
        if (second != null) {
            try {
                second.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                java.util.Arrays.fill(sizes, half, sizes.length, -1);
            }
        }
        // What the last listing found, else the cache file: entries by ID, sorted.
        String[] oldIds;
        Entry[] old;
        int oldTrusted;
        Stamp fileNow;
        if (prev != null) {
            oldIds = prev.ids;
            old = prev.entries;
            oldTrusted = prev.trusted;
            fileNow = fileStamp(file);
        } else {
            List<Entry> cached;
            try {
                cached = reading.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cached = List.of();
            } catch (ExecutionException e) {
                cached = List.of();
            }
            old = cached.toArray(new Entry[0]);
            oldIds = new String[old.length];
            for (int k = 0; k < old.length; k++) {
                oldIds[k] = old[k].summary.id();
            }
            oldTrusted = old.length;
            fileNow = read[0];
        }
        // Both in ID order: a merge of two sorted lists, no hashing.
        Entry[] entries = new Entry[ids.length];
        IncidentSummary[] shown = new IncidentSummary[ids.length];
        int nShown = 0;
        int trusted = 0;
        int reused = 0;
        boolean added = false;
        long now = System.currentTimeMillis() * 1_000_000L;
        int j = 0;
        for (int k = 0; k < ids.length; k++) {
            String id = ids[k];
            long size = sizes[k];
            long mtime = mtimes[k];
            while (j < oldIds.length && oldIds[j] != id && oldIds[j].compareTo(id) < 0) {
                j++;
            }
            Entry e = j < oldIds.length && (oldIds[j] == id || oldIds[j].equals(id)) ? old[j] : null;
            if (e != null && e.size == size && e.mtime == mtime && size >= 0) {
                entries[k] = e;
                shown[nShown++] = e.summary;
                trusted++;
                reused++;
                continue;
            }
            try {
                IncidentSummary s = IncidentSummary.of(load.apply(id));
                shown[nShown++] = s;
                if (size >= 0 && now - mtime > racyNanos) {
                    entries[k] = entry(size, mtime, s);
                    trusted++;
                    added = true;
                }
            } catch (IrException failure) {
                warn.accept(failure.getMessage());
            }
        }
        boolean same = prev != null && reused == ids.length && ids.length == prev.ids.length;
        List<IncidentSummary> list = same ? prev.list
                : java.util.Collections.unmodifiableList(java.util.Arrays.asList(java.util.Arrays.copyOf(shown, nShown)));
        Stamp fileAfter = fileNow;
        if (added || trusted != oldTrusted
                || prev != null && prev.file != PENDING && (fileNow == null || !fileNow.equals(prev.file))) {
            if (writeInBackground) {
                writeLater(entries, trusted);
                fileAfter = PENDING;
            } else {
                fileAfter = write(entries, trusted);
            }
        } else if (prev != null && prev.file == PENDING) {
            fileAfter = PENDING;
        }
        Stamp dirKept = dir != null && now - Math.max(dir.mtime, dir.ctime) > racyNanos ? dir : null;
        if (!same || !java.util.Objects.equals(dirKept, prev.dir) || !java.util.Objects.equals(fileAfter, prev.file)
                || raw != prev.raw) {
            remember(new Snapshot(dirKept, ids, paths, entries, trusted, list, fileAfter, raw));
        }
        return list;
    }

    /**
     * A long-lived process (the background one) rewrites the cache file on a thread of its own, after the listing
     * has been answered: only one-shot runs read the file, and its write (3.4 MB at 10,000 incidents, then a rename)
     * was the largest cost of a warm listing after a change. The newest request per file wins; pending ones are
     * finished by {@link #awaitWrites} before the process exits.
     */
    private static volatile boolean writeInBackground;
    private static final Stamp PENDING = new Stamp("pending", -1, -1, -1);
    private static final Map<Path, Runnable> WRITES = new LinkedHashMap<>();
    private static int writing;
    private static Thread writer;

    static void writeInBackground() {
        writeInBackground(true);
    }

    /** Tests: switch background writes on or off. */
    static void writeInBackground(boolean on) {
        writeInBackground = on;
    }

    /** Tests: forget what this process listed, as a new process would. */
    static void forgetListings() {
        synchronized (MEMO) {
            MEMO.clear();
        }
    }

    /** Waits until every pending write of the cache file is done (at most {@code millis}). */
    static void awaitWrites(long millis) {
        long end = System.currentTimeMillis() + millis;
        synchronized (WRITES) {
            while ((!WRITES.isEmpty() || writing > 0) && System.currentTimeMillis() < end) {
                try {
                    WRITES.wait(Math.max(1, end - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void writeLater(Entry[] entries, int n) {
        synchronized (WRITES) {
            WRITES.put(file, () -> {
                Stamp written = write(entries, n);
                synchronized (WRITES) { // then MEMO: the only place that holds both, always in this order
                    if (WRITES.containsKey(file)) {
                        return; // a newer listing changed it again: its write will record the stamp
                    }
                    synchronized (MEMO) {
                        SoftReference<Snapshot> ref = MEMO.get(incidentsDir);
                        Snapshot s = ref == null ? null : ref.get();
                        if (s != null && s.file == PENDING) {
                            MEMO.put(incidentsDir, new SoftReference<>(s.with(written)));
                        }
                    }
                }
            });
            if (writer == null) {
                writer = new Thread(SummaryCache::drainWrites, "ir-list-cache-writer");
                writer.setDaemon(true);
                writer.start();
            }
            WRITES.notifyAll();
        }
    }

    private static void drainWrites() {
        while (true) {
            Runnable next;
            synchronized (WRITES) {
                while (WRITES.isEmpty()) {
                    try {
                        WRITES.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                var first = WRITES.entrySet().iterator().next();
                next = first.getValue();
                WRITES.remove(first.getKey());
                writing++;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // a cache that cannot be written only makes the next one-shot listing slower
            } finally {
                synchronized (WRITES) {
                    writing--;
                    WRITES.notifyAll();
                }
            }
        }
    }

    /** The names in the incidents directory, in its own order; null when it cannot be listed. */
    private String[] listRaw() {
        return incidentsDir.toFile().list();
    }

    private Snapshot recall() {
        synchronized (MEMO) {
            SoftReference<Snapshot> ref = MEMO.get(incidentsDir);
            return ref == null ? null : ref.get();
        }
    }

    private void remember(Snapshot s) {
        synchronized (MEMO) {
            MEMO.put(incidentsDir, new SoftReference<>(s));
        }
    }

    /** The incidents directory's identity and times, with its change time; null when they cannot be read. */
    private Stamp dirStamp() {
        try {
            Map<String, Object> a = Files.readAttributes(incidentsDir, "unix:lastModifiedTime,ctime,ino,dev");
            return new Stamp(List.of(a.get("dev"), a.get("ino")), 0,
                    ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
        } catch (IOException | RuntimeException e) {
            return null; // not a Unix file system, or no directory: list it
        }
    }

    private static Stamp fileStamp(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), 0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void stat(Path[] paths, int from, int to, long[] sizes, long[] mtimes) {
        for (int k = from; k < to; k++) {
            try {
                BasicFileAttributes a = Files.readAttributes(paths[k], BasicFileAttributes.class);
                sizes[k] = a.size();
                mtimes[k] = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                sizes[k] = -1;
                mtimes[k] = -1;
            }
        }
    }

    /** The cache file's entries, its stamp (taken before it is read) in {@code stamp[0]}. */
    private List<Entry> read(Stamp[] stamp) {
        try {
            stamp[0] = fileStamp(file);
            // One read and a ByteBuffer: DataInputStream's byte-at-a-time reads cost more than the rest together.
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            if (!MAGIC.equals(str(in)) || !incidentsDir.toString().equals(str(in))) {
                return List.of();
            }
            int n = count(in);
            List<Entry> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int off = in.position();
                long size = in.getLong();
                long mtime = in.getLong();
                IncidentSummary s = summary(in);
                out.add(new Entry(size, mtime, s, in.array(), off, in.position() - off));
            }
            return in.hasRemaining() ? List.of() : out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(); // torn, damaged or from another version: rebuild it
        }
    }

    /** A new entry, with its record made now. */
    private static Entry entry(long size, long mtime, IncidentSummary s) {
        Bytes bytes = new Bytes(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(size);
            out.writeLong(mtime);
            summary(out, s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not from memory
        }
        return new Entry(size, mtime, s, bytes.toByteArray(), 0, bytes.size());
    }

    /** Writes the {@code n} entries that are not null, each record copied as it is; returns the file's new stamp. */
    private Stamp write(Entry[] entries, int n) {
        Path tmp = file.resolveSibling(FILE + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectories(file.getParent());
            Bytes bytes = new Bytes(256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                str(out, MAGIC);
                str(out, incidentsDir.toString());
                out.writeInt(n);
            }
            // Records that lie side by side in one array (as read from the file) go out in one write, straight from
            // that array; a FileOutputStream, as a channel's stream copies a heap array into a new direct buffer.
            try (OutputStream o = new BufferedOutputStream(new FileOutputStream(tmp.toFile()), 1 << 16)) {
                o.write(bytes.array(), 0, bytes.size());
                byte[] run = null;
                int from = 0;
                int to = 0;
                for (Entry e : entries) {
                    if (e == null) {
                        continue;
                    }
                    if (e.bytes != run || e.off != to) {
                        if (run != null) {
                            o.write(run, from, to - from);
                        }
                        run = e.bytes;
                        from = e.off;
                    }
                    to = e.off + e.len;
                }
                if (run != null) {
                    o.write(run, from, to - from);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return fileStamp(file);
        } catch (IOException | RuntimeException e) {
            return null; // a cache that cannot be written only makes the next listing slower
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing to clean up
            }
        }
    }

    /** A {@link ByteArrayOutputStream} without a lock taken per byte (DataOutputStream writes an int byte by byte). */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] array() {
            return buf;
        }
    }

    private static void summary(DataOutputStream out, IncidentSummary s) throws IOException {
        str(out, s.id());
        str(out, s.title());
        str(out, s.severity());
        str(out, s.status());
        out.writeBoolean(s.drill());
        out.writeInt(s.times().size());
        for (Map.Entry<Milestone, Instant> t : s.times().entrySet()) {
            out.writeByte(t.getKey().ordinal());
            out.writeLong(t.getValue().getEpochSecond());
            out.writeInt(t.getValue().getNano());
        }
        out.writeInt(s.roles().size());
        for (Map.Entry<String, List<String>> r : s.roles().entrySet()) {
            str(out, r.getKey());
            strings(out, r.getValue());
        }
        strings(out, s.tags());
        out.writeInt(s.events());
        out.writeLong(s.openActions());
    }

    private static IncidentSummary summary(ByteBuffer in) throws IOException {
        String id = str(in);
        String title = str(in);
        String severity = str(in);
        String status = str(in);
        boolean drill = in.get() != 0;
        int nt = count(in);
        Map<Milestone, Instant> times = new EnumMap<>(Milestone.class);
        Milestone[] milestones = Milestone.values();
        for (int k = 0; k < nt; k++) {
            Milestone m = milestones[in.get() & 0xff];
            times.put(m, Instant.ofEpochSecond(in.getLong(), in.getInt()));
        }
        int nr = count(in);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (int k = 0; k < nr; k++) {
            roles.put(str(in), strings(in));
        }
        List<String> tags = strings(in);
        return new IncidentSummary(id, title, severity, status, drill, times, roles, tags, in.getInt(), in.getLong());
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            str(out, v);
        }
    }

    private static List<String> strings(ByteBuffer in) throws IOException {
        int n = count(in);
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(str(in));
        }
        return out;
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_STRING || n > in.remaining()) {
            throw new IOException("bad string length " + n);
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static int count(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IOException("bad count " + n);
        }
        return n;
    }
}
