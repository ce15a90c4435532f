package ir;

import ir.cli.Cli;
import ir.env.Env;
import ir.daemon.Protocol;
import ir.daemon.Server;
import ir.store.Backends;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TimeZone;

/**
 * {@code ir.Daemon JAR}: ir's background process for the installed {@code JAR}, started by the launcher when a
 * command found none (see {@link Server}). Exits at once when another already serves the same key, and after
 * {@code IR_DAEMON_IDLE} seconds (default 900) without a command.
 */
public final class Daemon {
    static final long DEFAULT_IDLE_SECONDS = 900;
    static final long DEFAULT_WARMUP_MILLIS = 3000;

    private Daemon() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Duration idle = Duration.ofSeconds(DEFAULT_IDLE_SECONDS);
        String v = env.get("IR_DAEMON_IDLE");
        if (v != null && v.trim().matches("[0-9]{1,7}")) {
            idle = Duration.ofSeconds(Long.parseLong(v.trim()));
        }
        // One backend per workspace for the life of the process, lent to each command.
        Backends backends = Backends.kept();
        // The launcher starts this process without TZ, so its own zone is the system's: a request that names none.
        Clock system = Clock.systemDefaultZone();
        Server server = Server.lock(Protocol.directory(env), Protocol.key(Path.of(args[0])), idle,
                (call, out, err) -> run(system, backends, call, out, err));
        if (server == null) {
            return; // another process serves this jar already
        }
        server.keepAlive(backends::hasWork); // auto-sync with work to do keeps the process up past its idle time
        try (server; backends) {
            warmUp(Duration.ofMillis(warmUpMillis(env)));
            System.gc(); // the warm-up's garbage, so that the heap shrinks before the process starts to wait
            server.listen().serve(); // after a fatal error too: the next command starts a fresh process
        } catch (Exception | Error e) {
            server.failed(e);
            throw e;
        }
        System.exit(0);
    }

    /**
     * Runs the training commands (see {@link Training}) until {@code budget} has passed, before serving: the JIT then
     * has compiled what the first real commands run, which otherwise would run interpreted while the process is new.
     */
    static void warmUp(Duration budget) {
        long end = System.nanoTime() + budget.toNanos();
        while (System.nanoTime() < end) {
            try {
                Training.run();
            } catch (java.io.IOException | RuntimeException e) {
                return; // e.g. no temporary directory: serve cold
            }
        }
    }

    private static long warmUpMillis(Map<String, String> env) {
        String v = env.get("IR_DAEMON_WARMUP_MS");
        return v != null && v.trim().matches("[0-9]{1,7}") ? Long.parseLong(v.trim()) : DEFAULT_WARMUP_MILLIS;
    }

    /**
     * One command, as {@link Main} would run it in the caller's process: with its directory, environment, file mode
     * creation mask and time zone ({@code clock}'s instants in the caller's zone; {@code clock}'s own zone when the
     * caller named none), and its output.
     */
    public static int run(Clock clock, Backends backends, Server.Call call, OutputStream out, OutputStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8));
        // As the JVM reads TZ: an unknown zone is GMT, as for a one-shot ir.
        Clock zoned = call.zone().isEmpty() ? clock : clock.withZone(TimeZone.getTimeZone(call.zone()).toZoneId());
        try {
            return Cli.run(new Env(o, e, InputStream.nullInputStream(), zoned, call.cwd(), call.env(), false,
                    call.umask(), backends), call.args());
        } finally {
            o.flush();
            e.flush();
        }
    }
}
