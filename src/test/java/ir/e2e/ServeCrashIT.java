package ir.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static ir.e2e.Processes.git;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir serve} as a process, killed with SIGKILL at random moments during a stream of posts from several senders
 * and started again each time: every payload that was answered 2xx is committed in the end, the inbox is empty, and a
 * SIGTERM at the end stops it cleanly (exit 0, nothing left to record). Senders retry a payload that got no answer, as
 * Alertmanager does, so a payload journaled but not answered before a kill is posted twice (the intake is idempotent).
 *
 * <p>Each payload is one alert (generic JSON) of one of seven groups; each acknowledged alert must be an entry of its
 * group's incident in the end.
 */
class ServeCrashIT {
    static final int POSTS = 200;
    static final int SENDERS = 4;
    static final int KILLS = 4;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyAcknowledgedPayloadIsCommittedAcrossSigkillsAndSigtermStopsCleanly() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path repo = tmp.resolve("repo");
        Map<String, String> env = Processes.cleanEnv(tmp);
        Processes.gitRepo(repo, env, "Serve Crash", "serve@example.com");
        assertThat(Processes.run(Processes.irJar("init"), repo, env).exit()).isZero();
        int port = freePort();
        Path log = tmp.resolve("serve.log");

        AtomicReference<Process> server = new AtomicReference<>(startServer(repo, env, port, log));
        awaitHealthy(port);

        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            long senderSeed = random.nextLong();
            done.add(senders.submit(() -> {
                Random r = new Random(senderSeed);
                for (int i; (i = next.getAndIncrement()) < POSTS; ) {
                    String body = "{\"group\":\"g" + (i % 7) + "\",\"title\":\"Crash group " + (i % 7)
                            + "\",\"alerts\":[{\"id\":\"a" + i + "\",\"status\":\"firing\",\"labels\":{\"n\":\""
                            + i + "\"}}]}";
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    while (!post(port, body)) {
                        assertThat(System.nanoTime()).as("payload %d acknowledged in time", i).isLessThan(deadline);
                        Thread.sleep(50);
                    }
                    acked.add(body);
                    Thread.sleep(2 + r.nextInt(25));
                }
                return null;
            }));
        }
        int kills = 0;
        while (kills < KILLS && next.get() < POSTS) {
            Thread.sleep(150 + random.nextInt(900));
            Process p = server.get();
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            kills++;
            server.set(startServer(repo, env, port, log));
            awaitHealthy(port);
        }
        for (Future<?> f : done) {
            f.get(180, TimeUnit.SECONDS);
        }
        senders.shutdown();

        Process last = server.get();
        last.destroy(); // SIGTERM
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        String serveLog = Files.readString(log);
        assertThat(last.exitValue()).as("exit status after SIGTERM (seed %d)\n%s", seed, serveLog).isZero();

        assertThat(acked).hasSize(POSTS);
        assertThat(kills).as("kills during the stream").isPositive();
        // Every acknowledged payload's alert is an entry of its group's incident, as committed.
        java.util.Set<String> recorded = new java.util.HashSet<>();
        for (String path : git(repo, env, "ls-tree", "-r", "--name-only", "HEAD", "incidents/").lines()
                .filter(f -> f.endsWith(".yaml")).toList()) {
            com.fasterxml.jackson.databind.JsonNode incident = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                    .readTree(git(repo, env, "show", "HEAD:" + path));
            incident.path("timeline").forEach(e -> {
                if ("alert".equals(e.path("type").asText())) {
                    recorded.add(e.path("fingerprint").asText());
                }
            });
        }
        for (String body : acked) {
            String alert = body.replaceAll(".*\"id\":\"(a\\d+)\".*", "$1");
            assertThat(recorded).as("%s committed (seed %d)\n%s", body, seed, serveLog).contains(alert);
        }
        // After the clean stop nothing is left to replay: no journal segment, no payload file.
        try (Stream<Path> inbox = Files.list(repo.resolve(".git/ir/inbox"))) {
            assertThat(inbox.filter(p -> p.toString().endsWith(".journal") || p.toString().endsWith(".payload"))
                    .toList()).as("left in the inbox (seed %d)\n%s", seed, serveLog).isEmpty();
        }
        assertThat(git(repo, env, "status", "--porcelain")).isEmpty();
        assertThat(git(repo, env, "fsck", "--no-progress")).doesNotContain("error");
        assertThat(serveLog).contains("ir serve: stopping: recording what was received");
        long replays = serveLog.lines().filter(l -> l.contains("payloads left in the inbox first")).count();
        long commits = git(repo, env, "rev-list", "--count", "HEAD").strip().isEmpty() ? 0
                : Long.parseLong(git(repo, env, "rev-list", "--count", "HEAD").strip());
        System.out.printf("ServeCrashIT: seed %d, %d posts acknowledged, %d SIGKILLs, %d starts replayed a "
                + "leftover inbox, %d commits%n", seed, acked.size(), kills, replays, commits);
    }

    /** {@code ir serve} from the jar as packaged, recording through the workspace's own alert intake. */
    private static Process startServer(Path repo, Map<String, String> env, int port, Path log) throws IOException {
        List<String> cmd = Processes.irJar("serve", "--listen", "127.0.0.1:" + port);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /** True when the payload was answered 2xx; false when the server was not there or did not answer. */
    private boolean post(int port, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/alerts/json")).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/healthz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("ir serve did not answer /healthz within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
