package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.serve.Pusher;
import ir.serve.Receiver;
import ir.store.Backends;
import ir.store.IncidentStore;
import ir.store.Session;
import ir.store.Workspace;
import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.MutableClock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code ir serve --push} for availability: two receivers in two clones of one bare remote, wired as
 * {@code ir serve} wires them (the workspace's intake, a pusher that runs {@code ir sync}), both notified of the same
 * Alertmanager group at slightly different times. After their pushes and a final {@code ir sync} in each, the remote
 * and both clones hold one incident, byte for byte the same, with each alert change once.
 */
class ServeTwoReceiversTest {
    static final String INTAKE = "Alertmanager <alerts@example.com>";
    static final String TRIGGERS = """
            triggers:
              - match: {alertname: HighErrorRate}
                severity: SEV-2
                resolve: mitigate
              - severity: SEV-3
            intake:
              author: "%s"
            """.formatted(INTAKE);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One {@code ir serve --push} in one clone. */
    private final class Serve implements AutoCloseable {
        final String name;
        final MutableClock clock;
        final Backends backends = Backends.kept();
        final IncidentStore store;
        final Pusher pusher;
        final Receiver receiver;

        Serve(String name, Path clone, String start) {
            this.name = name;
            this.clock = new MutableClock(start);
            Workspace ws = Workspace.at(clone);
            Session session = Session.of(clock, IrTester.ALICE, Duration.ofSeconds(20));
            store = backends.open(ws, session);
            pusher = new Pusher(() -> ServeCommand.sync(ws, session, SyncCommand.DEFAULT_MERGE_DRIVER),
                    l -> log.add(name + ": " + l));
            receiver = Receiver.start(new Receiver.Settings(new InetSocketAddress("127.0.0.1", 0), null, null,
                    Duration.ofMillis(200), 4), ws.stateDir(), ServeCommand.intakeFor(store), pusher, clock,
                    l -> log.add(name + ": " + l));
        }

        void post(String at, String resource) throws Exception {
            clock.set(at);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + receiver.address().getPort() + "/alerts/alertmanager")).POST(HttpRequest.BodyPublishers
                    .ofString(resource(resource))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: %s", name, r.body()).isEqualTo(202);
        }

        @Override
        public void close() {
            try {
                assertThat(receiver.stop(Duration.ofSeconds(30))).as("%s recorded everything; log: %s", name, log)
                        .isTrue();
            } finally {
                store.close();
                backends.close();
            }
        }
    }

    static String resource(String name) {
        try (InputStream in = ServeTwoReceiversTest.class.getResourceAsStream("/alerts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until {@code what} reaches {@code n}. */
    private void await(String what, LongSupplier value, long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (value.getAsLong() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not reach " + n + " in 60 s; log: " + log);
            }
            Thread.sleep(20);
        }
    }

    /** incidents/*.yaml of a repository's main branch (bare or not), path to bytes, read with JGit. */
    private static Map<String, String> incidentsIn(Path repoDir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Git git = Git.open(repoDir.toFile())) {
            Repository r = git.getRepository();
            ObjectId head = r.resolve("refs/heads/main");
            try (TreeWalk tw = new TreeWalk(r)) {
                tw.addTree(r.parseCommit(head).getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    if (tw.getPathString().startsWith("incidents/") && tw.getPathString().endsWith(".yaml")) {
                        out.put(tw.getPathString(), new String(r.open(tw.getObjectId(0)).getBytes(),
                                StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out;
    }

    private static ObjectId main(Path repoDir) throws IOException {
        try (Git git = Git.open(repoDir.toFile())) {
            return git.getRepository().resolve("refs/heads/main");
        }
    }

    private static List<String> workTreeIncidents(Path clone) throws IOException {
        try (Stream<Path> s = Files.list(clone.resolve("incidents"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> events(JsonNode incident, String type) {
        List<JsonNode> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                out.add(e);
            }
        });
        return out;
    }

    @Test
    void twoReceiversNotifiedOfOneGroupConvergeOnOneIncident() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        Path yaml = a.dir().resolve("ir.yaml");
        Files.writeString(yaml, Files.readString(yaml) + TRIGGERS);
        try (Git git = Git.open(a.dir().toFile())) {
            git.add().addFilepattern("ir.yaml").call();
            git.commit().setMessage("triggers").setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setNoVerify(true).call();
        }
        assertThat(a.run("sync").exit()).isZero();
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob <bob@example.com>");

        try (Serve sa = new Serve("a", a.dir(), "2025-05-01T11:53:00Z");
             Serve sb = new Serve("b", b.dir(), "2025-05-01T11:53:00Z")) {
            // Alertmanager notifies both receivers; b gets it a second later (another network path).
            sa.post("2025-05-01T11:53:00Z", "alertmanager-firing.json");
            sb.post("2025-05-01T11:53:01Z", "alertmanager-firing.json");
            await("a's pushes", sa.pusher::syncs, 1);
            await("b's pushes", sb.pusher::syncs, 1);
            // And the group's resolution, to both: each marks it mitigated (the rule's `resolve: mitigate`).
            sb.post("2025-05-01T12:21:02Z", "alertmanager-resolved.json");
            sa.post("2025-05-01T12:21:03Z", "alertmanager-resolved.json");
            await("a's pushes", sa.pusher::syncs, 2);
            await("b's pushes", sb.pusher::syncs, 2);
        }
        // A final `ir sync` in each (the last push of one may have raced the other's).
        IrTester.Result r = a.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
        r = b.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
        r = a.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();

        Map<String, String> remote = incidentsIn(bare);
        assertThat(remote).hasSize(1);
        assertThat(incidentsIn(a.dir())).isEqualTo(remote);
        assertThat(incidentsIn(b.dir())).isEqualTo(remote);
        assertThat(main(a.dir())).isEqualTo(main(bare));
        assertThat(main(b.dir())).isEqualTo(main(bare));
        String path = remote.keySet().iterator().next();
        String id = path.substring("incidents/".length(), path.length() - ".yaml".length());
        assertThat(id).startsWith("2025-05-01-5xx-ratio-5-on-checkout-");
        assertThat(workTreeIncidents(a.dir())).containsExactly(id + ".yaml");
        assertThat(workTreeIncidents(b.dir())).containsExactly(id + ".yaml");
        assertThat(Files.readString(a.dir().resolve(path))).isEqualTo(remote.get(path));
        assertThat(Files.readString(b.dir().resolve(path))).isEqualTo(remote.get(path));
        assertThat(a.clean()).isTrue();
        assertThat(b.clean()).isTrue();

        JsonNode y = YAML.readTree(remote.get(path));
        String shown = remote.get(path);
        assertThat(y.path("severity").asText()).isEqualTo("SEV-2");
        // The first receipt is when it was opened and detected; the two openings are one, not a conflict.
        assertThat(y.path("opened_at").asText()).as(shown).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("detected_at").asText()).as(shown).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(y.path("mitigated_at").asText()).isEqualTo("2025-05-01T12:20:00Z");
        assertThat(events(y, "declared")).as(shown).hasSize(1);
        assertThat(events(y, "merge")).as(shown).isEmpty();
        List<JsonNode> alerts = events(y, "alert");
        assertThat(alerts).as(shown).extracting(e -> e.path("state").asText()).containsExactly("firing", "resolved");
        assertThat(events(y, "milestone")).as(shown).hasSize(1);
        List<String> ids = new ArrayList<>();
        y.get("timeline").forEach(e -> ids.add(e.path("id").asText()));
        assertThat(ids).doesNotHaveDuplicates();
    }
}
