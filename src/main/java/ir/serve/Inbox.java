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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The journal of received payloads, {@code .git/ir/inbox/}: a payload is acknowledged only once its file is here,
 * complete and on disk, and the file is removed only after the payload was recorded (committed). So a crash at any
 * moment loses nothing acknowledged: the next {@code ir serve} records what it finds here first.
 *
 * <p>One file per payload, named by receipt order ({@code <nanoseconds since the epoch>-<sequence>-<random>.payload},
 * so a listing sorted by name is the order received), holding one header line {@code ir-inbox 1 <format>
 * <receipt time>} and the raw body. Written to a temporary file, forced to disk, renamed into place, and the directory
 * forced too. One receiver per clone holds {@value #LOCK}, so no other writes or replays here meanwhile.
 */
public final class Inbox implements AutoCloseable {
    static final String DIR = "inbox";
    static final String LOCK = ".lock";
    static final String SUFFIX = ".payload";
    static final String REJECTED = "rejected";
    private static final String TMP = ".tmp-";
    private static final String MAGIC = "ir-inbox 1 ";

    /** One journaled payload: its file, format, receipt time and size (the body is read back when recorded). */
    public record Entry(Path file, String format, Instant receivedAt, long bytes) {
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicLong lastNanos = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();

    private Inbox(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the inbox under a clone's state directory ({@code .git/ir}), taking its lock: refused when another
     * receiver of this clone holds it. Temporary files left by a crash (never acknowledged) are removed.
     */
    public static Inbox open(Path stateDir) {
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
            Inbox inbox = new Inbox(dir, ch, l);
            inbox.removeTemporaryFiles();
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
     * Journals one payload durably; when this returns, the payload survives a crash. Throws {@link IOException} when
     * it could not be written (then nothing of it is left behind).
     */
    public Entry write(AlertIntake.Payload payload) throws IOException {
        long nanos = nextNanos(payload.receivedAt());
        String name = String.format("%019d-%08d-%08x%s", nanos, sequence.incrementAndGet() % 100_000_000L,
                ThreadLocalRandom.current().nextInt(), SUFFIX);
        byte[] header = (MAGIC + payload.format() + " " + payload.receivedAt() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        Path tmp = dir.resolve(TMP + name);
        Path file = dir.resolve(name);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer[] bufs = {ByteBuffer.wrap(header), ByteBuffer.wrap(payload.body())};
                while (bufs[0].hasRemaining() || bufs[1].hasRemaining()) {
                    ch.write(bufs);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            forceDirectory();
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Entry(file, payload.format(), payload.receivedAt(), payload.body().length);
    }

    /** Receipt order across restarts: nanoseconds of the receipt time, strictly increasing within this process. */
    private long nextNanos(Instant at) {
        long n = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        return lastNanos.accumulateAndGet(n, (last, now) -> Math.max(last + 1, now));
    }

    /** The journaled payloads, oldest first. An entry that cannot be read is set aside in {@code rejected/}. */
    public List<Entry> pending() {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(readEntry(f));
            } catch (IOException | RuntimeException e) {
                reject(f);
            }
        }
        return out;
    }

    /** The payload of an entry, read back from its file. */
    public AlertIntake.Payload read(Entry e) throws IOException {
        byte[] all = Files.readAllBytes(e.file());
        int nl = indexOf(all, (byte) '\n');
        byte[] body = java.util.Arrays.copyOfRange(all, nl + 1, all.length);
        return new AlertIntake.Payload(e.format(), body, e.receivedAt());
    }

    private static Entry readEntry(Path f) throws IOException {
        byte[] head = new byte[256];
        int n;
        try (var in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        }
        int nl = indexOf(java.util.Arrays.copyOf(head, n), (byte) '\n');
        if (nl < 0) {
            throw new IOException("no header");
        }
        String line = new String(head, 0, nl, StandardCharsets.US_ASCII);
        if (!line.startsWith(MAGIC)) {
            throw new IOException("not an inbox entry");
        }
        String[] parts = line.substring(MAGIC.length()).split(" ");
        if (parts.length != 2 || !AlertIntake.FORMATS.contains(parts[0])) {
            throw new IOException("bad header");
        }
        long size = Files.size(f) - nl - 1;
        return new Entry(f, parts[0], Instant.parse(parts[1]), size);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** Removes an entry once its payload is recorded. */
    public void delete(Entry e) {
        try {
            Files.deleteIfExists(e.file());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Sets aside an entry the intake refuses for good (moved to {@code rejected/}, kept for a person to look at), so
     * it does not stop the payloads after it.
     */
    public Path reject(Entry e) {
        return reject(e.file());
    }

    private Path reject(Path file) {
        try {
            Path rejected = dir.resolve(REJECTED);
            Files.createDirectories(rejected);
            Path target = rejected.resolve(file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void removeTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Makes the rename durable: without it a power cut could forget a file whose receipt was acknowledged. */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // some file systems cannot open a directory: the rename is still atomic, only its durability is the OS's
        }
    }

    @Override
    public void close() {
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
