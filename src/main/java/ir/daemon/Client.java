package ir.daemon;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The launcher's fast path for one command: hands it to ir's background process (see {@link Server}) and relays
 * its output and exit code, so the command costs a small JVM instead of ir's full start-up. JDK classes only.
 *
 * <p>When it cannot be sure the command ran, it says so: exit {@link #NO_PROCESS} or {@link #DECLINED} means
 * the command did not run, and the launcher runs it itself (starting a background process after {@code NO_PROCESS}).
 * That includes a process that does not answer within {@link Protocol#ANSWER_MILLIS} (stopped, stuck, overloaded).
 * Once the client has handed the command over ({@link Protocol#GO}), it never asks for it to run again: if the process
 * then dies, or says nothing for {@link Protocol#SILENCE_MILLIS}, the client reports that and exits 1.
 */
public final class Client {
    /** No background process answered and the command did not run: start one, run the command in-process. */
    public static final int NO_PROCESS = 111;
    /** The command did not run and should run in-process, without starting a process (wrong key, unsafe dir). */
    public static final int DECLINED = 112;

    /**
     * Who asks: the working directory, the environment, the file mode creation mask (-1: unknown), the time zone
     * ({@code ""}: the system's, as when {@code TZ} is not set) and whether standard input and output are a terminal.
     */
    public record Caller(Path cwd, Map<String, String> env, int umask, String zone, boolean terminal) {
        /** This process, as the launcher started it. */
        static Caller self() {
            // TimeZone costs a cold JVM milliseconds (it reads the zone database): only when TZ chooses another zone
            // than the system's, which the process uses for requests that name none.
            String zone = System.getenv("TZ") != null ? java.util.TimeZone.getDefault().getID() : "";
            return new Caller(Path.of("").toAbsolutePath(), System.getenv(), Protocol.Self.read().umask(), zone,
                    System.console() != null);
        }
    }

    private Client() {
    }

    /** {@code Client JAR ARGS...}: runs ir's {@code ARGS} in the background process serving {@code JAR}. */
    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--training")) {
            Training.run();
            return;
        }
        if (args.length == 0) {
            System.exit(DECLINED);
        }
        String[] ir = Arrays.copyOfRange(args, 1, args.length);
        if (!Protocol.runsInBackground(ir, System.console() != null) || lostInDecoding(args)) {
            System.exit(DECLINED);
        }
        int code = run(Path.of(args[0]), ir, Caller.self(), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err));
        System.exit(code);
    }

    /**
     * Whether this JVM's locale is not UTF-8 and lost characters of the arguments or working directory (U+FFFD):
     * then the command runs in-process, which refuses it with a message (see ir.env.Env#lostInDecoding).
     */
    static boolean lostInDecoding(String[] args) {
        String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("UTF8")) {
            return false;
        }
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                return true;
            }
        }
        return System.getProperty("user.dir", "").indexOf('\uFFFD') >= 0;
    }

    /** {@link #run(Path, String[], Caller, OutputStream, OutputStream)} with no umask, zone or terminal. */
    public static int run(Path jar, String[] args, Map<String, String> env, Path cwd, OutputStream out,
                          OutputStream err) {
        return run(jar, args, new Caller(cwd, env, -1, "", false), out, err);
    }

    /**
     * Runs {@code args} in the background process for {@code caller}; returns ir's exit code, or
     * {@link #NO_PROCESS}/{@link #DECLINED} when the command did not run.
     */
    public static int run(Path jar, String[] args, Caller caller, OutputStream out, OutputStream err) {
        return run(jar, args, caller, out, err, Protocol.ANSWER_MILLIS, Protocol.SILENCE_MILLIS);
    }

    /** {@link #run(Path, String[], Caller, OutputStream, OutputStream)} with the time limits given (for tests). */
    static int run(Path jar, String[] args, Caller caller, OutputStream out, OutputStream err, long answerMillis,
                   long silenceMillis) {
        if (!Protocol.runsInBackground(args, caller.terminal())) {
            return DECLINED;
        }
        Output o = new Output(out);
        Output e = new Output(err);
        int code = exchange(jar, Protocol.RUN, args, caller, o, e, answerMillis, silenceMillis, true);
        if (code >= 0) {
            return code;
        }
        e.write(("ir: ir's background process " + (code == LOST ? "stopped" : "stopped answering (nothing for "
                + (silenceMillis % 1000 == 0 ? silenceMillis / 1000 + " s" : silenceMillis + " ms") + ")") + " while running this command, so it may or may not have taken "
                + "effect: check with 'ir show' or 'git log' before running it again"
                + (code == LOST ? "" : "; 'ir daemon stop' ends that process") + "\n").getBytes(StandardCharsets.UTF_8));
        return 1;
    }

    /** What {@link #control} found. */
    public enum State { ANSWERED, NOT_RUNNING, NOT_ANSWERING }

    /** The answer to {@link #control}: its state, and the process's text when it answered. */
    public record Reply(State state, String text) {
    }

    /**
     * Asks the background process serving {@code jar} for {@code op} (status or stop), within
     * {@link Protocol#ANSWER_MILLIS} to take it and {@link Protocol#SILENCE_MILLIS} to answer.
     */
    public static Reply control(Path jar, String op, Map<String, String> env) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = exchange(jar, op, new String[0], new Caller(Path.of("/"), env, -1, "", false), new Output(text),
                new Output(OutputStream.nullOutputStream()), Protocol.ANSWER_MILLIS, Protocol.SILENCE_MILLIS, false);
        if (code == NO_PROCESS || code == DECLINED) {
            return new Reply(State.NOT_RUNNING, null);
        }
        if (code == UNANSWERED || code == SILENT || code == LOST) {
            return new Reply(State.NOT_ANSWERING, null);
        }
        return new Reply(State.ANSWERED, text.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@link #exchange}'s outcomes besides an exit code: the process took the command and then went away ({@code
     * LOST}) or fell silent ({@code SILENT}); it did not take the request in time ({@code UNANSWERED}).
     */
    private static final int LOST = -1;
    private static final int SILENT = -2;
    private static final int UNANSWERED = -3;

    /**
     * Sends {@code op} with {@code args} to the process serving {@code jar} and relays its reply; returns the exit
     * code it sent, {@link #NO_PROCESS} or {@link #DECLINED} when it did not take the request, or one of
     * {@link #LOST}, {@link #SILENT} and (only when not {@code fallBack}: else {@link #DECLINED}) {@link #UNANSWERED}.
     */
    private static int exchange(Path jar, String op, String[] args, Caller caller, Output out, Output err,
                                long answerMillis, long silenceMillis, boolean fallBack) {
        String key;
        try {
            key = Protocol.key(jar);
        } catch (IOException e) {
            return DECLINED;
        }
        Path dir = Protocol.directory(caller.env());
        Path socket = Protocol.socket(dir, key);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Protocol.isPrivate(dir)
                    || Protocol.recent(Protocol.marker(socket, "starting"), Protocol.STARTING_MILLIS)
                    || Protocol.recent(Protocol.marker(socket, "failed"), Protocol.FAILED_MILLIS)) {
                return DECLINED; // none could serve from there, one is about to, or one could not: start none
            }
            return NO_PROCESS;
        }
        if (!Protocol.isPrivate(dir)) {
            return DECLINED; // a request carries the caller's environment: never into a directory others can use
        }
        Path unresponsive = Protocol.marker(socket, "unresponsive");
        if (fallBack && Protocol.recent(unresponsive, Protocol.UNRESPONSIVE_MILLIS)) {
            return DECLINED; // it did not answer another command a moment ago: do not wait for it again
        }
        byte[] request;
        try {
            request = request(key, op, caller, args);
        } catch (IOException e) {
            return DECLINED;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return DECLINED;
        }
        Watch watch = new Watch(channel, answerMillis);
        boolean handedOver = false;
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException | RuntimeException e) {
                return watch.fired() ? unanswered(unresponsive, fallBack) : NO_PROCESS; // refused: a process died
            }
            channel.write(ByteBuffer.wrap(request));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
            byte[] buffer = new byte[1 << 16];
            for (int type = Protocol.readType(in); type != -1; type = Protocol.readType(in)) {
                watch.arm(silenceMillis); // heard from it: from now on, only silence makes the client give up
                switch (type) {
                    case Protocol.READY -> {
                        if (handedOver) {
                            throw new IOException("malformed reply");
                        }
                        // Past this write the process may run the command, so it never runs here too.
                        channel.write(ByteBuffer.wrap(new byte[] {Protocol.GO}));
                        handedOver = true;
                    }
                    case Protocol.ALIVE -> {
                        // the command is still running (or waiting for the one before it)
                    }
                    case Protocol.OUT -> copy(in, out, buffer, watch, silenceMillis);
                    case Protocol.ERR -> copy(in, err, buffer, watch, silenceMillis);
                    case Protocol.EXIT -> {
                        return in.readInt();
                    }
                    case Protocol.DECLINE -> {
                        if (!handedOver) {
                            return DECLINED;
                        }
                        throw new IOException("malformed reply");
                    }
                    default -> throw new IOException("malformed reply (frame " + type + ")");
                }
            }
        } catch (IOException e) {
            // as at the end of the stream
        } finally {
            watch.done();
        }
        if (!handedOver) { // closed, or not answered, before it took the command: nothing ran
            return watch.fired() ? unanswered(unresponsive, fallBack) : NO_PROCESS;
        }
        if (watch.fired()) {
            mark(unresponsive);
            return SILENT;
        }
        return LOST;
    }

    /** The process did not take the request in time: say so to the next clients, and have this one run it itself. */
    private static int unanswered(Path unresponsive, boolean fallBack) {
        mark(unresponsive);
        return fallBack ? DECLINED : UNANSWERED;
    }

    private static void mark(Path marker) {
        try {
            Files.write(marker, new byte[0]);
        } catch (IOException | RuntimeException ignored) {
            // the next client then waits for it too
        }
    }

    /**
     * The id of the background process serving {@code jar}, as it wrote it beside its socket, while that process is
     * alive and is one (a pid is reused: its command line must name {@code ir.Daemon}); else -1.
     */
    public static long pid(Path jar, Map<String, String> env) {
        try {
            Path file = Protocol.marker(Protocol.socket(Protocol.directory(env), Protocol.key(jar)), "pid");
            long pid = Long.parseLong(Files.readString(file).strip());
            ProcessHandle p = ProcessHandle.of(pid).orElse(null);
            return p != null && p.isAlive() && p.info().commandLine().orElse("").contains("ir.Daemon") ? pid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Ends the background process {@code pid} serving {@code jar}, which does not answer: SIGTERM, and SIGKILL when
     * it has not ended a second later (a stopped process acts on nothing else). Returns the signal that ended it, or null
     * when it did not end; then removes what it left beside its socket, so that the next command starts another.
     */
    public static String end(Path jar, Map<String, String> env, long pid) {
        ProcessHandle p = ProcessHandle.of(pid).orElse(null);
        String how = "SIGTERM";
        if (p != null) {
            p.destroy();
            if (!ended(p, 1000)) {
                p.destroyForcibly();
                how = "SIGKILL";
                if (!ended(p, 2000)) {
                    return null;
                }
            }
        }
        try {
            Path socket = Protocol.socket(Protocol.directory(env), Protocol.key(jar));
            Path file = Protocol.marker(socket, "pid");
            if (Files.readString(file).strip().equals(Long.toString(pid))) { // not a newer process's
                Files.deleteIfExists(socket);
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(Protocol.marker(socket, "unresponsive"));
        } catch (IOException | RuntimeException ignored) {
            // the next process replaces them
        }
        return how;
    }

    /** Whether {@code p} ends within {@code millis}. */
    private static boolean ended(ProcessHandle p, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (p.isAlive()) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !p.isAlive();
            }
        }
        return true;
    }

    /** Why the last background process for {@code jar} could not serve, if that was recent; else null. */
    public static String lastFailure(Path jar, Map<String, String> env) {
        try {
            Path failed = Protocol.marker(Protocol.socket(Protocol.directory(env), Protocol.key(jar)), "failed");
            return Protocol.recent(failed, Protocol.FAILED_MILLIS) ? Files.readString(failed).strip() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Copies one frame's bytes (its length first) from {@code in} to {@code to}, a buffer at a time. The watch waits
     * while the client writes: a pager that reads slowly is not a silent process.
     */
    private static void copy(DataInputStream in, Output to, byte[] buffer, Watch watch, long silenceMillis)
            throws IOException {
        int left = in.readInt();
        if (left < 0) {
            throw new IOException("malformed reply (a frame of " + left + " bytes)");
        }
        while (left > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, left));
            if (n < 0) {
                throw new java.io.EOFException();
            }
            watch.pause();
            to.write(buffer, 0, n);
            watch.arm(silenceMillis);
            left -= n;
        }
    }

    /** The request frame for {@code op}: its length, then what {@link Server} parses. */
    static byte[] request(String key, String op, Caller caller, String[] args) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        DataOutputStream o = new DataOutputStream(bytes);
        o.writeInt(0); // the length, below
        o.writeInt(Protocol.MAGIC);
        Protocol.writeString(o, key);
        Protocol.writeString(o, op);
        Protocol.writeString(o, caller.cwd().toString());
        o.writeInt(caller.umask());
        Protocol.writeString(o, caller.zone());
        Map<String, String> env = caller.env();
        o.writeInt(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            Protocol.writeString(o, e.getKey());
            Protocol.writeString(o, e.getValue());
        }
        o.writeInt(args.length);
        for (String a : args) {
            Protocol.writeString(o, a);
        }
        o.flush();
        byte[] b = bytes.toByteArray();
        int n = b.length - 4;
        b[0] = (byte) (n >>> 24);
        b[1] = (byte) (n >>> 16);
        b[2] = (byte) (n >>> 8);
        b[3] = (byte) n;
        return b;
    }

    /**
     * The client's stdout or stderr. A closed one (the reader of {@code ir list | head -1} has gone: EPIPE) is a
     * normal end, as for a one-shot ir: the rest of the output is dropped, and the command's exit code still relayed.
     */
    private static final class Output {
        private final OutputStream to;
        private boolean closed;

        Output(OutputStream to) {
            this.to = to;
        }

        void write(byte[] b, int off, int len) {
            if (closed) {
                return;
            }
            try {
                to.write(b, off, len);
                to.flush();
            } catch (IOException e) {
                closed = true;
            }
        }

        void write(byte[] b) {
            write(b, 0, b.length);
        }
    }

    /**
     * Closes the connection when the process has not been heard from in time, which ends a read or connect the
     * client is blocked in (a socket channel has no read timeout). One thread, waiting on its own monitor.
     */
    private static final class Watch implements Runnable {
        private final SocketChannel channel;
        private long deadline; // System.nanoTime(); Long.MAX_VALUE: paused
        private boolean done;
        private boolean fired;

        Watch(SocketChannel channel, long millis) {
            this.channel = channel;
            this.deadline = System.nanoTime() + millis * 1_000_000;
            Thread t = new Thread(this, "ir-client-watch");
            t.setDaemon(true);
            t.start();
        }

        synchronized void arm(long millis) {
            deadline = System.nanoTime() + millis * 1_000_000;
        }

        synchronized void pause() {
            deadline = Long.MAX_VALUE;
        }

        synchronized void done() {
            done = true;
            notifyAll();
        }

        synchronized boolean fired() {
            return fired;
        }

        @Override
        public synchronized void run() {
            while (!done) {
                long left = deadline == Long.MAX_VALUE ? 1000 : (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    fired = true;
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // closed either way
                    }
                    return;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
