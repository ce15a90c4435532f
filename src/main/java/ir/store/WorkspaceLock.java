package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock under {@code .git/ir/} that serialises read-modify-write-commit. An OS file lock (released by the kernel
 * when a process dies, so it is never stale) plus an in-JVM lock, because file locks do not exclude threads of one
 * process.
 */
final class WorkspaceLock implements AutoCloseable {
    /**
     * The one process-wide table in the store, on purpose: POSIX record locks belong to the process, and closing any
     * channel on the file drops them all, so two backends of one workspace in one process (a test, the shell's
     * command opening its own) must also exclude each other in the JVM, whoever owns them. It only grows by the
     * workspaces this process locked.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private WorkspaceLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static WorkspaceLock acquire(Path stateDir, Duration timeout) {
        Path file = stateDir.resolve("lock").toAbsolutePath().normalize();
        long deadline = System.nanoTime() + timeout.toNanos();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!threadLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy(timeout);
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(stateDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long sleep = 2;
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l != null) {
                    return new WorkspaceLock(threadLock, ch, l);
                }
                if (System.nanoTime() > deadline) {
                    throw busy(timeout);
                }
                Thread.sleep(sleep);
                sleep = Math.min(sleep * 2, 50);
            }
        } catch (IOException e) {
            close(ch);
            threadLock.unlock();
            throw new IrException(ExitCode.FAILURE, "cannot lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(ch);
            threadLock.unlock();
            throw busy(timeout);
        } catch (RuntimeException e) {
            close(ch);
            threadLock.unlock();
            throw e;
        }
    }

    private static IrException busy(Duration timeout) {
        return new IrException(ExitCode.BUSY, "another ir command is working on this workspace and did not finish "
                + "within " + timeout.toSeconds() + "s: try again (set IR_LOCK_TIMEOUT=SECONDS to wait longer)");
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        } finally {
            close(channel);
            threadLock.unlock();
        }
    }
}
