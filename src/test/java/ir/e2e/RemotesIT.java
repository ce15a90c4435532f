package ir.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir sync} against real remotes as teams reach them, the packaged jar run as a separate process per command
 * with its own {@code HOME}: an OpenSSH server (ed25519 host key; ed25519 and RSA client keys from ~/.ssh/config) and
 * smart HTTP ({@code git http-backend} behind lighttpd, a token as the password from {@code IR_GIT_PASSWORD} or
 * ~/.netrc). Each covers fetch, push, a push that loses a race (someone pushes in between) and bad credentials.
 */
class RemotesIT {
    @TempDir
    Path tmp;

    @Test
    void sshWithAnEd25519Key() throws IOException {
        try (GitServers.OpenSsh ssh = GitServers.OpenSsh.start(tmp.resolve("sshd"))) {
            Path bare = ssh.bare("team");
            team(bare, ssh.url("team"), home -> ssh.client(home, ssh.ed25519Key(), true), Map.of(),
                    home -> ssh.client(home, ssh.strangerKey(), true));
        }
    }

    @Test
    void sshWithAnRsaKey() throws IOException {
        try (GitServers.OpenSsh ssh = GitServers.OpenSsh.start(tmp.resolve("sshd"))) {
            Path bare = ssh.bare("team");
            team(bare, ssh.url("team"), home -> ssh.client(home, ssh.rsaKey(), true), Map.of(),
                    home -> ssh.client(home, ssh.strangerKey(), true));
        }
    }

