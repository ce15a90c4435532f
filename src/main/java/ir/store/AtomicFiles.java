package ir.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes a file so that readers see the old or the new content, never a torn one. */
final class AtomicFiles {
    static final String TMP_PREFIX = ".ir-tmp-";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        write(target, content, false, -1);
    }

    /**
     * Writes {@code content} to {@code target} with the mode a new file gets under {@code umask} (0666, or 0777 when
     * {@code executable}, less the mask), as git would check it out; {@code umask} -1 is this process's own.
     */
    static void write(Path target, byte[] content, boolean executable, int umask) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-"
                + target.getFileName());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (umask >= 0 || executable) {
                permissions(tmp, executable, umask);
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

    private static void permissions(Path file, boolean executable, int umask) throws IOException {
        java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(file,
                java.nio.file.attribute.PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: the default mode is all there is
        }
        int mode;
        if (umask >= 0) {
            mode = (executable ? 0777 : 0666) & ~umask;
        } else {
            mode = 0;
            for (java.nio.file.attribute.PosixFilePermission p : view.readAttributes().permissions()) {
                mode |= 1 << (8 - p.ordinal());
            }
            mode |= (mode & 0444) >> 2; // executable where readable, as git checks out a 100755 file
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
                java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
        for (java.nio.file.attribute.PosixFilePermission p : java.nio.file.attribute.PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                perms.add(p);
            }
        }
        view.setPermissions(perms);
    }
}
