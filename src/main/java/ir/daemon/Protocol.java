package ir.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;

/**
 * What the launcher's client and ir's background process share: where the socket is, which process may serve which
 * client, and the wire format. JDK classes only: the client loads this class, and it must start as fast as a
 * hello-world JVM.
 *
 * <p>A background process serves exactly one installed jar, Java, home directory and time zone, since a command's
 * result may depend on them: the socket's name is a hash of all four (the {@linkplain #key key}), and the process
 * checks the whole key on every request, so a changed jar, Java or environment never reaches an old process.
 *
 * <p>The socket lives in a directory only its user can enter ({@code $XDG_RUNTIME_DIR/ir}, else
 * {@code <tmpdir>/ir-<user>}, or {@code IR_DAEMON_DIR}): the client refuses any other, since a request carries the
 * caller's environment.
 */
public final class Protocol {
    static final int MAGIC = 0x49520001; // "IR", version 1

    /** Request operations. */
    static final String RUN = "run";
    static final String STATUS = "status";
    static final String STOP = "stop";

    /**
     * Reply frames: the command was taken (from then on it may have run), data, messages, the exit code, or "run it
     * yourself" (only before the command was taken).
     */
    static final byte ACCEPTED = 'A';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    static final byte DECLINE = 'D';

    /** Bounds on what a request may hold: no client sends more, and a reader never allocates more. */
    static final int MAX_STRING = 1 << 20;
    static final int MAX_ITEMS = 10_000;
    static final int MAX_REQUEST = 8 << 20;

    private Protocol() {
    }

    /** Where the sockets are: see the class comment. */
    public static Path directory(Map<String, String> env) {
        String dir = env.get("IR_DAEMON_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) {
            return Path.of(runtime, "ir");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "ir-" + System.getProperty("user.name"));
    }

    /**
     * The identity of a background process: the jar (path, size, time), the Java running it, and the parts of the
     * environment that are read once per process, or by JGit from the process's own environment, rather than per
     * command (home directory, time zone, locale, where git's user config is).
     */
    public static String key(Path jar, Map<String, String> env) throws IOException {
        Path abs = jar.toAbsolutePath().normalize();
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(abs,
                java.nio.file.attribute.BasicFileAttributes.class); // one stat: the client runs this every command
        return String.join("\n", "ir-daemon/1", abs.toString(), Long.toString(a.size()),
                Long.toString(a.lastModifiedTime().toMillis()), System.getProperty("java.home"),
                System.getProperty("java.vm.version"), System.getProperty("user.name"),
                System.getProperty("user.home"), String.valueOf(env.get("HOME")), String.valueOf(env.get("TZ")),
                String.valueOf(env.get("LANG")), String.valueOf(env.get("LC_ALL")),
                String.valueOf(env.get("XDG_CONFIG_HOME")), String.valueOf(env.get("GIT_CONFIG_NOSYSTEM")));
    }

    /** The socket of the process with {@code key}: a 64-bit FNV-1a hash of it, in hex. */
    public static Path socket(Path directory, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        String hex = Long.toHexString(h); // not String.format: Formatter alone costs the client milliseconds
        return directory.resolve("0".repeat(16 - hex.length()) + hex + ".sock");
    }

    /**
     * A file beside {@code socket} that says what its process is doing when there is no socket: {@code starting}
     * (holds the lock, warming up) or {@code failed} (could not serve; holds the reason). While one is recent the
     * client runs commands in-process without starting another process, so a process that cannot start is not
     * started again by every command.
     */
    static Path marker(Path socket, String state) {
        String name = socket.getFileName().toString();
        return socket.resolveSibling(name.substring(0, name.length() - ".sock".length()) + "." + state);
    }

    /** Whether {@code file} exists and was modified less than {@code millis} ago. */
    static boolean recent(Path file, long millis) {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis()
                    < millis;
        } catch (IOException e) {
            return false;
        }
    }

    /** How long a process may warm up, and how long after a failure to start none is started again. */
    static final long STARTING_MILLIS = 60_000;
    static final long FAILED_MILLIS = 600_000;

    /** Whether {@code dir} is a directory (not a link) of this user that no one else may enter. */
    public static boolean isPrivate(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isDirectory() && a.owner().getName().equals(System.getProperty("user.name"))
                    && a.permissions().equals(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in, MAX_STRING), StandardCharsets.UTF_8);
    }

    static byte[] readBytes(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("malformed message: a field of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    static int readCount(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("malformed message: " + n + " items");
        }
        return n;
    }

    /** Reads a frame's type, or -1 at the end of the stream. */
    static int readType(DataInputStream in) throws IOException {
        try {
            return in.readByte();
        } catch (EOFException e) {
            return -1;
        }
    }
}
