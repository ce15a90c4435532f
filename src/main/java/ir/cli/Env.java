package ir.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a command may touch of the outside world, injected so tests pin it: output streams, input, clock,
 * working directory, environment variables and whether a person is at a terminal.
 *
 * @param out         data (what scripts read)
 * @param err         messages, warnings and errors
 * @param interactive stdin and stdout are a terminal, so prompting is allowed
 */
public record Env(PrintWriter out, PrintWriter err, InputStream in, Clock clock, Path cwd,
                  Map<String, String> environment, boolean interactive) {

    public static Env system() {
        return new Env(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.in, Clock.systemDefaultZone(),
                Path.of("").toAbsolutePath(), System.getenv(), System.console() != null);
    }

    public String getenv(String name) {
        String v = environment.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
