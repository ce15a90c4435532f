package ir.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real git servers on local ports for end-to-end tests, as teams reach their shared remote: {@link OpenSsh} (Debian's
 * {@code openssh-server}) and {@link SmartHttp} ({@code git http-backend} behind Debian's {@code lighttpd}, basic
 * authentication with a token as the password). Each lives in a directory of its own with its own keys and
 * repositories, and {@code close()} stops it (use try-with-resources). Without the programs a test skips, unless
 * {@code IR_REQUIRE_GIT_SERVERS} is set ({@code .ci/run} sets it, after installing them), when it fails.
 */
final class GitServers {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    static final Path LIGHTTPD = Path.of("/usr/sbin/lighttpd");
    static final Path HTTP_BACKEND = Path.of("/usr/lib/git-core/git-http-backend");
    private static final Duration START = Duration.ofSeconds(10);

    private GitServers() {
    }

    /** Skips the test when {@code program} is missing, or fails it under {@code IR_REQUIRE_GIT_SERVERS}. */
    static void assumeInstalled(Path program, String debianPackage) {
        if (Files.isExecutable(program)) {
            return;
        }
        assertThat(System.getenv("IR_REQUIRE_GIT_SERVERS")).as(program + " is missing: .ci/run installs "
                + debianPackage).isNull();
        Assumptions.abort(program + " is not installed (apt-get install " + debianPackage + ")");
    }

    /** A bare repository {@code name}.git under {@code root}, branch main. */
    static Path bare(Path root, String name) {
        Path repo = root.resolve(name + ".git");
        Processes.git(root, Processes.cleanEnv(root), "init", "-q", "--bare", "-b", "main", repo.toString());
        return repo;
    }

    /**
     * An OpenSSH server on 127.0.0.1 with its own ed25519 host key, accepting the current user with two authorised
     * keys ({@link #ed25519Key()}, {@link #rsaKey()}); {@link #strangerKey()} is a key it does not know.
     */
    static final class OpenSsh implements AutoCloseable {
        private final Path dir;
        private final int port;
        private final Process process;

        private OpenSsh(Path dir, int port, Process process) {
            this.dir = dir;
            this.port = port;
            this.process = process;
        }

        /** Generates the keys in {@code dir} and starts {@code sshd -D} on a free port; waits until it listens. */
        static OpenSsh start(Path dir) {
            assumeInstalled(SSHD, "openssh-server");
            assumeInstalled(Path.of("/usr/bin/ssh-keygen"), "openssh-client");
            try {
                Files.createDirectories(dir.resolve("repos"));
                Map<String, String> env = Processes.cleanEnv(dir);
                for (String[] k : List.of(new String[] {"host_ed25519", "ed25519"}, new String[] {"id_ed25519",
                        "ed25519"}, new String[] {"id_rsa", "rsa"}, new String[] {"stranger_ed25519", "ed25519"})) {
                    Processes.Result r = Processes.run(List.of("ssh-keygen", "-q", "-t", k[1], "-N", "", "-C",
                            k[0] + "@ir-test", "-f", dir.resolve(k[0]).toString()), dir, env);
                    assertThat(r.exit()).as(r.toString()).isZero();
                }
                Files.writeString(dir.resolve("authorized_keys"), Files.readString(dir.resolve("id_ed25519.pub"))
                        + Files.readString(dir.resolve("id_rsa.pub")));
                if (isRoot() && !Files.isDirectory(Path.of("/run/sshd"))) {
                    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
                }
                int port = freePort();
                // SHLVL=1: bash, which runs each session's command, then does not source the account's ~/.bashrc (it
                // does for a command from sshd otherwise). A .bashrc may do slow or locking work (pyenv's rehash
                // lock, left behind when the server stops during a session, made every later login wait 60 s).
                Files.writeString(dir.resolve("sshd_config"), """
                        ListenAddress 127.0.0.1
                        HostKey %s
                        PidFile none
                        AuthorizedKeysFile %s
                        StrictModes no
                        UsePAM no
                        PasswordAuthentication no
                        KbdInteractiveAuthentication no
                        PubkeyAuthentication yes
                        PermitRootLogin prohibit-password
                        LogLevel VERBOSE
                        SetEnv SHLVL=1
                        """.formatted(dir.resolve("host_ed25519"), dir.resolve("authorized_keys")));
                Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config")
                        .toString(), "-p", Integer.toString(port)).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
                OpenSsh server = new OpenSsh(dir, port, p);
                awaitListening(port, p, dir.resolve("sshd.log"));
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return port;
        }

