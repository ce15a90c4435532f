import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The team-latency budget: from the start of {@code ir log} in one clone to the entry's line in another clone's
 * {@code ir show --follow --json}, through a bare repository on this machine, with auto-sync on and nothing else run.
 * The baseline, in the same run, is the same measure with {@code ir log} in the following clone itself (start-up,
 * commit and the follower's poll, no network). Prints TSV: phase, entry, milliseconds; then p50/p95 per phase.
 *
 * <pre>java bench/Propagation.java IR WORKDIR [ENTRIES]</pre>
 * The caller's environment decides the process model (IR_DAEMON=0: one-shot commands and a detached auto-sync
 * process per clone; otherwise ir's background process); HOME and git's identity are set here.
 */
public final class Propagation {
    public static void main(String[] args) throws Exception {
        String ir = args[0];
        Path work = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path bare = work.resolve("team.git");
        git(work, "init", "-q", "--bare", "-b", "main", bare.toString());
        Path seed = work.resolve("seed");
        git(work, "init", "-q", "-b", "main", seed.toString());
        identity(seed, "Seed");
        run(seed, ir, "init");
        git(seed, "push", "-q", bare.toString(), "main");
        Path a = clone(work, bare, "alice");
        Path b = clone(work, bare, "bob");
        run(a, ir, "open", "Propagation bench", "--severity", "SEV-2", "--no-input");
        // bob's first command starts his clone's auto-sync, which brings the incident in
        String id;
        try (var files = Files.list(a.resolve("incidents"))) {
            id = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml")).findFirst().orElseThrow()
                    .replace(".yaml", "");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(b.resolve("incidents/" + id + ".yaml"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the incident never reached bob's clone");
            }
            run(b, ir, "list");
            Thread.sleep(500);
        }
        Process follow = new ProcessBuilder(ir, "show", "--follow", "--json", "-i", id).directory(a.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String[]> arrivals = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int at = line.indexOf("bench entry ");
                    if (line.startsWith("{\"type\":\"event\"") && at >= 0) {
                        arrivals.add(new String[] {line.substring(at, line.indexOf('"', at)),
                                Long.toString(System.nanoTime())});
                    }
                }
            } catch (IOException e) {
                // follow ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(2000); // the follower's first state line and poll
        try {
            List<Long> local = measure("local", ir, a, id, n / 3 + 1, arrivals);
            List<Long> remote = measure("remote", ir, b, id, n, arrivals);
            summary("local", local);
            summary("remote", remote);
            System.out.printf("ratio\tremote_p50/local_p50\t%.2f%n", (double) pct(remote, 50) / pct(local, 50));
            System.out.printf("budget\tremote_p95_ms\t%d\t<= 10000\t%s%n", pct(remote, 95),
                    pct(remote, 95) <= 10_000 ? "pass" : "FAIL");
        } finally {
            follow.destroy();
            follow.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<Long> measure(String phase, String ir, Path clone, String id, int n,
                                      BlockingQueue<String[]> arrivals) throws Exception {
        List<Long> ms = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String text = String.format("bench entry %s %03d", phase, i);
            long t0 = System.nanoTime();
            run(clone, ir, "log", "-i", id, text);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                String[] got = arrivals.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                        TimeUnit.MILLISECONDS);
                if (got == null) {
                    throw new IllegalStateException(text + " did not arrive within 120 s");
                }
                if (got[0].equals(text)) {
                    long d = (Long.parseLong(got[1]) - t0) / 1_000_000;
                    ms.add(d);
                    System.out.printf("%s\t%d\t%d%n", phase, i, d);
                    break;
                }
            }
            // responders do not type in lockstep: 0-2 s before the next entry
            Thread.sleep((long) (Math.random() * 2000));
        }
        return ms;
    }

    private static void summary(String phase, List<Long> ms) {
        System.out.printf("%s\tp50_ms\t%d\tp95_ms\t%d\tmax_ms\t%d\tn\t%d%n", phase, pct(ms, 50), pct(ms, 95),
                Collections.max(ms), ms.size());
    }

    /** The nearest-rank percentile. */
    static long pct(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, rank - 1));
    }

    private static Path clone(Path work, Path bare, String who) throws Exception {
        Path dir = work.resolve(who);
        git(work, "clone", "-q", bare.toString(), dir.toString());
        identity(dir, who);
        return dir;
    }

    private static void identity(Path dir, String who) throws Exception {
        git(dir, "config", "user.name", who);
        git(dir, "config", "user.email", who + "@example.com");
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        run(dir, cmd.toArray(String[]::new));
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed in " + dir);
        }
    }

    private Propagation() {
    }
}
