package ir.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client against stand-ins for a background process that misbehaves: one that never answers (stopped with
 * SIGSTOP: the kernel still queues the connection), one that falls silent after taking the command, and a reader of
 * the client's output that goes away ({@code ir list | head -1}).
 */
class ClientTest {
    @TempDir
    Path tmp;
    Path jar;
    Path sockets;
    Map<String, String> env;
    ServerSocketChannel fake;

    @BeforeEach
    void setUp() throws IOException {
        jar = Files.writeString(tmp.resolve("ir.jar"), "stands for the installed jar");
        sockets = Files.createDirectories(tmp.resolve("d"));
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwx------"));
        env = Map.of("IR_DAEMON_DIR", sockets.toString());
        fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        fake.bind(UnixDomainSocketAddress.of(Protocol.socket(sockets, Protocol.key(jar))));
    }

    @AfterEach
    void tearDown() throws IOException {
        fake.close();
    }

    record Run(int exit, String out, String err, long millis) {
    }

    private Run client(long answerMillis, long silenceMillis, OutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Client.run(jar, args, new Client.Caller(tmp, env, -1, "", false), out, err, answerMillis,
                silenceMillis);
        return new Run(code, out.toString(), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Answers one connection: reads the request, says READY, reads GO, then writes {@code reply} and holds on. */
    private Thread process(byte[] reply, long holdMillis) {
        Thread t = new Thread(() -> {
            try (SocketChannel c = fake.accept()) {
                DataInputStream in = new DataInputStream(Channels.newInputStream(c));
                in.readNBytes(in.readInt());
                OutputStream o = Channels.newOutputStream(c);
                o.write(Protocol.READY);
                assertThat(in.readByte()).isEqualTo(Protocol.GO);
                o.write(reply);
                Thread.sleep(holdMillis);
            } catch (IOException | InterruptedException e) {
                // the client closed it
            }
        });
        t.start();
        return t;
    }

    @Test
    void aProcessThatDoesNotAnswerIsLeftInTimeAndTheNextCommandsDoNotWaitForIt() throws Exception {
        // Bound and listening, never accepting: what a stopped process looks like to a client.
        Run r = client(500, 10_000, new ByteArrayOutputStream(), "log", "x");

        assertThat(r.exit()).isEqualTo(Client.DECLINED);
        assertThat(r.millis()).isBetween(400L, 3000L);
        assertThat(r.err()).isEmpty();
        Path marker = Protocol.marker(Protocol.socket(sockets, Protocol.key(jar)), "unresponsive");
        assertThat(marker).exists();

        Run next = client(5000, 10_000, new ByteArrayOutputStream(), "show");
        assertThat(next.exit()).isEqualTo(Client.DECLINED);
        assertThat(next.millis()).as("no second wait").isLessThan(2000L);
    }

    @Test
    void statusAndStopSayAProcessDoesNotAnswerInsteadOfWaitingForIt() {
        long start = System.nanoTime();

        Client.Reply status = Client.control(jar, "status", env);

        assertThat(status.state()).isEqualTo(Client.State.NOT_ANSWERING);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(Protocol.ANSWER_MILLIS + 2000);
        assertThat(Client.pid(jar, env)).as("no pid file").isEqualTo(-1);
    }

    @Test
    void aProcessThatFallsSilentAfterTakingTheCommandIsGivenUpWithAMessage() throws Exception {
        Thread process = process(new byte[] {Protocol.ALIVE}, 30_000);

        Run r = client(1000, 500, new ByteArrayOutputStream(), "log", "x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.millis()).isLessThan(5000L);
        assertThat(r.err()).startsWith("ir: ir's background process stopped answering (nothing for 500 ms) while "
                + "running this command, so it may or may not have taken effect")
                .contains("'ir daemon stop' ends that process");
        assertThat(r.err().strip().lines()).hasSize(1);
        process.interrupt();
        process.join(5000);
    }

    @Test
    void aClosedStandardOutputIsANormalEndWithTheCommandsExitCode() throws Exception {
        byte[] lines = "2026-11-28-a\n2026-11-28-b\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(reply);
        d.writeByte(Protocol.OUT);
        d.writeInt(lines.length);
        d.write(lines);
        d.writeByte(Protocol.EXIT);
        d.writeInt(0);
        Thread process = process(reply.toByteArray(), 0);
        OutputStream headOne = new OutputStream() { // like `head -1`: takes a little, then the pipe is gone
            int taken;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (taken > 0) {
                    throw new IOException("Broken pipe");
                }
                taken += len;
            }

            @Override
            public String toString() {
                return "";
            }
        };

        Run r = client(1000, 5000, headOne, "list");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        process.join(5000);
    }
}
