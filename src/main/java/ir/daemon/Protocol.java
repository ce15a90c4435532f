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
import java.util.Set;

/**
 * What the launcher's client and ir's background process share: where the socket is, which process may serve which
 * client, which commands it may run, the wire format and its time limits. JDK classes only: the client loads this
 * class, and it must start as fast as a hello-world JVM.
 *
 * <p>One background process per user: a process serves exactly one installed jar, Java and user, the socket's name
 * is a hash of those (the {@linkplain #key key}), and the process checks the whole key on every request, so a
 * changed jar or Java never reaches an old process. Everything else a command may depend on travels with each request:
 * the working directory, the environment (home, locale, git's variables), the time zone and the umask.
 *
 * <p>The socket lives in a directory only its user can enter ({@code /run/user/<uid>/ir}, else
 * {@code <tmpdir>/ir-<user>}, or {@code IR_DAEMON_DIR}): the client refuses any other, since a request carries the
 * caller's environment. The directory does not depend on the rest of the environment either ({@code XDG_RUNTIME_DIR}
 * is unset under cron or ssh), so every caller finds the same process.
 *
 * <p>A request is taken in two steps, so that a command never runs twice: the process answers {@link #READY}, and
 * runs the command only once the client has answered {@link #GO}. A client that hears nothing for
 * {@link #ANSWER_MILLIS} never sends {@code GO} and runs the command itself; from {@code GO} on it never does, and it
 * gives up (saying the command may or may not have run) only after {@link #SILENCE_MILLIS} without a frame, which a
 * live process never lets pass: it sends {@link #ALIVE} every {@link #HEARTBEAT_MILLIS} while the command runs.
 */
public final class Protocol {
    static final int MAGIC = 0x49520002; // "IR", version 2: the two-step hand-over, umask and time zone

    /** Request operations. */
    static final String RUN = "run";
    static final String STATUS = "status";
    static final String STOP = "stop";

    /**
     * Frames. From the process: ready to take the request, still running it, data, messages, the exit code, or "run
     * it yourself" (only before {@code READY}). From the client, after {@code READY}: go (run it).
     */
    static final byte READY = 'R';
    static final byte GO = 'G';
    static final byte ALIVE = 'K';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    static final byte DECLINE = 'D';

    /** How long the client waits to connect and hear {@link #READY} before it runs the command itself. */
    static final long ANSWER_MILLIS = 1500;
    /** How long, once a command was handed over, the client waits for any frame before it gives up on the process. */
    static final long SILENCE_MILLIS = 10_000;
    /** How often the process says {@link #ALIVE} while a handed-over command runs (or waits for the one before). */
    static final long HEARTBEAT_MILLIS = 1000;
    /** How long the process waits for a whole request and then {@link #GO} before it drops the connection. */
    static final long REQUEST_MILLIS = 5000;

    /** Bounds on what a request may hold: no client sends more, and a reader never allocates more. */
    static final int MAX_STRING = 1 << 20;
    static final int MAX_ITEMS = 10_000;
    static final int MAX_REQUEST = 8 << 20;

    /**
     * The commands the background process may run: what needs neither a terminal nor standard input nor a remote.
     * {@code ir.cli.Cli.backgroundCommands()} declares the same (a test holds them equal); this copy is for the
     * client, which must not load the CLI. Not here: {@code init}, {@code edit} (an editor), {@code shell} (a
     * session), {@code sync} (a remote, perhaps asking for credentials), {@code merge-file} (run by git with git's
     * environment) and {@code daemon} (which must work when the process does not).
     */
    public static final Set<String> BACKGROUND = Set.of("open", "log", "show", "list", "use", "severity", "role",
            "status", "resolve", "reopen", "cancel", "mark", "window", "data-loss", "set", "add", "action", "checklist",
            "actions", "update", "check", "history", "stats", "report", "postmortem",
            "help", "completion", "__complete");

    /**
     * Of {@link #BACKGROUND}, the commands that prompt on a terminal for what was left out ({@code ir open} asks for
     * the title and severity): they go to the process only when they would not prompt.
     */
    public static final Set<String> PROMPTING = Set.of("open", "update");

    /**
     * Of {@link #BACKGROUND}, the commands an option makes long-lived, by that option's names: {@code ir show
     * --follow} runs until interrupted, and the background process runs one command at a time, so with it the command
     * runs in the caller's own process. {@code ir.cli.ShowCommand} declares the same names (a test holds them equal).
     */
    public static final Map<String, Set<String>> LONG_LIVED = Map.of("show", Set.of("-f", "--follow"));

    /** The global options that take a value (so the word after them is not the command's name). */
    static final Set<String> GLOBAL_VALUE_OPTIONS = Set.of("-C", "--as");
    /** {@code ir open}'s options that take a value, besides the global ones. */
    static final Set<String> OPEN_VALUE_OPTIONS = Set.of("-s", "--severity", "--type", "--commander", "--summary",
            "-t", "--tag", "--at", "--id");
    /** The options that need no command: {@code ir --version} and {@code ir --help} run in the process too. */
    static final Set<String> ALONE = Set.of("-h", "--help", "-V", "--version");

    private Protocol() {
    }

