package ir.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import ir.Daemon;
import ir.store.Backends;
import ir.testing.IrTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ir's background process and its client, in-process: a real {@link Server} on a real Unix socket running the real
 * CLI ({@link Daemon#run}, with the tester's pinned clock) against a real workspace, driven by the real
 * {@link Client}.
 */
class ServerTest {
    @TempDir
    Path tmp;
    IrTester ir;
    Path jar;
    Path sockets;
    Map<String, String> env;
    Server server;
    Thread serving;

    @BeforeEach
    void setUp() throws Exception {
        ir = IrTester.workspace(Files.createDirectories(tmp.resolve("repo")));
        ir.open("Checkout latency spike", "--severity", "SEV-2");
        jar = Files.writeString(tmp.resolve("ir.jar"), "stands for the installed jar");
        sockets = tmp.resolve("d");
        env = new HashMap<>();
        env.put("IR_AUTHOR", IrTester.ALICE);
        env.put("IR_DAEMON_DIR", sockets.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    private void start(Duration idle) throws Exception {
        Backends backends = Backends.kept();
        start(idle, (call, out, err) -> Daemon.run(ir.clock(), backends, call, out, err));
    }

    private void start(Duration idle, Server.Runner runner) throws Exception {
        server = Server.lock(sockets, Protocol.key(jar), idle, runner).listen();
        serving = new Thread(server::serve);
        serving.start();
    }

    record Run(int exit, String out, String err) {
    }

    private Run client(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Client.run(jar, args, environment, ir.dir(), out, err);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run client(String... args) {
        return client(env, args);
    }

    private List<JsonNode> timeline(String id) {
        List<JsonNode> events = new ArrayList<>();
        ir.yaml(id).get("timeline").forEach(events::add);
        return events;
    }

    private String onlyIncident() {
        return ir.run("list", "--json").json().get(0).get("id").asText();
    }

    @Test
    void aLogEntryRunThroughTheProcessIsCommittedAndReportedAsInProcess() throws Exception {
        start(Duration.ofMinutes(1));
        String id = onlyIncident();
        int commits = ir.commits().size();

        Run r = client("log", "database", "failover", "started");

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).isEqualTo("Logged to " + id + " at 2026-11-28 10:00Z\n");
        assertThat(timeline(id).get(timeline(id).size() - 1).get("text").asText())
                .isEqualTo("database failover started");
        assertThat(ir.commits()).hasSize(commits + 1);
        assertThat(ir.commits().get(0).getShortMessage()).isEqualTo(id + ": log note: database failover started");
        assertThat(ir.changedPaths(ir.commits().get(0))).containsExactly("incidents/" + id + ".yaml");
        assertThat(ir.clean()).isTrue();

        Run show = client("show", "--json");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).isEqualTo(ir.run("show", "--json").out());
    }

    @Test
    void theCommandRunsWithTheClientsEnvironmentAndDirectory() throws Exception {
        start(Duration.ofMinutes(1));
        String id = onlyIncident();
        Map<String, String> bob = new HashMap<>(env);
        bob.put("IR_AUTHOR", "Bob Oncall <bob@example.com>");

        assertThat(client(bob, "log", "paged the database team").exit()).isZero();

        List<JsonNode> events = timeline(id);
        assertThat(events.get(events.size() - 1).get("author").asText()).isEqualTo("Bob Oncall <bob@example.com>");
        assertThat(ir.commits().get(0).getAuthorIdent().getName()).isEqualTo("Bob Oncall");
    }

    private Run client(Client.Caller caller, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Client.run(jar, args, caller, out, err);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theCommandRunsInTheCallersTimeZone() throws Exception {
        start(Duration.ofMinutes(1));
        String id = onlyIncident();

        // 10:00Z is 19:00 in Tokyo: "--at 18:30" there is 09:30Z
        Run log = client(new Client.Caller(ir.dir(), env, -1, "Asia/Tokyo", false), "log", "--at", "18:30",
                "paged the database team");
        Run show = client(new Client.Caller(ir.dir(), env, -1, "Asia/Tokyo", false), "show", "--local");
        Run utc = client(new Client.Caller(ir.dir(), env, -1, "", false), "show", "--local");

        assertThat(log.exit()).as("%s", log).isZero();
        assertThat(timeline(id).stream().filter(e -> e.get("text").asText().equals("paged the database team"))
                .map(e -> e.get("at").asText())).containsExactly("2026-11-28T09:30:00Z");
        assertThat(show.out()).contains("Timeline (Asia/Tokyo)").contains("18:30");
        assertThat(utc.out()).as("no zone named: the process's own").contains("Timeline (Z)");
    }

    @Test
    void filesTheCommandWritesGetTheCallersUmaskNotTheProcesss() throws Exception {
        start(Duration.ofMinutes(1));
        String id = onlyIncident();
        Path file = ir.incidentFile(id);

        assertThat(client(new Client.Caller(ir.dir(), env, 0002, "", false), "log", "group may write").exit())
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw-r--");

        assertThat(client(new Client.Caller(ir.dir(), env, 0077, "", false), "log", "only I may read").exit())
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void oneProcessServesCallersWithAnyHomeLocaleOrTimeZone() throws Exception {
        start(Duration.ofMinutes(1));
        Map<String, String> other = new HashMap<>(env);
        other.put("HOME", tmp.resolve("elsewhere").toString());
        other.put("TZ", "America/New_York");
        other.put("LANG", "de_DE.UTF-8");
        other.put("LC_ALL", "de_DE.UTF-8");
        other.put("XDG_CONFIG_HOME", tmp.resolve("config").toString());

        assertThat(client(env, "log", "from one shell").exit()).isZero();
        assertThat(client(other, "log", "from another").exit()).isZero();

        assertThat(Client.control(jar, "status", other).text()).contains("commands served: 2");
        assertThat(Client.control(jar, "status", env).text()).contains("commands served: 2");
        try (var files = Files.list(sockets)) {
            assertThat(files.filter(f -> f.toString().endsWith(".sock")).count()).isEqualTo(1);
        }
    }

    @Test
    void aRefusalKeepsItsExitCodeAndOneLineMessageAndChangesNothing() throws Exception {
        start(Duration.ofMinutes(1));
        Map<String, String> before = ir.snapshot();
        int commits = ir.commits().size();

        Run r = client("log", "-i", "no-such-incident", "x");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("ir: no incident matches 'no-such-incident'");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
        assertThat(ir.snapshot()).isEqualTo(before);
        assertThat(ir.commits()).hasSize(commits);
        assertThat(client("frobnicate").exit()).as("not a command the process runs").isEqualTo(Client.DECLINED);
    }

    @Test
    void concurrentClientsAreServedOneAtATimeAndNoEntryIsLost() throws Exception {
        start(Duration.ofMinutes(1));
        String id = onlyIncident();
        int commits = ir.commits().size();
        int events = timeline(id).size();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Run>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String text = "entry " + i;
            runs.add(pool.submit((Callable<Run>) () -> client("log", text)));
        }
        for (Future<Run> f : runs) {
            assertThat(f.get(60, TimeUnit.SECONDS).exit()).isZero();
        }
        pool.shutdown();

        assertThat(timeline(id)).hasSize(events + 8);
        assertThat(timeline(id).stream().map(e -> e.get("text").asText()))
                .contains("entry 0", "entry 1", "entry 2", "entry 3", "entry 4", "entry 5", "entry 6", "entry 7");
        assertThat(ir.commits()).hasSize(commits + 8);
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void withoutAProcessTheClientAsksTheLauncherToRunTheCommandItself() throws Exception {
        int commits = ir.commits().size();

        assertThat(client("log", "nobody listens").exit()).isEqualTo(Client.NO_PROCESS);

        // A socket file left by a process that died: the connection is refused, the command did not run.
        Files.createDirectories(sockets);
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        Files.createFile(Protocol.socket(sockets, Protocol.key(jar)));
        assertThat(client("log", "nobody listens").exit()).isEqualTo(Client.NO_PROCESS);
        assertThat(ir.commits()).hasSize(commits);
    }

    @Test
    void whileAProcessWarmsUpOrAfterOneFailedToStartNoOtherIsStarted() throws Exception {
        Server warming = Server.lock(sockets, Protocol.key(jar), Duration.ofMinutes(1), (call, o, er) -> 0);
        try {
            assertThat(client("log", "x").exit()).as("warming up").isEqualTo(Client.DECLINED);
            warming.failed(new java.io.IOException("cannot bind"));
            assertThat(Protocol.marker(Protocol.socket(sockets, Protocol.key(jar)), "failed"))
                    .content().contains("cannot bind");
            assertThat(client("log", "x").exit()).as("failed to start").isEqualTo(Client.DECLINED);
        } finally {
            warming.close();
        }

        start(Duration.ofMinutes(1));

        assertThat(client("log", "served after all").exit()).isZero();
    }

    @Test
    void commandsReadingStandardInputAreLeftToTheLauncher() throws Exception {
        start(Duration.ofMinutes(1));
        int commits = ir.commits().size();

        assertThat(client("log", "-").exit()).isEqualTo(Client.DECLINED);

        assertThat(ir.commits()).hasSize(commits);
    }

    @Test
    void aSocketDirectoryOthersCanEnterIsRefusedByBothSides() throws Exception {
        Files.createDirectories(sockets);
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(Protocol.socket(sockets, Protocol.key(jar)));

        assertThat(client("log", "x").exit()).isEqualTo(Client.DECLINED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Server.lock(sockets, "k", Duration.ofMinutes(1),
                (call, o, er) -> 0)).hasMessageContaining("not a directory of");
    }

    /**
     * A stand-in for a process that reads the request, writes {@code reply} (after which, if it began with READY,
     * it reads the client's GO), and dies.
     */
    private Thread dyingProcess(byte[] reply) throws Exception {
        Files.createDirectories(sockets);
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        java.nio.channels.ServerSocketChannel fake = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX);
        fake.bind(UnixDomainSocketAddress.of(Protocol.socket(sockets, Protocol.key(jar))));
        Thread t = new Thread(() -> {
            try (fake; SocketChannel c = fake.accept()) {
                DataInputStream in = new DataInputStream(Channels.newInputStream(c));
                in.readNBytes(in.readInt());
                Channels.newOutputStream(c).write(reply);
                if (reply.length > 0 && reply[0] == Protocol.READY) {
                    assertThat(in.readByte()).isEqualTo(Protocol.GO);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void aProcessThatDiesBeforeTakingTheCommandLeavesItToTheLauncher() throws Exception {
        Thread process = dyingProcess(new byte[0]);

        assertThat(client("log", "x").exit()).isEqualTo(Client.NO_PROCESS);
        process.join(10_000);
    }

    @Test
    void aProcessThatDiesAfterTakingTheCommandIsReportedAndNotRunAgain() throws Exception {
        Thread process = dyingProcess(new byte[] {Protocol.READY, Protocol.OUT, 0, 0, 0, 2, 'o', 'k'});

        Run r = client("log", "x");
        process.join(10_000);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("ok");
        assertThat(r.err()).startsWith("ir: ir's background process stopped while running this command, so it may "
                + "or may not have taken effect");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aMalformedRequestIsDeclinedAndRunsNothing() throws Exception {
        start(Duration.ofMinutes(1));
        int commits = ir.commits().size();
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(server.socket()))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bytes);
            o.writeInt(12);
            o.writeInt(Protocol.MAGIC - 1); // the previous version's magic number
            o.writeLong(0);
            Channels.newOutputStream(c).write(bytes.toByteArray());
            DataInputStream in = new DataInputStream(Channels.newInputStream(c));
            assertThat(in.readByte()).isEqualTo(Protocol.DECLINE);
        }
        assertThat(ir.commits()).hasSize(commits);
    }

    @Test
    void oneProcessPerKeyAndStopEndsItAndRemovesTheSocket() throws Exception {
        start(Duration.ofMinutes(1));
        assertThat(Server.lock(sockets, Protocol.key(jar), Duration.ofMinutes(1), (call, o, er) -> 0))
                .as("a second process for the same key").isNull();
        assertThat(Client.control(jar, "status", env).text()).contains("is running").contains("pid "
                + ProcessHandle.current().pid());

        assertThat(Client.control(jar, "stop", env).text()).startsWith("stopped");

        serving.join(10_000);
        assertThat(serving.isAlive()).isFalse();
        assertThat(server.socket()).doesNotExist();
        assertThat(Client.control(jar, "status", env).state()).isEqualTo(Client.State.NOT_RUNNING);
        assertThat(client("log", "x").exit()).isEqualTo(Client.NO_PROCESS);
    }

    @Test
    void itStopsByItselfAfterTheIdleTime() throws Exception {
        start(Duration.ofMillis(300));
        assertThat(client("show").exit()).isZero();

        serving.join(10_000);

        assertThat(serving.isAlive()).isFalse();
        assertThat(server.socket()).doesNotExist();
    }

    @Test
    void workOfItsOwnKeepsItUpPastTheIdleTimeAndItStopsOnceDone() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
        start(Duration.ofMillis(200));
        server.keepAlive(busy::get); // auto-sync still has something to push or an active workspace
        assertThat(client("show").exit()).isZero();

        serving.join(1_000);
        assertThat(serving.isAlive()).as("kept up by its own work").isTrue();

        busy.set(false);
        serving.join(10_000);
        assertThat(serving.isAlive()).isFalse();
    }

    @Test
    void aChangedJarIsNeverServedByTheOldProcess() throws Exception {
        start(Duration.ofMinutes(1));
        Files.writeString(jar, "a newer build of ir, of another size");

        assertThat(client("log", "x").exit()).isEqualTo(Client.NO_PROCESS);
    }
}
