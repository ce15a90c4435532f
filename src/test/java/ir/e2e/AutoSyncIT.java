package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-sync as a team lives it: the packaged jar run as one process per command in clones of one remote, with no
 * {@code ir sync} anywhere. Each one-shot command that commits starts the clone's own auto-sync process (the background
 * process is off, as in every end-to-end test), which pushes and fetches; {@code ir show --follow} in one clone prints
 * what the others log. The remote is a local bare repository, an OpenSSH server and a smart-HTTP server.
 */
class AutoSyncIT {
    /** Faster than the defaults (1 s debounce, 3 s fetches), so that 30 round trips fit in a test. */
    private static final Map<String, String> FAST = Map.of("IR_AUTOSYNC_SPAWN", "1", "IR_AUTOSYNC_DEBOUNCE_MS", "200",
            "IR_AUTOSYNC_INTERVAL_MS", "500");
    private static final Duration ARRIVAL = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        // each stopped and gone before the temporary directory is deleted: a follower still exiting (its auto-sync
        // writes .git/ir/ on the way out) would leave files behind the deletion
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        // the clones' auto-sync processes, which outlive the commands that started them
        String root = tmp.toString();
        ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a))
                .filter(a -> a.contains("--auto-run") && a.contains(root)).isPresent()).forEach(p -> {
                    p.destroy();
                    p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> {
                        p.destroyForcibly();
                        return p;
                    }).join();
                });
    }

    @Test
    void threeClonesSeeEachOthersEntriesAndFollowPrintsEachOnceInOrder() throws Exception {
        Path bare = GitServers.bare(Files.createDirectories(tmp.resolve("remote")), "team");
        Team team = team(bare, bare.toString(), "alice", "bob", "carol", Map.of());
        Path a = team.clones.get(0);
        String id = team.id;

        Process follow = start(a, team.env.get(0), "show", "--follow", "--json", "-i", id);
        BlockingQueue<String> lines = lines(follow);
        JsonNode state = JSON.readTree(poll(lines, "the state line"));
        assertThat(state.path("type").asText()).isEqualTo("state");

        int n = 30;
        for (int i = 1; i <= n; i++) {
            int who = i % 3;
            Processes.ok(Processes.ir(team.clones.get(who), team.env.get(who), "log", "-i", id, entry(i)));
            // as a conversation goes: the next responder has seen this entry before answering it
            Path next = team.clones.get((who + 1) % 3);
            String text = entry(i);
            await("entry " + i + " in " + next.getFileName(), () -> read(next, id).contains(text));
        }

        List<JsonNode> events = new ArrayList<>();
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (events.size() < n && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            if (node.path("type").asText().equals("event")
                    && node.path("event").path("text").asText().startsWith("e2e entry ")) {
                events.add(node.path("event"));
            }
        }
        List<String> printed = events.stream().map(e -> e.path("text").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            expected.add(entry(i));
        }
        assertThat(printed).as("each of the entries, once, in the order they were logged").isEqualTo(expected);
        List<Instant> times = events.stream().map(e -> Instant.parse(e.path("at").asText())).toList();
        assertThat(times).as("timeline order").isSorted();
        // a few more seconds: nothing printed twice
        Thread.sleep(1500);
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            assertThat(line).as("nothing printed again").doesNotContain("e2e entry ");
        }

        await("the three clones and the remote byte-identical", () -> {
            String first = read(a, id);
            return first.equals(read(team.clones.get(1), id)) && first.equals(read(team.clones.get(2), id))
                    && Processes.head(a).equals(Processes.head(team.clones.get(1))) && Processes.head(a).equals(Processes.head(team.clones.get(2)))
                    && Processes.head(a).equals(Processes.head(bare));
        });
        for (Path clone : team.clones) {
            assertThat(read(clone, id)).contains(expected.toArray(String[]::new));
        }
    }

    @Test
    void anUnreachableRemoteSlowsNoCommandAndLosesNothing() throws Exception {
        Path bare = GitServers.bare(Files.createDirectories(tmp.resolve("remote")), "team");
        Team team = team(bare, bare.toString(), "bob", "carol", null, Map.of());
        Path b = team.clones.get(0);
        Path c = team.clones.get(1);
        String id = team.id;

        List<Long> usual = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            usual.add(timedLog(b, team.env.get(0), id, "before " + i));
        }
        await("the first entries in carol's clone", () -> read(c, id).contains("before 3"));

        Path away = bare.resolveSibling("team.git.away");
        Files.move(bare, away);
        List<Long> meanwhile = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            meanwhile.add(timedLog(b, team.env.get(0), id, "while away " + i));
            Thread.sleep(300);
        }
        Processes.Result show = Processes.ir(b, team.env.get(0), "show", "-i", id);
        Processes.ok(show);
        assertThat(show.err()).as(show.toString()).contains("not pushed");
        long slowestUsual = usual.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(meanwhile).as("each command while the remote is away, against the usual %s ms", usual)
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2 * slowestUsual + 1000));

        Files.move(away, bare);
        // the engine backs off while the remote is away (at most a minute between attempts)
        await("every entry in carol's clone", Duration.ofSeconds(120), () -> read(c, id).contains("while away 5"));
        String carol = read(c, id);
        for (int i = 1; i <= 5; i++) {
            assertThat(carol).contains("while away " + i);
        }
        await("both clones byte-identical", Duration.ofSeconds(120), () -> read(b, id).equals(read(c, id)));
    }

    @Test
    void autoSyncOverOpenSsh() throws Exception {
        try (GitServers.OpenSsh ssh = GitServers.OpenSsh.start(tmp.resolve("sshd"))) {
            Path bare = ssh.bare("team");
            Team team = team(bare, ssh.url("team"), "bob", "carol", null, Map.of(), home -> ssh.client(home,
                    ssh.ed25519Key(), true));
            twoWay(team);
        }
    }

    @Test
    void autoSyncOverSmartHttpWithAToken() throws Exception {
        try (GitServers.SmartHttp http = GitServers.SmartHttp.start(tmp.resolve("httpd"), "bob", "t0ken-456")) {
            Path bare = http.bare("team");
            Team team = team(bare, http.url("team"), "bob", "carol", null, Map.of("IR_GIT_USERNAME", http.user(),
                    "IR_GIT_PASSWORD", http.token()), home -> { });
            twoWay(team);
        }
    }

    /** Entries logged in each of two clones arrive in the other without any {@code ir sync}. */
    private void twoWay(Team team) throws Exception {
        Path b = team.clones.get(0);
        Path c = team.clones.get(1);
        Processes.ok(Processes.ir(b, team.env.get(0), "log", "-i", team.id, "from bob over the wire"));
        await("bob's entry in carol's clone", () -> read(c, team.id).contains("from bob over the wire"));
        Processes.ok(Processes.ir(c, team.env.get(1), "log", "-i", team.id, "from carol over the wire"));
        await("carol's entry in bob's clone", () -> read(b, team.id).contains("from carol over the wire"));
        Processes.Result show = Processes.ir(b, team.env.get(0), "show", "-i", team.id);
        Processes.ok(show);
        assertThat(show.err()).as(show.toString()).containsPattern("synced (just now|[0-9]+ s ago)");
    }

    // ---- the team ------------------------------------------------------------------------------------------------

    private record Team(String id, List<Path> clones, List<Map<String, String>> env) {
    }

    private interface Client {
        void setUp(Path home) throws IOException;
    }

    private Team team(Path bare, String url, String first, String second, String third, Map<String, String> extra)
            throws IOException, InterruptedException {
        return team(bare, url, first, second, third, extra, home -> { });
    }

    /**
     * A workspace made by {@code ir init} pushed to {@code bare}, cloned once per person with origin at {@code url};
     * the first person declares an incident, which every clone then has (its first command starts its auto-sync).
     */
    private Team team(Path bare, String url, String first, String second, String third, Map<String, String> extra,
                      Client client) throws IOException, InterruptedException {
        Path seed = tmp.resolve("seed");
        Map<String, String> seedEnv = Processes.cleanEnv(Files.createDirectories(tmp.resolve("home-seed")));
        Processes.gitRepo(seed, seedEnv, "Seed", "seed@example.com");
        Processes.ok(Processes.ir(seed, seedEnv, "init"));
        Processes.git(seed, seedEnv, "push", "-q", bare.toString(), "main");

        List<Path> clones = new ArrayList<>();
        List<Map<String, String>> envs = new ArrayList<>();
        for (String who : Stream.of(first, second, third).filter(w -> w != null).toList()) {
            Path home = Files.createDirectories(tmp.resolve("home-" + who));
            client.setUp(home);
            Map<String, String> env = Processes.cleanEnv(home);
            env.putAll(FAST);
            env.putAll(extra);
            Path dir = tmp.resolve(who);
            Processes.git(tmp, env, "clone", "-q", bare.toString(), dir.toString());
            Processes.git(dir, env, "remote", "set-url", "origin", url);
            Processes.git(dir, env, "config", "user.name", capitalised(who));
            Processes.git(dir, env, "config", "user.email", who + "@example.com");
            clones.add(dir);
            envs.add(env);
        }
        Processes.ok(Processes.ir(clones.get(0), envs.get(0), "open", "Checkout returns 500", "--severity", "SEV-2"));
        String id = Processes.incidentId(clones.get(0));
        for (int i = 1; i < clones.size(); i++) {
            Path clone = clones.get(i);
            Map<String, String> env = envs.get(i);
            // a teammate's first command (any command) starts the clone's auto-sync, which fetches the incident
            await("the incident in " + clone.getFileName(), () -> {
                Processes.ok(Processes.ir(clone, env, "list"));
                return Files.exists(clone.resolve("incidents/" + id + ".yaml"));
            });
        }
        return new Team(id, clones, envs);
    }

    private static String capitalised(String who) {
        return Character.toUpperCase(who.charAt(0)) + who.substring(1);
    }

    private static String entry(int i) {
        return String.format("e2e entry %02d", i);
    }

    private long timedLog(Path clone, Map<String, String> env, String id, String text) {
        long t0 = System.nanoTime();
        Processes.ok(Processes.ir(clone, env, "log", "-i", id, text));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    // ---- processes and files -------------------------------------------------------------------------------------

    private Process start(Path dir, Map<String, String> env, String... args) {
        Process p = Processes.start(Processes.irJar(args), dir, env);
        started.add(p);
        return p;
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    q.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "follow-reader");
        t.setDaemon(true);
        t.start();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the process ended
            }
        }, "follow-stderr");
        drain.setDaemon(true);
        drain.start();
        return q;
    }

    private static String poll(BlockingQueue<String> lines, String what) throws InterruptedException {
        String line = lines.poll(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as(what).isNotNull();
        return line;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        await(what, ARRIVAL, done);
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s for %s", within, what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String read(Path clone, String id) {
        try {
            Path f = clone.resolve("incidents/" + id + ".yaml");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
