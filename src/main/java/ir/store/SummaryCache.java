package ir.store;

import ir.model.Incident;
import ir.model.IncidentSummary;
import ir.model.IrException;
import ir.model.Milestone;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
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

    private record Entry(long size, long mtime, IncidentSummary summary) {
    }

    private final Path file;
    private final Path incidentsDir;

    SummaryCache(Path stateDir, Path incidentsDir) {
        this.file = stateDir.resolve(FILE);
        this.incidentsDir = incidentsDir.toAbsolutePath().normalize();
    }

    /**
     * The summaries of the incidents {@code idSource} lists (sorted), from the cache where it is still valid, else
     * parsed with {@code load}; failures are reported to {@code warn} (and not cached). Rewrites the cache when
     * anything changed.
     */
    List<IncidentSummary> summaries(Supplier<List<String>> idSource, Function<String, Incident> load,
                                    Consumer<String> warn) {
        // Read the cache on a second thread while this one lists the directory and stats every file.
        FutureTask<List<Entry>> reading = new FutureTask<>(this::read);
        Thread reader = new Thread(reading, "ir-list-cache");
        reader.setDaemon(true);
        reader.start();
        List<String> ids = idSource.get();
        long[] sizes = new long[ids.size()];
        long[] mtimes = new long[ids.size()];
        // Many files: stat the second half on another thread (the machine has at least two cores to matter).
        int half = ids.size() >= 2000 ? ids.size() / 2 : ids.size();
        Thread second = null;
        if (half < ids.size()) {
            second = new Thread(() -> stat(ids, half, ids.size(), sizes, mtimes), "ir-list-stat");
            second.setDaemon(true);
            second.start();
        }
        stat(ids, 0, half, sizes, mtimes);
        if (second != null) {
            try {
                second.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                java.util.Arrays.fill(sizes, half, sizes.length, -1);
            }
        }
        List<Entry> cached;
        try {
            cached = reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cached = List.of();
        } catch (ExecutionException e) {
            cached = List.of();
        }
        // The cache is written in ID order, as ids() returns them: a merge of two sorted lists, no hashing.
        List<Entry> next = new ArrayList<>(ids.size());
        List<IncidentSummary> out = new ArrayList<>(ids.size());
        boolean added = false;
        long now = System.currentTimeMillis() * 1_000_000L;
        int j = 0;
        for (int k = 0; k < sizes.length; k++) {
            String id = ids.get(k);
            long size = sizes[k];
            long mtime = mtimes[k];
            while (j < cached.size() && cached.get(j).summary.id().compareTo(id) < 0) {
                j++;
            }
            Entry e = j < cached.size() && cached.get(j).summary.id().equals(id) ? cached.get(j) : null;
            if (e != null && e.size == size && e.mtime == mtime && size >= 0) {
                out.add(e.summary);
                next.add(e);
                continue;
            }
            try {
                IncidentSummary s = IncidentSummary.of(load.apply(id));
                out.add(s);
                if (size >= 0 && now - mtime > RACY_NANOS) {
                    next.add(new Entry(size, mtime, s));
                    added = true;
                }
            } catch (IrException failure) {
                warn.accept(failure.getMessage());
            }
        }
        if (added || next.size() != cached.size()) {
            write(next);
        }
        return out;
    }

    private void stat(List<String> ids, int from, int to, long[] sizes, long[] mtimes) {
        for (int k = from; k < to; k++) {
            try {
                BasicFileAttributes a = Files.readAttributes(incidentsDir.resolve(ids.get(k) + ".yaml"),
                        BasicFileAttributes.class);
                sizes[k] = a.size();
                mtimes[k] = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                sizes[k] = -1;
                mtimes[k] = -1;
            }
        }
    }

    private List<Entry> read() {
        try {
            // One read and a ByteBuffer: DataInputStream's byte-at-a-time reads cost more than the rest together.
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            if (!MAGIC.equals(str(in)) || !incidentsDir.toString().equals(str(in))) {
                return List.of();
            }
            int n = count(in);
            List<Entry> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                long size = in.getLong();
                long mtime = in.getLong();
                out.add(new Entry(size, mtime, summary(in)));
            }
            return in.hasRemaining() ? List.of() : out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(); // torn, damaged or from another version: rebuild it
        }
    }

    private void write(List<Entry> entries) {
        Path tmp = file.resolveSibling(FILE + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + entries.size() * 256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                str(out, MAGIC);
                str(out, incidentsDir.toString());
                out.writeInt(entries.size());
                for (Entry e : entries) {
                    out.writeLong(e.size);
                    out.writeLong(e.mtime);
                    summary(out, e.summary);
                }
            }
            try (BufferedOutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                bytes.writeTo(o);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written only makes the next listing slower
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing to clean up
            }
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