    /**
     * Whether ir's {@code args} may run in the background process: a command of {@link #BACKGROUND} that reads no
     * standard input ({@code -}), and, for one of {@link #PROMPTING}, would not prompt: not at a {@code terminal},
     * {@code --no-input}, or its title and severity given.
     */
    public static boolean runsInBackground(String[] args, boolean terminal) {
        String name = null;
        int at = -1;
        boolean noInput = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-")) {
                return false; // reads standard input: the launcher keeps it for the in-process run
            }
            noInput |= a.equals("--no-input");
            if (name != null) {
                continue;
            }
            if (a.equals("--")) {
                return false;
            }
            if (GLOBAL_VALUE_OPTIONS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                name = a;
                at = i;
            }
        }
        if (name == null) { // ir --version, ir --help: yes; ir alone (the usage, on stderr) or with other options: no
            for (String a : args) {
                if (!ALONE.contains(a)) {
                    return false;
                }
            }
            return args.length > 0;
        }
        if (!BACKGROUND.contains(name) || longLived(LONG_LIVED.get(name), args, at + 1)) {
            return false;
        }
        // ir update at a terminal may ask for any part it lacks: it runs in the background only when it cannot ask.
        return !PROMPTING.contains(name) || !terminal || noInput || name.equals("open") && openIsComplete(args, at + 1);
    }

    /**
     * Whether {@code args} from {@code from} on give one of {@code options} (null: none to look for): by a long
     * name (also {@code --follow=true}), or a short one alone or in a cluster ({@code -f}, {@code -fi ID}). A cluster
     * that only seems to hold it ({@code -icheckoutfix}) answers yes too: such a command runs in-process, which is
     * always right, only slower.
     */
    static boolean longLived(Set<String> options, String[] args, int from) {
        if (options == null) {
            return false;
        }
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            for (String o : options) {
                if (o.startsWith("--") ? a.equals(o) || a.startsWith(o + "=")
                        : !a.startsWith("--") && a.startsWith("-") && a.indexOf(o.charAt(1), 1) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code ir open}'s arguments from {@code from} on give a title and a severity (so it asks nothing). */
    static boolean openIsComplete(String[] args, int from) {
        boolean title = false;
        boolean severity = false;
        boolean options = true;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!options || !a.startsWith("-")) {
                title |= !a.isBlank();
            } else if (a.equals("--")) {
                options = false;
            } else if (a.equals("-s") || a.equals("--severity")) {
                severity |= i + 1 < args.length;
                i++;
            } else if (a.startsWith("--severity=") || a.startsWith("-s") && !a.startsWith("--")) {
                severity = true; // -sSEV-1, -s=1: picocli takes the rest as the value
            } else if (OPEN_VALUE_OPTIONS.contains(a) || GLOBAL_VALUE_OPTIONS.contains(a)) {
                i++;
            }
        }
        return title && severity;
    }

    /** Where the sockets are: see the class comment. {@code uid} is this user's number, or -1 when not known. */
    public static Path directory(Map<String, String> env, long uid) {
        String dir = env.get("IR_DAEMON_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        if (uid >= 0) {
            Path run = Path.of("/run/user", Long.toString(uid));
            if (isPrivate(run)) {
                return run.resolve("ir");
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "ir-" + System.getProperty("user.name"));
    }

    /** {@link #directory(Map, long)} for this process's user. */
    public static Path directory(Map<String, String> env) {
        return directory(env, Self.read().uid());
    }

    /**
     * The identity of a background process: the jar (path, size, time), the Java running it and the user. Nothing of
     * the environment: that travels with each request.
     */
    public static String key(Path jar) throws IOException {
        Path abs = jar.toAbsolutePath().normalize();
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(abs,
                java.nio.file.attribute.BasicFileAttributes.class); // one stat: the client runs this every command
        return String.join("\n", "ir-daemon/2", abs.toString(), Long.toString(a.size()),
                Long.toString(a.lastModifiedTime().toMillis()), System.getProperty("java.home"),
                System.getProperty("java.vm.version"), System.getProperty("user.name"));
    }

    /**
     * What the kernel says of this process ({@code /proc/self/status} on Linux): its file mode creation mask and its
     * user's number, each -1 where there is no such file.
     */
    public record Self(int umask, long uid) {
        public static Self read() {
            byte[] status;
            try {
                status = Files.readAllBytes(Path.of("/proc/self/status"));
            } catch (IOException | RuntimeException e) {
                return new Self(-1, -1);
            }
            // Latin-1 and by hand: no charset decoder or regex for the client to load.
            String s = new String(status, StandardCharsets.ISO_8859_1);
            return new Self((int) field(s, "\nUmask:", 8), field(s, "\nUid:", 10));
        }

        /** The first number after {@code name} in {@code s}, in {@code radix}; -1 when there is none. */
        static long field(String s, String name, int radix) {
            int i = s.indexOf(name);
            if (i < 0) {
                return -1;
            }
            i += name.length();
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            long v = -1;
            for (; i < s.length() && Character.digit(s.charAt(i), radix) >= 0; i++) {
                v = (v < 0 ? 0 : v * radix) + Character.digit(s.charAt(i), radix);
            }
            return v;
        }
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
     * (holds the lock, warming up), {@code failed} (could not serve; holds the reason) or {@code unresponsive} (did
     * not answer a client in time). While one is recent the client runs commands in-process without starting or
     * trying a process, so a process that cannot start is not started again by every command, and one that is
     * stopped or stuck does not cost every command the wait. Also {@code pid}: the process's id, for
     * {@code ir daemon stop} to end one that does not answer.
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
    /**
     * How long after a process did not answer in time ({@code unresponsive} marker, written by the client that gave
     * up) clients run commands in-process without trying it. A live process deletes the marker within a second.
     */
    static final long UNRESPONSIVE_MILLIS = 60_000;

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