    @Test
    void smartHttpWithATokenFromTheEnvironmentOrNetrc() throws IOException {
        try (GitServers.SmartHttp http = GitServers.SmartHttp.start(tmp.resolve("httpd"), "alice", "t0ken-123")) {
            Path bare = http.bare("team");
            // clone a from the environment, b from ~/.netrc
            Map<String, String> token = Map.of("IR_GIT_USERNAME", http.user(), "IR_GIT_PASSWORD", http.token());
            team(bare, http.url("team"), home -> netrc(home, http.user(), http.token()), token,
                    home -> netrc(home, http.user(), "wrong-token"));
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedWithWhatToDo() throws IOException {
        try (GitServers.OpenSsh ssh = GitServers.OpenSsh.start(tmp.resolve("sshd"))) {
            Path bare = ssh.bare("team");
            Path home = tmp.resolve("home");
            ssh.client(home, ssh.ed25519Key(), false);
            Map<String, String> env = Processes.cleanEnv(home);
            Path a = seededClone(bare, ssh.url("team"), tmp.resolve("a"), env, "Alice");
            String before = Processes.head(bare);
            Processes.Result r = Processes.ir(a, env, "sync");
            assertRefusedInOneLine(r);
            assertThat(r.err()).contains("host key of [127.0.0.1]:" + ssh.port() + " is not known")
                    .contains("ssh-keyscan -p " + ssh.port() + " 127.0.0.1 >> ~/.ssh/known_hosts");
            assertThat(Files.readString(home.resolve(".ssh/known_hosts"))).as("nothing added unasked").isEmpty();
            assertThat(Processes.head(bare)).isEqualTo(before);

            Files.writeString(home.resolve(".ssh/known_hosts"), ssh.knownHostsLine());
            assertThat(Processes.ir(a, env, "sync").exit()).isZero();
        }
    }

    /** How a test home becomes a client of the server. */
    private interface Client {
        void setUp(Path home) throws IOException;
    }

    /**
     * Alice and Bob in two clones: Alice opens, logs and pushes, Bob fetches it and logs; Bob's push loses a race to Carol
     * (the server's pre-receive hook pushes her entry first), so his sync fetches, merges and pushes again; every
     * entry ends up in both clones and on the remote. Then bad credentials: one line, non-zero, nothing lost.
     */
    private void team(Path bare, String url, Client client, Map<String, String> extraEnv, Client badClient)
            throws IOException {
        Map<String, String> envA = env("home-a", client, extraEnv);
        Map<String, String> envB = env("home-b", client, Map.of());
        Path a = seededClone(bare, url, tmp.resolve("a"), envA, "Alice");
        Path b = tmp.resolve("b");

        Processes.ok(Processes.ir(a, envA, "open", "Checkout returns 500", "--severity", "SEV-2"));
        String id = Processes.incidentId(a);
        Processes.ok(Processes.ir(a, envA, "log", "from Alice: error rate at 40%"));
        Processes.ok(Processes.ir(a, envA, "sync"));
        assertThat(Processes.head(bare)).as("pushed").isEqualTo(Processes.head(a));

        clone(bare, url, b, envB, "Bob");
        Processes.ok(Processes.ir(b, envB, "sync"));
        assertThat(Files.readString(b.resolve("incidents/" + id + ".yaml"))).contains("Checkout returns 500");

        // Carol's entry, committed in her own clone, reaches the remote while Bob's sync is between fetch and push
        Path c = tmp.resolve("c");
        Map<String, String> envC = Processes.cleanEnv(tmp.resolve("home-c"));
        Processes.git(tmp, envC, "clone", "-q", bare.toString(), c.toString());
        identity(c, envC, "Carol");
        Processes.ok(Processes.ir(c, envC, "log", "-i", id, "from Carol: rolled back the deploy"));
        raceOnce(bare, c);

        Processes.ok(Processes.ir(b, envB, "log", "-i", id, "from Bob: paged the payments team"));
        Processes.Result raced = Processes.ir(b, envB, "sync");
        Processes.ok(raced);
        assertThat(Files.exists(bare.resolve("raced"))).as("Carol pushed in between").isTrue();
        Processes.ok(Processes.ir(a, envA, "sync"));

        for (String yaml : List.of(Files.readString(a.resolve("incidents/" + id + ".yaml")),
                Files.readString(b.resolve("incidents/" + id + ".yaml")),
                Processes.git(bare, envA, "show", "main:incidents/" + id + ".yaml"))) {
            assertThat(yaml).contains("from Alice", "from Bob", "from Carol");
        }
        assertThat(Processes.head(a)).isEqualTo(Processes.head(bare));

        // bad credentials: refused in one line, the local entry kept, the remote unchanged
        Map<String, String> bad = env("home-bad", badClient, Map.of());
        Processes.ok(Processes.ir(a, envA, "log", "-i", id, "not pushed yet"));
        String local = Processes.head(a);
        String remote = Processes.head(bare);
        Processes.Result r = Processes.ir(a, bad, "sync");
        assertRefusedInOneLine(r);
        assertThat(Processes.head(a)).isEqualTo(local);
        assertThat(Processes.head(bare)).isEqualTo(remote);
        assertThat(Files.readString(a.resolve("incidents/" + id + ".yaml"))).contains("not pushed yet");
        Processes.ok(Processes.ir(a, envA, "sync"));
        assertThat(Processes.head(bare)).isEqualTo(Processes.head(a));
    }

    private Map<String, String> env(String name, Client client, Map<String, String> extra) throws IOException {
        Path home = Files.createDirectories(tmp.resolve(name));
        client.setUp(home);
        Map<String, String> env = Processes.cleanEnv(home);
        env.putAll(extra);
        return env;
    }

    /** A workspace made by {@code ir init} on the bare repository, cloned to {@code dir} with origin at {@code url}. */
    private Path seededClone(Path bare, String url, Path dir, Map<String, String> env, String who) {
        Path seed = tmp.resolve("seed");
        Processes.gitRepo(seed, env, "Seed", "seed@example.com");
        Processes.ok(Processes.ir(seed, env, "init"));
        Processes.git(seed, env, "push", "-q", bare.toString(), "main");
        clone(bare, url, dir, env, who);
        return dir;
    }

    private void clone(Path bare, String url, Path dir, Map<String, String> env, String who) {
        Processes.git(tmp, env, "clone", "-q", bare.toString(), dir.toString());
        Processes.git(dir, env, "remote", "set-url", "origin", url);
        identity(dir, env, who);
    }

    private static void identity(Path dir, Map<String, String> env, String who) {
        Processes.git(dir, env, "config", "user.name", who);
        Processes.git(dir, env, "config", "user.email", who.toLowerCase(java.util.Locale.ROOT) + "@example.com");
    }

    /** A pre-receive hook that, the first time, pushes {@code clone}'s branch to the repository before going on. */
    private static void raceOnce(Path bare, Path clone) throws IOException {
        Path hook = bare.resolve("hooks/pre-receive");
        Files.writeString(hook, """
                #!/bin/sh
                cat >/dev/null
                [ -e '%1$s/raced' ] && exit 0
                touch '%1$s/raced'
                env -i PATH="$PATH" HOME='%2$s' git -C '%2$s' push -q '%1$s' HEAD:main >'%1$s/raced' 2>&1
                exit 0
                """.formatted(bare, clone));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void netrc(Path home, String user, String password) throws IOException {
        Path f = home.resolve(".netrc");
        Files.writeString(f, "machine 127.0.0.1 login " + user + " password " + password + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }


    private static void assertRefusedInOneLine(Processes.Result r) {
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).as(r.toString()).startsWith("ir: ").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
    }
}
