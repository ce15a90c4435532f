package ir.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ir's background process: a JVM that stays warm for {@code idle} after its last command and runs the commands the
 * launcher's {@link Client} hands it, one at a time, exactly as a one-shot {@code ir} would (same code, the caller's
 * working directory and environment). It is an optimisation only: nothing depends on it running, it serves only its
 * own user (a private directory, and the peer's user checked on every connection), and it never runs a command it has
 * not fully received, nor one whose client did not confirm it still wants it ({@link Protocol#GO}).
 *
 * <p>Nothing a client does can hold it: a connection that does not send its request and {@code GO} within
 * {@link Protocol#REQUEST_MILLIS} is closed, {@link #stop} closes those at once, and an error taking connections is
 * waited out rather than retried in a loop.
 */
public final class Server implements AutoCloseable {
    /** Runs one command as {@code call} says; returns the exit code. */
    public interface Runner {
        int run(Call call, OutputStream out, OutputStream err);
    }

    /**
     * One command as the client asked for it: ir's {@code args}, in {@code cwd}, with the caller's environment, file
     * mode creation mask (-1: not known) and time zone (a {@link java.util.TimeZone} ID; {@code ""}: the system's).
     */
    public record Call(String[] args, Path cwd, Map<String, String> env, int umask, String zone) {
    }

    /** After {@code stop}, how long commands already handed over may still run, and their replies take. */
    static final Duration STOP_GRACE = Duration.ofSeconds(60);
    static final Duration REPLY_GRACE = Duration.ofSeconds(10);
    private static final Duration TRIM_AFTER = Duration.ofSeconds(2);
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final String key;
    private final Path socket;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private ServerSocketChannel server;
    private final UserPrincipal user;
    private final Duration idle;
    private final Runner runner;
    private final ExecutorService commands = Executors.newSingleThreadExecutor(task -> daemonThread(task,
            "ir-command"));
    /** Closes connections that did not send their request and {@link Protocol#GO} in time. */
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, task -> daemonThread(task,
            "ir-deadlines"));
    /** Connections whose command was not handed over yet: {@link #stop} closes them. */
    private final Set<SocketChannel> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    /** Connections whose command was handed over and whose reply is not written yet. */
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile long runningSince;
    private final Instant started = Instant.now();
    private volatile long lastActive = System.nanoTime();
    private long lastTrimmed;
    private volatile boolean stopping;
    private final AtomicInteger served = new AtomicInteger();
    private long requestMillis = Protocol.REQUEST_MILLIS;
    private long heartbeatMillis = Protocol.HEARTBEAT_MILLIS;

    private Server(String key, Path socket, FileChannel lockChannel, FileLock lock, UserPrincipal user, Duration idle,
                   Runner runner) {
        this.key = key;
        this.socket = socket;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.user = user;
        this.idle = idle;
        this.runner = runner;
        deadlines.setRemoveOnCancelPolicy(true);
    }

    private static Thread daemonThread(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Takes the lock of {@code key} in {@code dir} (created private if missing); null when another process already
     * holds it, i.e. serves that key or is about to. {@link #listen} then opens the socket: in between, the caller
     * may warm up, while clients still run their commands in-process. Refuses a directory that is not this user's
     * alone.
     */
    public static Server lock(Path dir, String key, Duration idle, Runner runner) throws IOException {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        } catch (FileAlreadyExistsException exists) {
            // checked below, whoever made it
        }
        if (!Protocol.isPrivate(dir)) {
            throw new IOException(dir + " is not a directory of " + System.getProperty("user.name")
                    + " alone (mode 700): not serving from it");
        }
        Path socket = Protocol.socket(dir, key);
        String name = socket.getFileName().toString();
        // The lock is never deleted: a process that deleted it could leave two processes each holding "the" lock.
        FileChannel lockChannel = FileChannel.open(dir.resolve(name.substring(0, name.length() - ".sock".length())
                + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException held) { // by this JVM
            lock = null;
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            return null;
        }
        Server server = new Server(key, socket, lockChannel, lock, Files.getOwner(dir), idle, runner);
        Files.deleteIfExists(Protocol.marker(socket, "failed"));
        Files.write(Protocol.marker(socket, "starting"), new byte[0]);
        return server;
    }

    /** The time limits of {@link Protocol} (for tests): for a whole request and {@code GO}, and between heartbeats. */
    Server limits(long requestMillis, long heartbeatMillis) {
        this.requestMillis = requestMillis;
        this.heartbeatMillis = heartbeatMillis;
        return this;
    }

    /**
     * Records why this process cannot serve (see {@link Protocol#marker}), so clients stop starting processes for a
     * while, and releases the lock.
     */
    public void failed(Throwable why) {
        try {
            Files.writeString(Protocol.marker(socket, "failed"), why + "\n");
            Files.deleteIfExists(Protocol.marker(socket, "starting"));
        } catch (IOException ignored) {
            // clients then just try again
        }
    }

    /**
     * Opens the socket (replacing one left by a process that died: the lock says none serves it), and writes the
     * process's id beside it for {@code ir daemon stop}.
     */
    public Server listen() throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(socket), 128);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        server = s;
        lastActive = System.nanoTime();
        Files.writeString(Protocol.marker(socket, "pid"), ProcessHandle.current().pid() + "\n");
        Files.deleteIfExists(Protocol.marker(socket, "unresponsive"));
        Files.deleteIfExists(Protocol.marker(socket, "starting"));
        return this;
    }

    private volatile java.util.function.BooleanSupplier keepAlive = () -> false;

    /** Work of the process's own that keeps it up past its idle time (auto-sync with something to do). */
    public Server keepAlive(java.util.function.BooleanSupplier busy) {
        this.keepAlive = busy;
        return this;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Serves until stopped, or idle for the idle time with no command running; then returns once the commands
     * handed over have run and replied (within {@link #STOP_GRACE} and {@link #REPLY_GRACE}).
     */
    public void serve() {
        daemonThread(this::watch, "ir-idle").start();
        acceptLoop(server::accept);
        long end = System.nanoTime() + STOP_GRACE.toNanos();
        long replies = Long.MAX_VALUE;
        while (taken.get() > 0 && System.nanoTime() < Math.min(end, replies)) {
            if (running.get() == 0 && replies == Long.MAX_VALUE) {
                replies = System.nanoTime() + REPLY_GRACE.toNanos(); // to a client that may not be reading
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How {@link #acceptLoop} gets the next connection. */
    interface Acceptor {
        SocketChannel accept() throws IOException;
    }

    /**
     * Takes connections until stopped, each on a thread of its own. An error other than the socket's closing (too
     * many open files, say) is waited out, a little longer each time up to a second: never a loop that spins.
     */
    void acceptLoop(Acceptor acceptor) {
        long backOff = 0;
        while (!stopping) {
            SocketChannel channel;
            try {
                channel = acceptor.accept();
                backOff = 0;
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                backOff = Math.min(MAX_BACKOFF_MILLIS, Math.max(10, backOff * 2));
                try {
                    Thread.sleep(backOff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            connections.incrementAndGet();
            try {
                daemonThread(() -> handle(channel), "ir-request").start();
            } catch (Error e) { // no thread for it (OutOfMemoryError: unable to create native thread)
                connections.decrementAndGet();
                close(channel);
                throw e;
            }
        }
    }

    private void watch() {
        long step = Math.max(10, Math.min(1000, Math.min(idle.toMillis(), TRIM_AFTER.toMillis()) / 4));
        Path unresponsive = Protocol.marker(socket, "unresponsive");
        while (!stopping) {
            try {
                Thread.sleep(step);
            } catch (InterruptedException e) {
                return;
            }
            try {
                // A client gave up on this process while it was stopped or busy; it answers again: say so.
                Files.deleteIfExists(unresponsive);
            } catch (IOException ignored) {
                // clients then run in-process a little longer
            }
            long quiet = System.nanoTime() - lastActive;
            if (connections.get() == 0 && quiet > idle.toNanos() && !keepAlive.getAsBoolean()) {
                stop();
            } else if (connections.get() == 0 && quiet > TRIM_AFTER.toNanos() && lastActive != lastTrimmed) {
                // A process that mostly waits should not keep the heap its busiest command grew: a full collection
                // lets the JVM give memory back (-XX:MaxHeapFreeRatio, see install.sh).
                lastTrimmed = lastActive;
                System.gc();
            }
        }
    }

    /**
     * Stops taking commands: the socket goes at once, so new clients run in-process or start another process, and
     * connections whose command was not handed over yet are closed (their clients run it themselves).
     */
    public void stop() {
        stopping = true;
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // the lock still tells other processes whether one serves
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        for (SocketChannel c : waiting) {
            drop(c);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        deadlines.shutdownNow();
        Files.deleteIfExists(Protocol.marker(socket, "starting"));
        Path pid = Protocol.marker(socket, "pid");
        try {
            if (Files.readString(pid).strip().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(pid);
            }
        } catch (IOException ignored) {
            // none written, or another process's
        }
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    /** Closes {@code c} unless its command was handed over meanwhile: exactly one of the two wins. */
    private void drop(SocketChannel c) {
        if (waiting.remove(c)) {
            close(c);
        }
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    private void handle(SocketChannel channel) {
        waiting.add(channel);
        ScheduledFuture<?> deadline = deadlines.schedule(() -> drop(channel), requestMillis, TimeUnit.MILLISECONDS);
        boolean handedOver = false;
        try (channel) {
            if (stopping) {
                return; // stop() may have missed it
            }
            UserPrincipal peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
            if (!peer.equals(user)) {
                return;
            }
            DataInputStream raw = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            int length = raw.readInt();
            if (length < 0 || length > Protocol.MAX_REQUEST) {
                return;
            }
            byte[] request = raw.readNBytes(length);
            if (request.length != length) {
                return;
            }
            DataOutputStream reply = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
                    1 << 16));
            Request r = Request.parse(request);
            if (r == null || !r.key.equals(key)) {
                reply.writeByte(Protocol.DECLINE);
                reply.flush();
                return;
            }
            reply.writeByte(Protocol.READY);
            reply.flush();
            // Only a client that is still there, and still wants it, says GO: one that gave up runs it itself.
            if (Protocol.readType(raw) != Protocol.GO || !waiting.remove(channel)) {
                return;
            }
            deadline.cancel(false);
            handedOver = true;
            taken.incrementAndGet();
            Frames frames = new Frames();
            int code;
            switch (r.op) {
                case Protocol.STATUS -> {
                    frames.out.write(status().getBytes(StandardCharsets.UTF_8));
                    code = 0;
                }
                case Protocol.STOP -> {
                    frames.out.write(("stopped ir's background process (" + ProcessHandle.current().pid() + ")\n")
                            .getBytes(StandardCharsets.UTF_8));
                    code = 0;
                    stop();
                }
                case Protocol.RUN -> code = run(r.call(), frames, reply);
                default -> {
                    frames.err.write(("ir: unknown request '" + r.op + "'\n").getBytes(StandardCharsets.UTF_8));
                    code = 2;
                }
            }
            frames.writeTo(reply);
            reply.writeByte(Protocol.EXIT);
            reply.writeInt(code);
            reply.flush();
        } catch (IOException | UncheckedIOException e) {
            // the client went away, or was too slow: a command it handed over has still run to the end (and committed)
        } finally {
            deadline.cancel(false);
            waiting.remove(channel);
            if (handedOver) {
                taken.decrementAndGet();
            }
            lastActive = System.nanoTime();
            connections.decrementAndGet();
        }
    }

    /**
     * Runs the command on the one thread that runs all of them, in the order they came: one at a time, as the
     * workspace lock would have them anyway, and what the libraries keep per thread (buffers, encoders) stays warm.
     * Meanwhile tells the client it is {@linkplain Protocol#ALIVE alive}, so that it waits for a long command (or a
     * queue of them) and gives up only on a process that stopped.
     */
    private int run(Call call, Frames frames, DataOutputStream reply) {
        running.incrementAndGet();
        Future<Integer> f = commands.submit(() -> {
            runningSince = System.nanoTime();
            try {
                return runner.run(call, frames.out, frames.err);
            } catch (Throwable t) { // what a one-shot ir would die of: report it, and let a fresh process take over
                stop();
                frames.err.write(("ir: internal error: " + t + " (run again with --verbose for details, and report "
                        + "it)\n").getBytes(StandardCharsets.UTF_8));
                return 1;
            } finally {
                runningSince = 0;
                served.incrementAndGet();
                running.decrementAndGet();
            }
        });
        boolean interrupted = false;
        boolean listening = true;
        try {
            while (true) {
                try {
                    return f.get(heartbeatMillis, TimeUnit.MILLISECONDS); // it runs to its end whatever the client does
                } catch (TimeoutException e) {
                    if (listening) {
                        try {
                            reply.writeByte(Protocol.ALIVE);
                            reply.flush();
                        } catch (IOException gone) {
                            listening = false;
                        }
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause()); // not thrown: the task catches everything
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String status() {
        long since = runningSince;
        return "ir's background process is running: pid " + ProcessHandle.current().pid() + ", since " + started
                + ", commands served: " + served.get() + (since == 0 ? "" : ", running one for "
                + Duration.ofNanos(System.nanoTime() - since).toSeconds() + " s") + ", socket " + socket
                + ", exits after " + idle.toSeconds() + " s idle\n";
    }

    /** A request as the client sent it (see {@link Client}): null when malformed. */
    private record Request(String key, String op, Call call) {
        static Request parse(byte[] bytes) {
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
                if (in.readInt() != Protocol.MAGIC) {
                    return null;
                }
                String key = Protocol.readString(in);
                String op = Protocol.readString(in);
                Path cwd = Path.of(Protocol.readString(in));
                if (!cwd.isAbsolute()) {
                    return null;
                }
                int umask = in.readInt();
                if (umask < -1 || umask > 0777) {
                    return null;
                }
                String zone = Protocol.readString(in);
                int n = Protocol.readCount(in);
                Map<String, String> env = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    env.put(Protocol.readString(in), Protocol.readString(in));
                }
                String[] args = new String[Protocol.readCount(in)];
                for (int i = 0; i < args.length; i++) {
                    args[i] = Protocol.readString(in);
                }
                if (in.available() > 0) {
                    return null;
                }
                return new Request(key, op, new Call(args, cwd, Collections.unmodifiableMap(env), umask, zone));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * The command's stdout and stderr, kept in the order written, sent once it has finished: one frame per run of
     * writes to the same stream (a 10,000-line listing is one frame, not one per 8 KB the encoder flushes), so the
     * client, a JVM that has compiled nothing yet, copies it in a few large reads.
     */
    private static final class Frames {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        private final java.util.List<int[]> runs = new java.util.ArrayList<>(); // {type, offset, length} in bytes
        final OutputStream out = stream(Protocol.OUT);
        final OutputStream err = stream(Protocol.ERR);

        private OutputStream stream(byte type) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (len == 0) {
                        return;
                    }
                    synchronized (bytes) {
                        int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                        if (last != null && last[0] == type) {
                            last[2] += len;
                        } else {
                            runs.add(new int[] {type, bytes.size(), len});
                        }
                        bytes.write(b, off, len);
                    }
                }
            };
        }

        void writeTo(java.io.DataOutputStream reply) throws IOException {
            synchronized (bytes) {
                byte[] all = bytes.toByteArray();
                for (int[] run : runs) {
                    reply.writeByte(run[0]);
                    reply.writeInt(run[2]);
                    // In pieces: a socket write of a heap array goes through a direct buffer of its size, made anew
                    // for every connection's thread (1.3 MB for a 10,000-incident listing).
                    for (int off = 0; off < run[2]; off += 1 << 16) {
                        reply.write(all, run[1] + off, Math.min(1 << 16, run[2] - off));
                    }
                }
            }
        }
    }
}
