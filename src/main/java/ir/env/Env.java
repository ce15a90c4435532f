package ir.env;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import ir.store.Backends;

/**
 * Everything a command may touch of the outside world, injected so tests pin it: output streams, input, clock,
 * working directory, environment variables and whether a person is at a terminal.
 *
 * @param out         data (what scripts read); shown inertly (see {@link Inert})
 * @param err         messages, warnings and errors; shown inertly too
 * @param interactive stdin and stdout are a terminal, so prompting is allowed
 * @param umask       the caller's file mode creation mask for files ir creates; -1 for this process's own
 * @param backends    where commands get the store of their workspace
 */
public record Env(PrintWriter out, PrintWriter err, InputStream in, Clock clock, Path cwd,
                  Map<String, String> environment, boolean interactive, int umask, Backends backends) {

    /**
     * Both streams pass through {@link Inert}, whoever builds this environment (the one-shot process, the background
     * process, the shell, tests): what a repository or a person wrote can reach a terminal only as inert text.
     */
    public Env {
        out = Inert.printWriter(out);
        err = Inert.printWriter(err);
    }

    /** An environment whose commands open their own store each (a one-shot process), with this process's umask. */
    public Env(PrintWriter out, PrintWriter err, InputStream in, Clock clock, Path cwd, Map<String, String> environment,
               boolean interactive) {
        this(out, err, in, clock, cwd, environment, interactive, -1, Backends.oneShot());
    }

    /** The same environment with commands taking their stores from {@code b} (a long-lived process's backends). */
    public Env withBackends(Backends b) {
        return new Env(out, err, in, clock, cwd, environment, interactive, umask, b);
    }

    public static Env system() {
        return new Env(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.in, Clock.systemDefaultZone(),
                Path.of("").toAbsolutePath(), System.getenv(), System.console() != null);
    }

    /**
     * What this process lost decoding its arguments and working directory, as a one-line message, or null: Java
     * decodes them with the locale's character set ({@code sun.jnu.encoding}), and one that is not UTF-8 (the C or
     * POSIX locale, or none) turns every non-ASCII character into U+FFFD, which ir would then commit. The launcher
     * runs Java under a UTF-8 locale; this catches a JVM started some other way.
     */
    public static String lostInDecoding(String[] args, Path cwd) {
        String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("UTF8")) {
            return null;
        }
        String what = null;
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                what = "non-ASCII characters of the arguments";
                break;
            }
        }
        if (what == null && cwd.toString().indexOf('\uFFFD') >= 0) {
            what = "non-ASCII name of the working directory";
        }
        return what == null ? null : "this locale's character set (" + charset + ") cannot carry the " + what
                + ": run ir under a UTF-8 locale (for example LC_ALL=C.UTF-8, as ir's launcher does when this machine "
                + "has one); nothing was changed";
    }

    public String getenv(String name) {
        String v = environment.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
