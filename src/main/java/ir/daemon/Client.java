package ir.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
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
 * Once the process has accepted the command, the client never asks for it to run again: if the process then dies,
 * the client reports that and exits 1.
 */
public final class Client {
    /** No background process answered and the command did not run: start one, run the command in-process. */
    public static final int NO_PROCESS = 111;
    /** The command did not run and should run in-process, without starting a process (wrong key, unsafe dir). */
    public static final int DECLINED = 112;

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
        int code = run(Path.of(args[0]), Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                Path.of("").toAbsolutePath(), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err));
        System.exit(code);
    }

    /** Runs {@code args} in the background process; returns ir's exit code, or {@link #NO_PROCESS}/{@link #DECLINED}. */
    public static int run(Path jar, String[] args, Map<String, String> env, Path cwd, OutputStream out,
                          OutputStream err) {
        for (String a : args) {
            if (a.equals("-")) {
                return DECLINED; // reads standard input: the launcher keeps it for the in-process run
            }
        }
        int code = exchange(jar, Protocol.RUN, args, env, cwd, out, err);
        if (code != LOST) {
            return code;
        }
        try {
            out.flush();
            err.write(("ir: ir's background process stopped while running this command, so it may or may not have "
                    + "taken effect: check with 'ir show' or 'git log' before running it again\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException ignored) {
            // nowhere left to report it
        }
        return 1;
    }

    /** Asks the background process serving {@code jar} for {@code op} (status or stop); null if none answers. */
    public static String control(Path jar, String op, Map<String, String> env) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = exchange(jar, op, new String[0], env, Path.of("/"), text, OutputStream.nullOutputStream());
        return code == NO_PROCESS || code == DECLINED || code == LOST ? null
                : text.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@link #exchange}: the process took the request and then went away before it answered. */
    private static final int LOST = -1;

    /**
     * Sends {@code op} with {@code args} to the process serving {@code jar} and relays its reply; returns the exit
     * code it sent, {@link #NO_PROCESS} or {@link #DECLINED} when it did not take the request, {@link #LOST} when it
     * took it and then went away.
     */
    private static int exchange(Path jar, String op, String[] args, Map<String, String> env, Path cwd,
                                OutputStream out, OutputStream err) {
        String key;
        try {
            key = Protocol.key(jar, env);
        } catch (IOException e) {
            return DECLINED;
        }
        Path dir = Protocol.directory(env);
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
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return NO_PROCESS; // a socket left by a process that died
        }
        boolean accepted = false;
        try (channel) {
            send(channel, request(key, op, cwd, env, args));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
            byte[] buffer = new byte[1 << 16];
            for (int type = Protocol.readType(in); type != -1; type = Protocol.readType(in)) {
                switch (type) {
                    case Protocol.ACCEPTED -> accepted = true;
                    case Protocol.OUT -> copy(in, out, buffer);
                    case Protocol.ERR -> copy(in, err, buffer);
                    case Protocol.EXIT -> {
                        int code = in.readInt();
                        out.flush();
                        err.flush();
                        return code;
                    }
                    case Protocol.DECLINE -> {
                        if (!accepted) {
                            return DECLINED;
                        }
                        throw new IOException("malformed reply");
                    }
                    default -> throw new IOException("malformed reply (frame " + type + ")");
                }
            }
        } catch (IOException e) {
            // as at the end of the stream
        }
        return accepted ? LOST : NO_PROCESS; // closed before taking the request (e.g. it was exiting): nothing ran
    }

    /** Why the last background process for {@code jar} could not serve, if that was recent; else null. */
    public static String lastFailure(Path jar, Map<String, String> env) {
        try {
            Path failed = Protocol.marker(Protocol.socket(Protocol.directory(env), Protocol.key(jar, env)), "failed");
            return Protocol.recent(failed, Protocol.FAILED_MILLIS) ? Files.readString(failed).strip() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Copies one frame's bytes (its length first) from {@code in} to {@code to}, a buffer at a time. */
    private static void copy(DataInputStream in, OutputStream to, byte[] buffer) throws IOException {
        int left = in.readInt();
        if (left < 0) {
            throw new IOException("malformed reply (a frame of " + left + " bytes)");
        }
        while (left > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, left));
            if (n < 0) {
                throw new java.io.EOFException();
            }
            to.write(buffer, 0, n);
            left -= n;
        }
    }

    private static byte[] request(String key, String op, Path cwd, Map<String, String> env, String[] args)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        DataOutputStream o = new DataOutputStream(bytes);
        o.writeInt(Protocol.MAGIC);
        Protocol.writeString(o, key);
        Protocol.writeString(o, op);
        Protocol.writeString(o, cwd.toString());
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
        return bytes.toByteArray();
    }

    private static void send(SocketChannel channel, byte[] request) throws IOException {
        OutputStream o = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        DataOutputStream d = new DataOutputStream(o);
        d.writeInt(request.length);
        d.write(request);
        d.flush();
    }
}
