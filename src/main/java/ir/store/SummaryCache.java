package ir.store;

import ir.model.Incident;
import ir.model.IncidentSummary;
import ir.model.IrException;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import ir.store.SummaryCacheFile.Entry;
import ir.store.SummaryCacheFile.Stamp;

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
    private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(3);

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


    /**
     * What this backend's last listing found, softly held (a memory shortage only costs a file read); the backend
     * that owns this cache is its workspace's only one in the process.
     */
    private SoftReference<Snapshot> memo;

    private final Path file;
    private final Path incidentsDir;
    private final long racyNanos;
    /** Where the cache file is rewritten after a listing was answered (a long-lived process); null: at once. */
    private final BackgroundWrites writes;
    private final SummaryCacheFile cacheFile;

    SummaryCache(Path stateDir, Path incidentsDir, BackgroundWrites writes) {
        this(stateDir, incidentsDir, RACY_NANOS, writes);
    }

    /** With another racy window: tests, which cannot age a directory's change time. */
    SummaryCache(Path stateDir, Path incidentsDir, long racyNanos, BackgroundWrites writes) {
        this.file = stateDir.resolve(FILE);
        this.incidentsDir = incidentsDir.toAbsolutePath().normalize();
        this.racyNanos = racyNanos;
        this.writes = writes;
        this.cacheFile = new SummaryCacheFile(file, this.incidentsDir);
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
            reading = new FutureTask<>(() -> cacheFile.read(read));
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
            fileNow = SummaryCacheFile.fileStamp(file);
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
                oldIds[k] = old[k].summary().id();
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
            if (e != null && e.size() == size && e.mtime() == mtime && size >= 0) {
                entries[k] = e;
                shown[nShown++] = e.summary();
                trusted++;
                reused++;
                continue;
            }
            try {
                IncidentSummary s = IncidentSummary.of(load.apply(id));
                shown[nShown++] = s;
                if (size >= 0 && now - mtime > racyNanos) {
                    entries[k] = SummaryCacheFile.entry(size, mtime, s);
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
            if (writes != null) {
                writeLater(entries, trusted);
                fileAfter = PENDING;
            } else {
                fileAfter = cacheFile.write(entries, trusted);
            }
        } else if (prev != null && prev.file == PENDING) {
            fileAfter = PENDING;
        }
        Stamp dirKept = dir != null && now - Math.max(dir.mtime(), dir.ctime()) > racyNanos ? dir : null;
        if (!same || !java.util.Objects.equals(dirKept, prev.dir) || !java.util.Objects.equals(fileAfter, prev.file)
                || raw != prev.raw) {
            remember(new Snapshot(dirKept, ids, paths, entries, trusted, list, fileAfter, raw));
        }
        return list;
    }

    /**
     * In a long-lived process the cache file is rewritten by {@link BackgroundWrites}, after the listing has been
     * answered: only one-shot runs read the file, and its write (3.4 MB at 10,000 incidents, then a rename) was the
     * largest cost of a warm listing after a change. The newest request wins.
     */
    private static final Stamp PENDING = new Stamp("pending", -1, -1, -1);

    private void writeLater(Entry[] entries, int n) {
        writes.submit(file, () -> {
            Stamp written = cacheFile.write(entries, n);
            if (writes.isPending(file)) {
                return; // a newer listing changed it again: its write will record the stamp
            }
            synchronized (this) {
                Snapshot s = memo == null ? null : memo.get();
                if (s != null && s.file == PENDING) {
                    memo = new SoftReference<>(s.with(written));
                }
            }
        });
    }

    /** The names in the incidents directory, in its own order; null when it cannot be listed. */
    private String[] listRaw() {
        return incidentsDir.toFile().list();
    }

    private synchronized Snapshot recall() {
        return memo == null ? null : memo.get();
    }

    private synchronized void remember(Snapshot s) {
        memo = new SoftReference<>(s);
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

}
