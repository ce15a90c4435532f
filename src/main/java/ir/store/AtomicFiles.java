package ir.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Writes a file so that readers see the old or the new content, never a torn one. */
final class AtomicFiles {
    static final String TMP_PREFIX = ".ir-tmp-";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        write(target, content, null);
    }

    /**
     * The mode of a new file for a caller whose file mode creation mask is {@code umask}: 0666 less the mask, as git
     * and the shell give it; null for -1 (not known: the process's own applies). The background process serves
     * callers of every umask, so it cannot leave this to its own.
     */
    static Set<PosixFilePermission> permissions(int umask) {
        if (umask < 0) {
            return null;
        }
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ (0400) ... OTHERS_EXECUTE (0001)
        for (int i = 0; i < bits.length; i++) {
            int bit = 0400 >> i;
            if ((0666 & ~umask & bit) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /** Writes {@code target} with {@code permissions} (null: a new file's mode under this process's umask). */
    static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-"
                + target.getFileName());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (permissions != null) {
                    setPermissions(tmp, permissions); // not an attribute of CREATE_NEW: this process's umask masks those
                }
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException e) {
            // a file system without POSIX modes
        }
    }
}
