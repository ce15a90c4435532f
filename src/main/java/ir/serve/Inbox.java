package ir.serve;

import ir.model.ExitCode;
import ir.model.IrException;
import ir.store.AlertIntake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The journal of received payloads, {@code .git/ir/inbox/}: a payload is acknowledged only once it is in a journal
 * segment here and forced to disk, and a segment is removed only after every payload in it was recorded (committed).
 * So a crash at any moment (SIGKILL, a power cut) loses nothing acknowledged: the next {@code ir serve} records what it
 * finds here first.
 *
 * <p><b>Group commit.</b> Handler threads hand their payload to {@link #write} and wait; ONE writer thread takes
 * everything queued, appends it to the current segment, forces the file to disk once for the whole group, then
 * answers all of them. One force costs what it costs (a few ms on a disk), however many payloads it covers, so the
 * senders of a storm wait for one or two forces, not for a queue of them.
 *
 * <p><b>Segments</b> are append-only files named by creation time ({@code <nanoseconds since the epoch>.journal}, so a
 * listing sorted by name is the order received). The directory is forced once when a segment is created. A segment
 * is closed once it passes {@value #SEGMENT_BYTES} bytes, and deleted as soon as every record in it was recorded (the
 * one being written too, when it is idle): a crash before a deletion only replays records already recorded, which the
 * intake ignores (it is idempotent). A new run never appends to an old segment.
 *
 * <p><b>A record</b> is self-delimiting: magic {@code IRJ1}, body length (int), format (length byte and ASCII),
 * receipt time (seconds as long, nanoseconds as int), the body, and a CRC32C of all of that. At open, a segment is
 * read record by record: a record that is incomplete or fails its CRC was never acknowledged (its group was never
 * forced whole) and is skipped; what follows it is searched for the next valid record, and when there is none, the
 * torn tail is truncated away.
 *
 * <p>Payloads of the previous format (one {@code .payload} file each, from an earlier build) are replayed first and
 * removed once recorded. Payloads the intake refuses for good are set aside in {@code rejected/}, one file each. One
 * receiver per clone holds {@value #LOCK}, so nothing else writes or replays here meanwhile.
 */
public final class Inbox implements AutoCloseable {
    static final String DIR = "inbox";
    static final String LOCK = ".lock";
    static final String SEGMENT_SUFFIX = ".journal";
    static final String LEGACY_SUFFIX = ".payload";
    static final String REJECTED = "rejected";
    private static final String TMP = ".tmp-";
    private static final String LEGACY_MAGIC = "ir-inbox 1 ";

    /** "IRJ1": the start of every record, version 1 of the layout. */
    static final int MAGIC = 0x49524A31;
    /** Magic, body length, format length. */
    private static final int FIXED_HEAD = 4 + 4 + 1;
    /** Receipt time: seconds and nanoseconds. */
    private static final int TIME = 8 + 4;
    private static final int CRC = 4;
    static final int MAX_BODY = Receiver.MAX_BODY;
    static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /** Payloads waiting for the writer, at most (beyond: {@link Full}, a 503). */
    static final int MAX_WAITING = 1024;
    static final long MAX_WAITING_BYTES = 32L * 1024 * 1024;
    /** How long a handler waits for its group to be forced before answering 503. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** {@link Entry#offset()} of a payload of the previous format: the whole file after its header line. */
    static final long LEGACY = -1;

    /**
     * One journaled payload: where its body is ({@code file}, at {@code offset}; a whole {@code .payload} file of
     * the previous format when {@link #LEGACY}), its format, receipt time and size. The body is read back when it is
     * recorded, so nothing waiting to be recorded is held in memory.
     */
    public record Entry(Path file, long offset, String format, Instant receivedAt, int bytes) {
    }

    /** The journal is full: the writer cannot keep up (answered 503, the sender tries again). */
    public static final class Full extends IOException {
        Full(String message) {
            super(message);
        }
    }

    /** Sizes: where a segment is closed, and how much may wait for the writer. Tests make them small. */
    record Limits(long segmentBytes, int maxWaiting, long maxWaitingBytes) {
        static final Limits DEFAULT = new Limits(SEGMENT_BYTES, MAX_WAITING, MAX_WAITING_BYTES);
    }

    /** How a segment is forced to disk: the seam tests count forces through. */
    interface Disk {
        void force(FileChannel channel) throws IOException;
    }

    /** {@code fdatasync}: the data and what is needed to read it back (the file's size), not its times. */
    static final Disk FORCE = ch -> ch.force(false);

    /** A segment file, and how many of its records are acknowledged and not yet recorded. */
    private static final class Segment {
        final Path path;
        FileChannel channel; // while it is the one being written
        long size;
        int outstanding;
        boolean writing;

        Segment(Path path, long size) {
            this.path = path;
            this.size = size;
        }
    }

    /** A payload waiting for the writer, and its answer. */
    private record Waiting(AlertIntake.Payload payload, CompletableFuture<Entry> done) {
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Disk disk;
    private final Limits limits;
    private final Consumer<String> log;
    private final List<Entry> pending = new ArrayList<>();

    /** Guards the segments and {@link #active}. Never held while writing or forcing. */
    private final Map<Path, Segment> segments = new LinkedHashMap<>();
    private Segment active;
    private long lastSegmentNanos;

    /** Guards the queue, its byte count and {@link #stopping}. */
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean stopping;
    private Thread writer;
    private volatile Consumer<Entry> journaled;

    private Inbox(Path dir, FileChannel lockChannel, FileLock lock, Disk disk, Limits limits, Consumer<String> log) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.disk = disk;
        this.limits = limits;
        this.log = log;
    }

    /** {@link #open(Path, Consumer, Disk, Limits)} with a real force and the default sizes. */
    public static Inbox open(Path stateDir, Consumer<String> log) {
        return open(stateDir, log, FORCE, Limits.DEFAULT);
    }

    /**
     * Opens the inbox under a clone's state directory ({@code .git/ir}), taking its lock: refused when another
     * receiver of this clone holds it. Reads what a previous run left (see {@link #pending()}), repairing torn
     * segment tails; what it skips or repairs is said on {@code log}. Call {@link #start} before {@link #write}.
     */
    static Inbox open(Path stateDir, Consumer<String> log, Disk disk, Limits limits) {
        Path dir = stateDir.resolve(DIR);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new IrException(ExitCode.BUSY, "another 'ir serve' is receiving alerts for this clone (it "
                        + "holds " + dir.resolve(LOCK) + "): stop it first, or serve from another clone");
            }
            Inbox inbox = new Inbox(dir, ch, l, disk, limits, log);
            try {
                inbox.recover();
            } catch (IOException | RuntimeException e) {
                inbox.close();
                throw e;
            }
            return inbox;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new IrException(ExitCode.FAILURE, "cannot open the inbox " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    /**
     * What a previous run left to record, in the order it was received: payloads of the previous format first, then
     * the records of each segment in order.
     */
    public List<Entry> pending() {
        return List.copyOf(pending);
    }

    /**
     * Starts the writer. {@code journaled} is told of each payload once it is on disk, in journal order, before its
     * sender is answered (on the writer thread: it must not block).
     */
    public void start(Consumer<Entry> journaled) {
        synchronized (queue) {
            if (writer != null) {
                throw new IllegalStateException("already started");
            }
            this.journaled = journaled;
            writer = new Thread(this::writeLoop, "ir-serve-journal");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /**
     * Journals one payload durably: returns once it is in a segment forced to disk, so it survives a crash. Throws
     * {@link Full} when too much is waiting for the writer, and {@link IOException} when it could not be written or
     * not within {@link #ACK_TIMEOUT} (then the sender must not be told it was received; it may still be recorded,
     * which a second delivery cannot spoil).
     */
    public Entry write(AlertIntake.Payload payload) throws IOException {
        if (payload.body().length > MAX_BODY) {
            throw new IOException("a body over " + MAX_BODY + " bytes");
        }
        if (payload.format() == null || payload.format().length() > 255
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(payload.format())) {
            throw new IllegalArgumentException("bad format: " + payload.format());
        }
        Waiting w = new Waiting(payload, new CompletableFuture<>());
        synchronized (queue) {
            if (writer == null || stopping) {
                throw new IOException("the inbox is not open for writing");
            }
            if (queue.size() >= limits.maxWaiting()
                    || queuedBytes + payload.body().length > limits.maxWaitingBytes()) {
                throw new Full("the journal is behind (" + queue.size() + " payloads waiting for the disk)");
            }
            queue.addLast(w);
            queuedBytes += payload.body().length;
            queue.notifyAll();
        }
        try {
            return w.done().get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new IOException("the disk did not confirm the write within " + ACK_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while journaling", e);
        }
    }

    /** Payloads waiting for the writer (not those of the group being written). */
    int waiting() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /**
     * Stops taking payloads, writes those already queued, and ends the writer (waiting at most {@code max}). Later
     * {@link #write}s are refused.
     */
    public void stopWriting(Duration max) {
        Thread w;
        synchronized (queue) {
            stopping = true;
            queue.notifyAll();
            w = writer;
        }
        if (w != null) {
            try {
                w.join(max.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the writer

    private void writeLoop() {
        List<Waiting> group = new ArrayList<>();
        while (true) {
            synchronized (queue) {
                while (queue.isEmpty() && !stopping) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        stopping = true;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                group.addAll(queue);
                queue.clear();
                queuedBytes = 0;
            }
            commit(group);
            group.clear();
        }
    }

    /** Appends a group to the segment being written, forces it once, then answers every payload of it. */
    private void commit(List<Waiting> group) {
        Segment seg;
        boolean created = false;
        try {
            synchronized (segments) {
                if (active != null && active.size >= limits.segmentBytes()) {
                    seal(active);
                }
                if (active == null) {
                    active = newSegment();
                    created = true;
                }
                seg = active;
                seg.writing = true;
            }
        } catch (IOException | RuntimeException e) {
            fail(group, e);
            return;
        }
        long start = seg.size;
        List<Entry> entries = new ArrayList<>(group.size());
        try {
            ByteBuffer[] bufs = new ByteBuffer[group.size() * 3];
            long pos = start;
            for (int i = 0; i < group.size(); i++) {
                AlertIntake.Payload p = group.get(i).payload();
                byte[] format = p.format().getBytes(StandardCharsets.US_ASCII);
                ByteBuffer head = head(p, format);
                CRC32C crc = new CRC32C();
                crc.update(head.array(), 0, head.limit());
                crc.update(p.body());
                bufs[3 * i] = head;
                bufs[3 * i + 1] = ByteBuffer.wrap(p.body());
                bufs[3 * i + 2] = ByteBuffer.allocate(CRC).putInt(0, (int) crc.getValue());
                entries.add(new Entry(seg.path, pos + head.limit(), p.format(), p.receivedAt(), p.body().length));
                pos += head.limit() + p.body().length + CRC;
            }
            FileChannel ch = seg.channel;
            ch.position(start);
            for (int from = 0; from < bufs.length; ) {
                ch.write(bufs, from, bufs.length - from);
                while (from < bufs.length && !bufs[from].hasRemaining()) {
                    from++;
                }
            }
            disk.force(ch);
            if (created) {
                forceDirectory();
            }
            synchronized (segments) {
                seg.size = pos;
                seg.outstanding += entries.size();
                seg.writing = false;
            }
        } catch (IOException | RuntimeException e) {
            // Never append after a failed write or force: what the disk kept of this segment is unknown (after a
            // failed fsync, Linux may even drop the dirty pages). The next group starts a new segment.
            synchronized (segments) {
                seg.writing = false;
                try {
                    seg.channel.truncate(start);
                } catch (IOException | RuntimeException ignored) {
                    // at open, a tail that is not a valid record is skipped anyway
                }
                seal(seg);
            }
            fail(group, e);
            return;
        }
        Consumer<Entry> sink = journaled;
        for (int i = 0; i < entries.size(); i++) {
            try {
                sink.accept(entries.get(i));
            } catch (RuntimeException e) {
                log.accept("serve: " + e);
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            group.get(i).done().complete(entries.get(i));
        }
    }

    private static ByteBuffer head(AlertIntake.Payload p, byte[] format) {
        ByteBuffer b = ByteBuffer.allocate(FIXED_HEAD + format.length + TIME);
        b.putInt(MAGIC).putInt(p.body().length).put((byte) format.length).put(format)
                .putLong(p.receivedAt().getEpochSecond()).putInt(p.receivedAt().getNano());
        return b.flip();
    }

    private void fail(List<Waiting> group, Exception e) {
        log.accept("serve: cannot journal " + group.size() + " payloads: " + e.getMessage());
        for (Waiting w : group) {
            w.done().completeExceptionally(e);
        }
    }

    /** A new, empty segment, named after the time now (later than every segment before it). Under the lock. */
    private Segment newSegment() throws IOException {
        Instant now = Instant.now();
        long nanos = Math.max(now.getEpochSecond() * 1_000_000_000L + now.getNano(), lastSegmentNanos + 1);
        lastSegmentNanos = nanos;
        Path path = dir.resolve(String.format("%019d%s", nanos, SEGMENT_SUFFIX));
        Segment s = new Segment(path, 0);
        s.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.put(path, s);
        return s;
    }

    /** Stops writing a segment; deletes it when nothing in it waits to be recorded. Under the lock. */
    private void seal(Segment s) {
        closeQuietly(s.channel);
        s.channel = null;
        if (active == s) {
            active = null;
        }
        if (s.outstanding == 0 && !s.writing) {
            deleteSegment(s);
        }
    }

    private void deleteSegment(Segment s) {
        segments.remove(s.path);
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            log.accept("serve: cannot delete " + s.path + " (its payloads are recorded; it is replayed harmlessly "
                    + "at the next start): " + e.getMessage());
        }
    }

    /** Makes a new file's name durable: without it a power cut could forget a segment whose records were answered. */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // some file systems cannot open a directory: the file is still there, only its durability is the OS's
        }
    }

    // ---- recording

    /** The payload of an entry, read back from its segment (or file). */
    public AlertIntake.Payload read(Entry e) throws IOException {
        if (e.offset() == LEGACY) {
            byte[] all = Files.readAllBytes(e.file());
            int nl = indexOf(all, (byte) '\n');
            return new AlertIntake.Payload(e.format(), Arrays.copyOfRange(all, nl + 1, all.length), e.receivedAt());
        }
        try (FileChannel ch = FileChannel.open(e.file(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(e.bytes());
            readFully(ch, b, e.offset());
            if (b.hasRemaining()) {
                throw new IOException("the journal " + e.file() + " ends inside a record");
            }
            return new AlertIntake.Payload(e.format(), b.array(), e.receivedAt());
        }
    }

    /**
     * Marks an entry recorded: its segment is deleted once nothing in it waits any more (the one being written too,
     * unless a group is being written to it: the next group then starts a new segment).
     */
    public void recorded(Entry e) {
        if (e.offset() == LEGACY) {
            try {
                Files.deleteIfExists(e.file());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return;
        }
        synchronized (segments) {
            Segment s = segments.get(e.file());
            if (s == null) {
                return;
            }
            s.outstanding--;
            if (s.outstanding <= 0 && !s.writing) {
                if (s == active) {
                    seal(s);
                } else {
                    deleteSegment(s);
                }
            }
        }
    }

    /**
     * Sets aside an entry the intake refuses for good, in {@code rejected/} (a file with a header line and the body,
     * kept for a person to look at), so that it does not stop the payloads after it; then it counts as recorded.
     */
    public Path reject(Entry e) {
        try {
            Path rejected = dir.resolve(REJECTED);
            Files.createDirectories(rejected);
            if (e.offset() == LEGACY) {
                Path target = rejected.resolve(e.file().getFileName());
                Files.move(e.file(), target, StandardCopyOption.REPLACE_EXISTING);
                return target;
            }
            AlertIntake.Payload p = read(e);
            String name = e.file().getFileName().toString().replace(SEGMENT_SUFFIX, "") + "-" + e.offset()
                    + LEGACY_SUFFIX;
            Path target = rejected.resolve(name);
            byte[] header = (LEGACY_MAGIC + e.format() + " " + e.receivedAt() + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(header, header.length + p.body().length);
            System.arraycopy(p.body(), 0, all, header.length, p.body().length);
            Files.write(target, all);
            recorded(e);
            return target;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    // ---- reading what a previous run left

    private void recover() throws IOException {
        List<Path> legacy = new ArrayList<>();
        List<Path> journals = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(TMP)) {
                    Files.deleteIfExists(p); // never acknowledged
                } else if (name.startsWith(".") || !Files.isRegularFile(p)) {
                    continue;
                } else if (name.endsWith(LEGACY_SUFFIX)) {
                    legacy.add(p);
                } else if (name.endsWith(SEGMENT_SUFFIX)) {
                    journals.add(p);
                }
            }
        }
        for (Path f : legacy) {
            try {
                pending.add(readLegacy(f));
            } catch (IOException | RuntimeException e) {
                Path rejected = dir.resolve(REJECTED);
                Files.createDirectories(rejected);
                Files.move(f, rejected.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                log.accept("serve: set aside an inbox file that cannot be read: " + rejected.resolve(f.getFileName()));
            }
        }
        for (Path j : journals) {
            String stem = j.getFileName().toString();
            stem = stem.substring(0, stem.length() - SEGMENT_SUFFIX.length());
            try {
                lastSegmentNanos = Math.max(lastSegmentNanos, Long.parseLong(stem));
            } catch (NumberFormatException e) {
                // not one of ours by name; its records are read all the same
            }
            List<Entry> found = scan(j);
            if (found.isEmpty()) {
                Files.deleteIfExists(j);
                continue;
            }
            Segment s = new Segment(j, Files.size(j));
            s.outstanding = found.size();
            segments.put(j, s);
            pending.addAll(found);
        }
    }

    /**
     * The valid records of a segment, in order. A record that is incomplete or fails its CRC is skipped, the rest
     * searched for the next valid record; a tail with none is truncated away (it was never acknowledged).
     */
    private List<Entry> scan(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long pos = 0;
            while (pos < size) {
                Entry e = recordAt(ch, file, pos, size);
                if (e != null) {
                    out.add(e);
                    pos = e.offset() + e.bytes() + CRC;
                    continue;
                }
                long next = nextRecord(ch, file, pos + 1, size);
                if (next < 0) {
                    log.accept("serve: " + file.getFileName() + ": dropped " + (size - pos) + " bytes at its end "
                            + "that are not a complete record (a write cut short, never acknowledged)");
                    ch.truncate(pos);
                    ch.force(false);
                    break;
                }
                log.accept("serve: " + file.getFileName() + ": skipped " + (next - pos) + " bytes that are not a "
                        + "valid record, at offset " + pos);
                pos = next;
            }
        }
        return out;
    }

    /** The record at {@code pos} when it is complete and its CRC matches, else null. */
    private static Entry recordAt(FileChannel ch, Path file, long pos, long size) throws IOException {
        if (size - pos < FIXED_HEAD + TIME + CRC) {
            return null;
        }
        ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEAD);
        readFully(ch, fixed, pos);
        if (fixed.getInt(0) != MAGIC) {
            return null;
        }
        int length = fixed.getInt(4);
        int formatLength = fixed.get(8) & 0xff;
        long total = (long) FIXED_HEAD + formatLength + TIME + length + CRC;
        if (length < 0 || length > MAX_BODY || formatLength == 0 || size - pos < total) {
            return null;
        }
        ByteBuffer all = ByteBuffer.allocate((int) total);
        readFully(ch, all, pos);
        if (all.hasRemaining()) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(all.array(), 0, (int) total - CRC);
        if ((int) crc.getValue() != all.getInt((int) total - CRC)) {
            return null;
        }
        String format = new String(all.array(), FIXED_HEAD, formatLength, StandardCharsets.US_ASCII);
        int t = FIXED_HEAD + formatLength;
        Instant at;
        try {
            at = Instant.ofEpochSecond(all.getLong(t), all.getInt(t + 8));
        } catch (RuntimeException e) {
            return null;
        }
        return new Entry(file, pos + t + TIME, format, at, length);
    }

    /** Where the next valid record starts at or after {@code from}, or -1. */
    private static long nextRecord(FileChannel ch, Path file, long from, long size) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(64 * 1024);
        long at = from;
        while (size - at >= 4) {
            window.clear();
            window.limit((int) Math.min(window.capacity(), size - at));
            readFully(ch, window, at);
            int n = window.position();
            for (int i = 0; i + 4 <= n; i++) {
                if (window.getInt(i) == MAGIC && recordAt(ch, file, at + i, size) != null) {
                    return at + i;
                }
            }
            if (n < 4) {
                break;
            }
            at += n - 3;
        }
        return -1;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                break;
            }
        }
    }

    /** A payload file of the previous format: one header line {@code ir-inbox 1 <format> <receipt time>}, the body. */
    private static Entry readLegacy(Path f) throws IOException {
        byte[] head = new byte[256];
        int n;
        try (var in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        }
        int nl = indexOf(Arrays.copyOf(head, n), (byte) '\n');
        if (nl < 0) {
            throw new IOException("no header");
        }
        String line = new String(head, 0, nl, StandardCharsets.US_ASCII);
        if (!line.startsWith(LEGACY_MAGIC)) {
            throw new IOException("not an inbox entry");
        }
        String[] parts = line.substring(LEGACY_MAGIC.length()).split(" ");
        if (parts.length != 2 || !AlertIntake.FORMATS.contains(parts[0])) {
            throw new IOException("bad header");
        }
        long size = Files.size(f) - nl - 1;
        return new Entry(f, LEGACY, parts[0], Instant.parse(parts[1]), (int) size);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Stops the writer (what is queued is written first), closes the segment being written and deletes it when
     * everything in it was recorded, and releases the lock.
     */
    @Override
    public void close() {
        stopWriting(Duration.ofSeconds(10));
        synchronized (segments) {
            if (active != null) {
                seal(active);
            }
        }
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
