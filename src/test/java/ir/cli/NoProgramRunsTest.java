package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.TestProtocol;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ir runs no other program: no git hook of any kind, wherever it is, and a remote's refusal is reported as such. */
class NoProgramRunsTest {
    /** Every hook git or JGit knows that a fetch, merge, checkout, commit or push could run. */
    private static final List<String> HOOKS = List.of("pre-push", "post-merge", "post-checkout",
            "reference-transaction", "pre-commit", "commit-msg", "post-commit", "prepare-commit-msg", "post-rewrite",
            "pre-merge-commit", "pre-auto-gc", "post-update", "pre-receive", "update", "post-receive");

    @TempDir
    Path tmp;

    private Path marker() {
        return tmp.resolve("marker");
    }

    /** Executable hooks in {@code dir}, each of which appends its name to the marker file and succeeds. */
    private void hooks(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String h : HOOKS) {
            Path f = dir.resolve(h);
            Files.writeString(f, "#!/bin/sh\necho " + h + " >> '" + marker() + "'\nexit 0\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void ok(IrTester.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void hooksFromATrackedHooksPathNeverRun() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        String id = a.open("Checkout latency spike");
        // the hooks are part of the repository's content, as a hostile clone would carry them
        hooks(a.dir().resolve("githooks"));
        try (Git git = Git.open(a.dir().toFile())) {
            git.add().addFilepattern("githooks").call();
            git.commit().setMessage("hooks").setAuthor("Eve", "eve@example.com")
                    .setCommitter("Eve", "eve@example.com").call();
        }
        ok(a.run("sync"));
        IrTester b = Clones.clone(bare, tmp.resolve("b"), "Bob Builder <bob@example.com>");
        assertThat(b.dir().resolve("githooks/pre-push")).isExecutable();
        for (IrTester t : List.of(a, b)) {
            try (Repository r = new FileRepositoryBuilder().setWorkTree(t.dir().toFile()).build()) {
                StoredConfig c = r.getConfig();
                c.setString("core", null, "hooksPath", t.dir().resolve("githooks").toString());
                c.save();
            }
        }

        ok(b.run("init"));
        ok(b.run("log", "--incident", id, "restarted the pods"));
        ok(a.run("log", "--incident", id, "paged the database team"));
        ok(a.run("sync"));
        ok(b.run("sync")); // fetch, merge, check out, push
        ok(a.run("sync")); // fast-forward
        ok(b.run("postmortem", "--incident", id));
        ok(b.run("sync"));

        assertThat(marker()).doesNotExist();
        assertThat(b.commits().get(0).getParentCount()).isEqualTo(1);
    }

    @Test
    void theDefaultPrePushHookNeverRuns() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        hooks(a.dir().resolve(".git/hooks"));
        String id = a.open("Disk full on db-3");
        ok(a.run("log", "--incident", id, "freed 20 GiB"));
        ok(a.run("sync"));

        assertThat(marker()).doesNotExist();
        try (Repository remote = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
            assertThat(remote.resolve("refs/heads/main")).isEqualTo(a.commits().get(0).getId());
        }
    }

    @Test
    void aLocalRemotesReceivePackFromTheConfigNeverRuns() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        try (Repository r = new FileRepositoryBuilder().setWorkTree(a.dir().toFile()).build()) {
            StoredConfig c = r.getConfig();
            c.setString("remote", "origin", "receivepack", "touch '" + marker() + "'; git-receive-pack");
            c.setString("remote", "origin", "uploadpack", "touch '" + marker() + "'; git-upload-pack");
            c.save();
        }
        a.open("Queue backlog");

        IrTester.Result r = a.run("sync");

        assertThat(marker()).doesNotExist();
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: cannot fetch from origin: ").contains("ir runs no other program");
    }

    @Test
    void aRemotesRefusalIsReportedAsARefusalWithItsMessageInert() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        // a server that protects main, as a hosting service or a server-side pre-receive hook does; what it says
        // comes from the remote and carries an OSC 52 clipboard write, a screen clear and a forged second line
        TestProtocol<Object> server = new TestProtocol<>((req, db) -> new UploadPack(db), (req, db) -> {
            ReceivePack rp = new ReceivePack(db);
            rp.setPreReceiveHook((pack, commands) -> {
                pack.sendMessage("GL-HOOK-ERR: \u001b]52;c;ZXZpbA==\u0007you may not push\u001b[2J\nir: all good");
                for (ReceiveCommand c : commands) {
                    c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON,
                            "protected branch\u009b2J\u007f\r\nforged");
                }
            });
            return rp;
        });
        Transport.register(server);
        try (Repository remote = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
            URIish uri = server.register(new Object(), remote);
            a.open("Certificate expired");

            IrTester.Result r = a.run("sync", uri.toString());

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).startsWith("ir: the remote " + uri + " rejected the push of main: protected branch?2J^?^M^Jforged"
                    + " (the remote said: GL-HOOK-ERR: ^[]52;c;ZXZpbA==^Gyou may not push^[[2J^Jir: all good)");
            assertThat(r.err()).doesNotContain("unreachable");
            String line = r.err().substring(0, r.err().length() - 1);
            assertThat(r.err()).endsWith("\n");
            assertThat(line.chars().filter(ch -> ch < 0x20 && ch != '\t' || ch >= 0x7f && ch <= 0x9f)).isEmpty();
            assertThat(remote.resolve("refs/heads/main")).isNotEqualTo(a.commits().get(0).getId());
        } finally {
            Transport.unregister(server);
        }
    }
}
