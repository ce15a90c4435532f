import ir.cli.Cli;
import ir.cli.Env;
import ir.store.GitIncidentStore;
import ir.store.Workspace;
import ir.term.Shell;
import org.jline.terminal.impl.DumbTerminal;

import ir.model.Change;
import ir.model.IncidentIds;
import ir.model.TimelineEvent;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The shell's per-entry budget (DESIGN.md: an entry, committed, in at most 15 ms median). Drives ir.term.Shell as the
 * console does for each line typed: run the line (write the incident file, commit it) and build the next prompt
 * (which re-reads the incident). Prints the median, p90 and max over N entries in a fresh workspace.
 *
 * Usage: java -cp target/ir.jar:target/bench ShellBench [ENTRIES] [DIR]
 */
public final class ShellBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("ir-shell-bench");
        Files.createDirectories(dir);
        Map<String, String> environment = Map.of("IR_AUTHOR", "Bench Responder <bench@example.com>");
        Env env = new Env(new PrintWriter(new StringWriter()), new PrintWriter(System.err, true),
                InputStream.nullInputStream(), Clock.systemUTC(), dir, environment, false);
        check(Cli.run(env, "init"), "init");
        check(Cli.run(env, "open", "Shell benchmark", "--severity", "SEV-2"), "open");

        Workspace ws = Workspace.discover(dir, null, null);
        long[] nanos = new long[n];
        long[] warm = new long[n];
        long[] cpu = new long[n];
        long[] direct = new long[n];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (GitIncidentStore store = new GitIncidentStore(ws, Clock.systemUTC(), environment.get("IR_AUTHOR"),
                System.err::println, Duration.ofSeconds(20));
             DumbTerminal terminal = new DumbTerminal("bench", "dumb", InputStream.nullInputStream(),
                     OutputStream.nullOutputStream(), StandardCharsets.UTF_8)) {
            Shell shell = new Shell(env, store, terminal, null, false);
            shell.prompt();
            for (int i = 0; i < n; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                shell.execute("entry " + i + ": checked the dashboards, p99 latency still above 2s on checkout");
                shell.prompt();
                nanos[i] = System.nanoTime() - t0;
                cpu[i] = threads.getCurrentThreadCpuTime() - c0;
            }
            // The same again in the same JVM: a shell that has been open a while (JIT warm).
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                shell.execute("entry " + (n + i) + ": checked the dashboards, p99 latency still above 2s on checkout");
                shell.prompt();
                warm[i] = System.nanoTime() - t0;
            }
            // The same number of entries through the store alone (no shell, picocli or prompt): what the shell adds.
            String id = store.select(null);
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                TimelineEvent e = new TimelineEvent(IncidentIds.randomId(), Clock.systemUTC().instant()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS), store.author(), "note",
                        "direct " + i + ": checked the dashboards, p99 latency still above 2s on checkout", false,
                        Map.of());
                store.update(id, cur -> new Change(cur.withEvent(e), "log note: direct " + e.text(), "note"));
                direct[i] = System.nanoTime() - t0;
            }
        }
        long commits = new ProcessBuilder("git", "-C", dir.toString(), "rev-list", "--count", "HEAD")
                .redirectErrorStream(true).start().inputReader().lines().mapToLong(Long::parseLong).sum();
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = median(nanos);
        System.out.printf("shell: %d entries committed (%d commits), per entry: median %.2f ms, "
                        + "p90 %.2f ms, max %.2f ms, first %.2f ms (budget: median <= 15 ms)%n", n, commits - 2 - 2 * n,
                median, sorted[(int) (n * 0.9)] / 1e6, sorted[n - 1] / 1e6, nanos[0] / 1e6);
        System.out.printf("shell: CPU time per entry: median %.2f ms; the next %d entries (warm JVM, file twice as "
                + "long): median %.2f ms; the store alone (update, no shell, after those): median %.2f ms; load "
                + "average %.2f on %d cores%n", median(cpu), n, median(warm), median(direct),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(median <= 15.0 ? "shell: within budget" : "shell: OVER BUDGET");
        System.exit(median <= 15.0 ? 0 : 1);
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e6;
    }

    private static void check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException("ir " + what + " failed with exit " + code);
        }
    }
}