        Path ed25519Key() {
            return dir.resolve("id_ed25519");
        }

        Path rsaKey() {
            return dir.resolve("id_rsa");
        }

        /** A key the server does not accept. */
        Path strangerKey() {
            return dir.resolve("stranger_ed25519");
        }

        /** The known_hosts line for this server's host key. */
        String knownHostsLine() {
            try {
                String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).strip().split(" ");
                return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A new bare repository served by this server. */
        Path bare(String name) {
            return GitServers.bare(dir.resolve("repos"), name);
        }

        /** {@code ssh://USER@127.0.0.1:PORT/abs/path/name.git} */
        String url(String name) {
            return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port
                    + dir.resolve("repos").resolve(name + ".git").toAbsolutePath();
        }

        /**
         * Makes {@code home} a client of this server as OpenSSH users set one up: {@code ~/.ssh/config} naming
         * {@code key} for the host and, when {@code knownHost}, the host key in {@code ~/.ssh/known_hosts}.
         */
        void client(Path home, Path key, boolean knownHost) {
            try {
                Path ssh = Files.createDirectories(home.resolve(".ssh"));
                Path own = ssh.resolve(key.getFileName());
                Files.copy(key, own, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
                Files.writeString(ssh.resolve("config"), """
                        Host 127.0.0.1
                          Port %d
                          IdentityFile ~/.ssh/%s
                          IdentitiesOnly yes
                        """.formatted(port, key.getFileName()));
                Files.writeString(ssh.resolve("known_hosts"), knownHost ? knownHostsLine() : "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    /**
     * {@code git http-backend} behind lighttpd (mod_cgi, mod_auth with basic authentication) on 127.0.0.1: smart-HTTP
     * fetch and push for {@link #user()} with {@link #token()} as the password; anything else gets 401.
     */
    static final class SmartHttp implements AutoCloseable {
        private final Path dir;
        private final int port;
        private final Process process;
        private final String user;
        private final String token;

        private SmartHttp(Path dir, int port, Process process, String user, String token) {
            this.dir = dir;
            this.port = port;
            this.process = process;
            this.user = user;
            this.token = token;
        }

        static SmartHttp start(Path dir, String user, String token) {
            assumeInstalled(LIGHTTPD, "lighttpd");
            assumeInstalled(HTTP_BACKEND, "git");
            try {
                Files.createDirectories(dir.resolve("repos"));
                Files.createDirectories(dir.resolve("www"));
                Files.writeString(dir.resolve("users"), user + ":" + token + "\n");
                int port = freePort();
                Files.writeString(dir.resolve("lighttpd.conf"), """
                        server.document-root = "%1$s/www"
                        server.bind = "127.0.0.1"
                        server.port = %2$d
                        server.errorlog = "%1$s/error.log"
                        server.modules = ("mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi")
                        alias.url = ("/git/" => "%3$s/")
                        $HTTP["url"] =~ "^/git/" {
                          cgi.assign = ("" => "")
                          setenv.add-environment = ("GIT_PROJECT_ROOT" => "%1$s/repos", "GIT_HTTP_EXPORT_ALL" => "1",
                                                    "GIT_CONFIG_NOSYSTEM" => "1")
                          auth.backend = "plain"
                          auth.backend.plain.userfile = "%1$s/users"
                          auth.require = ("" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
                        }
                        """.formatted(dir.toAbsolutePath(), port, HTTP_BACKEND));
                Process p = new ProcessBuilder(LIGHTTPD.toString(), "-D", "-f", dir.resolve("lighttpd.conf")
                        .toString()).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("lighttpd.log").toFile()).start();
                SmartHttp server = new SmartHttp(dir, port, p, user, token);
                awaitListening(port, p, dir.resolve("lighttpd.log"));
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String user() {
            return user;
        }

        String token() {
            return token;
        }

        Path bare(String name) {
            return GitServers.bare(dir.resolve("repos"), name);
        }

        /** {@code http://127.0.0.1:PORT/git/name.git}, without credentials. */
        String url(String name) {
            return "http://127.0.0.1:" + port + "/git/" + name + ".git";
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitListening(int port, Process p, Path log) throws IOException {
        Instant deadline = Instant.now().plus(START);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        stop(p);
        throw new AssertionError("the server did not listen on " + port + " within " + START + ":\n"
                + Files.readString(log));
    }

    /** Stops the server and whatever it started (sshd's per-connection processes, CGI programs). */
    private static void stop(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
