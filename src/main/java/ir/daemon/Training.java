package ir.daemon;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The client's training run for install.sh's class data sharing archive of the client: one request against a
 * stand-in for the background process (in a private temporary directory), and one with no process, so the archive
 * holds every class either path loads, and what the client reads of its caller (umask, time zone, terminal). JDK classes only, like the client.
 */
final class Training {
    private Training() {
    }

    static void run() throws IOException {
        Path dir = Files.createTempDirectory("ir-client-training",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path jar = Files.createTempFile(dir, "ir", ".jar");
        Map<String, String> env = Map.of("IR_DAEMON_DIR", dir.toString());
        Path socket = Protocol.socket(dir, Protocol.key(jar));
        // What the client reads of its caller (the time zone only when TZ is set, but its classes are archived too).
        Client.Caller self = Client.Caller.self();
        Client.Caller caller = new Client.Caller(dir, env, self.umask(), java.util.TimeZone.getDefault().getID(),
                self.terminal() && Protocol.runsInBackground(new String[] {"open", "Training", "-s", "1"}, true));
        OutputStream sink = OutputStream.nullOutputStream();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread standIn = new Thread(() -> answer(server));
            standIn.start();
            int code = Client.run(jar, new String[] {"log", "training"}, caller, sink, sink);
            standIn.join();
            Files.deleteIfExists(socket);
            int none = Client.run(jar, new String[] {"log", "training"}, caller, sink, sink);
            System.out.println("ir client training: " + code + " " + none);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(Protocol.marker(socket, "unresponsive"));
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }

    private static void answer(ServerSocketChannel server) {
        try (SocketChannel c = server.accept()) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
            in.readNBytes(in.readInt());
            OutputStream to = Channels.newOutputStream(c);
            to.write(Protocol.READY);
            if (in.readByte() != Protocol.GO) {
                return;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(Protocol.ALIVE);
            out.writeByte(Protocol.OUT);
            out.writeInt(1);
            out.writeByte('\n');
            out.writeByte(Protocol.ERR);
            out.writeInt(1);
            out.writeByte('\n');
            out.writeByte(Protocol.EXIT);
            out.writeInt(0);
            to.write(bytes.toByteArray());
        } catch (IOException e) {
            // the training run then simply loads fewer classes
        }
    }
}
