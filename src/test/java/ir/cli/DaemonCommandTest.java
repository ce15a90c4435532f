package ir.cli;

import ir.daemon.Client;
import ir.daemon.Protocol;
import ir.daemon.Server;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonCommandTest {
    @TempDir
    Path tmp;

    private IrTester ir() throws java.io.IOException {
        java.nio.file.Files.createDirectories(tmp.resolve("repo"));
        return IrTester.gitRepo(tmp.resolve("repo")).env("IR_DAEMON_DIR", tmp.resolve("d").toString());
    }

    @Test
    void saysWhenNoProcessRunsAndRefusesAnUnknownAction() throws Exception {
        IrTester ir = ir();

        assertThat(ir.run("daemon").out()).isEqualTo("ir's background process is not running\n");
        assertThat(ir.run("daemon", "stop").out()).isEqualTo("ir's background process is not running: nothing to "
                + "stop\n");
        ir.assertRefused(2, "ir: unknown action 'restart': use status or stop", "daemon", "restart");
    }

    @Test
    void showsAndStopsTheProcessServingThisJar() throws Exception {
        IrTester ir = ir();
        // the environment IrTester runs with (its HOME and GIT_CONFIG_NOSYSTEM are part of the process's key)
        Map<String, String> env = Map.of("IR_AUTHOR", IrTester.ALICE, "IR_DAEMON_DIR", tmp.resolve("d").toString(),
                "HOME", IrTester.EMPTY_HOME.toString(), "GIT_CONFIG_NOSYSTEM", "1");
        Path jar = Path.of(DaemonCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Server server = Server.lock(tmp.resolve("d"), Protocol.key(jar), Duration.ofMinutes(1),
                (call, o, er) -> 0).listen()) {
            Thread serving = new Thread(server::serve);
            serving.start();

            assertThat(ir.run("daemon", "status").out()).startsWith("ir's background process is running: pid ");
            assertThat(ir.run("daemon", "stop").out()).startsWith("stopped ir's background process");

            serving.join(10_000);
            assertThat(serving.isAlive()).isFalse();
            server.failed(new java.io.IOException("cannot bind the socket"));
        }
        assertThat(Client.lastFailure(jar, env)).contains("cannot bind the socket");
        assertThat(ir.run("daemon").out()).contains("not running; the last one could not start ("
                + "java.io.IOException: cannot bind the socket)");
    }
}
