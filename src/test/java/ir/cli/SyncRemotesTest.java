package ir.cli;

import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Remotes other than paths: JGit's own transports are used, and a failure is one clear line that changes nothing. */
class SyncRemotesTest {
    @TempDir
    Path tmp;

    @Test
    void sshRemotesGoThroughJGitsSshTransport() {
        IrTester ir = IrTester.workspace(tmp);
        ir.open("Needs sharing");
        // Port 1 on loopback: nothing listens, so the SSH client itself must report the refused connection
        // (without an SSH transport JGit fails before connecting).
        var r = ir.assertRefused(1, "ir: cannot fetch from ssh://git@127.0.0.1:1/x.git", "sync",
                "ssh://git@127.0.0.1:1/x.git");
        assertThat(r.err()).contains("Connection refused");
    }
}
