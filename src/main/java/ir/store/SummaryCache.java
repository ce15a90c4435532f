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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

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
     * The summaries of {@code ids}, from the cache where it is still valid, else parsed with {@code load}; failures
     * are reported to {@code warn} (and not cached). Rewrites the cache when anything changed.
     */
    List<IncidentSummary> summaries(List<String> ids, Function<String, Incident> load, Consumer<String> warn) {
        Map<String, Entry> cached = read();
        Map<String, Entry> next = new LinkedHashMap<>();
        List<IncidentSummary> out = new ArrayList<>(ids.size());
        boolean added = false;
        long now = System.currentTimeMillis() * 1_000_000L;
        for (String id : ids) {
            Path f = incidentsDir.resolve(id + ".yaml");
            long size;
            long mtime;
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                size = a.size();
                mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                size = -1;
                mtime = -1;
            }
            Entry e = cached.get(id);
            if (e != null && e.size == size && e.mtime == mtime && size >= 0) {
                out.add(e.summary);
                next.put(id, e);
                continue;
            }
            try {
                IncidentSummary s = IncidentSummary.of(load.apply(id));
                out.add(s);
                if (size >= 0 && now - mtime > RACY_NANOS) {
                    next.put(id, new Entry(size, mtime, s));
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

    private Map<String, Entry> read() {
        try {
            // One read and a ByteBuffer: DataInputStream's byte-at-a-time reads cost more than the rest together.
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            if (!MAGIC.equals(str(in)) || !incidentsDir.toString().equals(str(in))) {
                return Map.of();
            }
            int n = count(in);
            Map<String, Entry> out = new HashMap<>(n * 2);
            for (int k = 0; k < n; k++) {
                long size = in.getLong();
                long mtime = in.getLong();
                IncidentSummary s = summary(in);
                out.put(s.id(), new Entry(size, mtime, s));
            }
            return in.hasRemaining() ? Map.of() : out;
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | RuntimeException e) {
            return Map.of(); // torn, damaged or from another version: rebuild it
        }
    }

    private void write(Map<String, Entry> entries) {
        Path tmp = file.resolveSibling(FILE + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + entries.size() * 256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                str(out, MAGIC);
                str(out, incidentsDir.toString());
                out.writeInt(entries.size());
                for (Entry e : entries.values()) {
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
