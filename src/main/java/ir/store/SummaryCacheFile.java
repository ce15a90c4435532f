package ir.store;

import ir.model.IncidentSummary;
import ir.model.Milestone;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The file behind {@link SummaryCache}, {@code .git/ir/list-cache}: a versioned binary format (magic, the incidents
 * directory it describes, then one record per incident: size, modification time, summary). Anything wrong with it
 * (missing, torn, from another version or workspace) reads as empty, so it is rebuilt.
 */
final class SummaryCacheFile {
    static final String FILE = SummaryCache.FILE;
    private static final String MAGIC = "ir list cache 1";
    /** Far more than any workspace; bounds what a damaged cache can make us allocate. */
    private static final int MAX_ENTRIES = 1_000_000;
    private static final int MAX_STRING = 1 << 20;

    /**
     * A summary that stays valid while its file has this size and modification time, with its record in the cache
     * file ({@code len} bytes of {@code bytes} from {@code off}), so a rewrite copies unchanged records as they are.
     */
    record Entry(long size, long mtime, IncidentSummary summary, byte[] bytes, int off, int len) {
    }

    /** A file's identity and times: equal stamps mean no change, unless the change fell within the racy window. */
    record Stamp(Object key, long size, long mtime, long ctime) {
    }
    private final Path file;
    private final Path incidentsDir;

    SummaryCacheFile(Path file, Path incidentsDir) {
        this.file = file;
        this.incidentsDir = incidentsDir;
    }

    static Stamp fileStamp(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), 0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The cache file's entries, its stamp (taken before it is read) in {@code stamp[0]}. */
    List<Entry> read(Stamp[] stamp) {
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
    static Entry entry(long size, long mtime, IncidentSummary s) {
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
    Stamp write(Entry[] entries, int n) {
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
