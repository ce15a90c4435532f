package ir.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What no client can do to ir's background process: hold it with a connection that sends nothing or stalls, have a
 * command run that it gave up on, keep it alive after {@code stop}, or make it spin on errors taking connections; and
 * that a long command keeps its client waiting (heartbeats) where a silent process would not. A real {@link Server}
 * on a real socket, with short time limits, and a runner that counts what it runs.
 */
class ServerLimitsTest {
    @TempDir
    Path tmp;
    Path jar;
    Path sockets;
    Map<String, String> env;
    Server server;
    Thread serving;
    static final OutputStream NOWHERE = OutputStream.nullOutputStream();
    final AtomicInteger runs = new AtomicInteger();
    volatile long commandMillis;

    @BeforeEach
    void setUp() throws IOException {
        jar = Files.writeString(tmp.resolve("ir.jar"), "stands for the installed jar");
        sockets = tmp.resolve("d");
        env = Map.of("IR_DAEMON_DIR", sockets.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    private void start(long requestMillis, long heartbeatMillis) throws Exception {
        server = Server.lock(sockets, Protocol.key(jar), Duration.ofMinutes(1), (call, out, err) -> {
            runs.incrementAndGet();
            try {
                Thread.sleep(commandMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                out.write("ran\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return 0;
        }).limits(requestMillis, heartbeatMillis).listen();
        serving = new Thread(server::serve);
        serving.start();
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(server.socket()));
    }

    private byte[] request(String... args) throws IOException {
        return Client.request(Protocol.key(jar), Protocol.RUN, new Client.Caller(tmp, env, 022, "", false), args);
    }

    /** Reads from {@code c} until the process closes it; returns how long that took, in ms. */
    private static long millisUntilClosed(SocketChannel c) throws IOException {
        long start = System.nanoTime();
        ByteBuffer b = ByteBuffer.allocate(64);
        try {
            while (c.read(b) >= 0) {
                b.clear();
            }
        } catch (IOException e) {
            // reset: closed as well
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheRequestTime() throws Exception {
        start(300, 1000);
        try (SocketChannel c = connect()) {
            assertThat(millisUntilClosed(c)).isBetween(200L, 5000L);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void aConnectionThatStallsInTheMiddleOfItsRequestIsClosed() throws Exception {
        start(300, 1000);
        byte[] request = request("log", "x");
        try (SocketChannel c = connect()) {
            c.write(ByteBuffer.wrap(request, 0, request.length / 2));
            assertThat(millisUntilClosed(c)).isLessThan(5000L);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void aCommandWhoseClientGaveUpBeforeSayingGoNeverRuns() throws Exception {
        start(300, 1000);
        try (SocketChannel c = connect()) { // read READY, then go away: the client runs it itself
            c.write(ByteBuffer.wrap(request("log", "x")));
            assertThat(new DataInputStream(Channels.newInputStream(c)).readByte()).isEqualTo(Protocol.READY);
        }
        try (SocketChannel c = connect()) { // read READY, then say nothing
            c.write(ByteBuffer.wrap(request("log", "y")));
            assertThat(new DataInputStream(Channels.newInputStream(c)).readByte()).isEqualTo(Protocol.READY);
            assertThat(millisUntilClosed(c)).isLessThan(5000L);
        }
        Thread.sleep(300);
        assertThat(runs).hasValue(0);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Client.run(jar, new String[] {"log", "z"}, env, tmp, out, NOWHERE)).isZero();
        assertThat(runs).as("a client that says GO").hasValue(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ran\n");
    }

    @Test
    void stopEndsTheProcessWhileAStalledConnectionIsOpen() throws Exception {
        start(600_000, 1000); // no help from the request time
        try (SocketChannel stalled = connect(); SocketChannel halfway = connect()) {
            halfway.write(ByteBuffer.wrap(request("log", "x"), 0, 10));
            Thread.sleep(100);

            assertThat(Client.control(jar, "stop", env).text()).startsWith("stopped ir's background process");

            serving.join(5000);
            assertThat(serving.isAlive()).as("still serving").isFalse();
            assertThat(millisUntilClosed(stalled)).isLessThan(1000L);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void anErrorTakingConnectionsIsWaitedOutNotRetriedInALoop() throws Exception {
        start(300, 1000);
        AtomicInteger attempts = new AtomicInteger();
        Thread loop = new Thread(() -> server.acceptLoop(() -> {
            attempts.incrementAndGet();
            throw new IOException("Too many open files");
        }));
        loop.start();
        Thread.sleep(1500);
        int seen = attempts.get();
        server.stop();
        loop.join(5000);

        // 10, 20, 40 ... ms, then every second: about 8 attempts in 1.5 s (a spinning loop makes millions).
        assertThat(seen).isBetween(2, 15);
        assertThat(loop.isAlive()).isFalse();
    }

    @Test
    void aLongCommandKeepsItsClientWaitingWhereASilentProcessWouldNot() throws Exception {
        start(300, 100);
        commandMillis = 1500;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = Client.run(jar, new String[] {"log", "x"}, new Client.Caller(tmp, env, -1, "", false), out, err,
                1000, 500);

        assertThat(code).as("%s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ran\n");
        assertThat(runs).hasValue(1);
    }

    @Test
    void aClientThatAsksForTheStatusWhileACommandRunsIsAnsweredAtOnce() throws Exception {
        start(300, 100);
        commandMillis = 3000;
        Thread command = new Thread(() -> Client.run(jar, new String[] {"log", "x"}, env, tmp, NOWHERE,
                NOWHERE));
        command.start();
        Thread.sleep(1200);

        long t0 = System.nanoTime();
        Client.Reply status = Client.control(jar, "status", env);

        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000L);
        assertThat(status.text()).contains("is running").contains("running one for ");
        command.join(10_000);
    }
}
