package ir.store;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ssh remotes for one command, as OpenSSH's client treats them, but for the command's environment: keys,
 * {@code ~/.ssh/config} and {@code ~/.ssh/known_hosts} come from its {@code HOME} (the caller's, in the background
 * process; JGit alone would read the password database's home of the process). A host key that is not known or has
 * changed is refused, never asked about (nobody may be there to answer), unless the user's ssh config says otherwise
 * ({@code StrictHostKeyChecking accept-new} or {@code no}); {@link #refusal()} then says what to do. The https
 * credentials ({@code IR_GIT_PASSWORD}, .netrc) are never offered to an ssh server. Apache MINA sshd is loaded only
 * when a transport is an ssh one.
 */
final class SshRemotes implements TransportConfigCallback, AutoCloseable {
    /** Connecting, logging in and each wait for the remote: a dead or silent host fails the sync after this. */
    static final int TIMEOUT_SECONDS = 30;

    private final Path home;
    private final AtomicReference<String> refusal = new AtomicReference<>();
    private Sessions sessions;

    private final int timeout;

    /** @param timeoutSeconds the longest wait for the remote; 0: {@link #TIMEOUT_SECONDS} */
    SshRemotes(Map<String, String> environment, int timeoutSeconds) {
        this.timeout = timeoutSeconds > 0 ? timeoutSeconds : TIMEOUT_SECONDS;
        String h = environment.get("HOME");
        this.home = Path.of(h == null || h.isEmpty() ? System.getProperty("user.home") : h);
    }

    @Override
    public void configure(Transport transport) {
        transport.setTimeout(timeout);
        if (transport instanceof SshTransport ssh) {
            if (sessions == null) {
                sessions = new Sessions(home, refusal);
            }
            ssh.setSshSessionFactory(sessions.factory);
            ssh.setCredentialsProvider(null); // no prompts, and no https password sent to an ssh server
        }
    }

    /** Why the server's host key was refused, with what to do, or null. */
    String refusal() {
        return refusal.get();
    }

    @Override
    public void close() {
        if (sessions != null) {
            sessions.factory.close();
        }
    }

    /** The sshd side, in its own class so that https and file remotes never load it. */
    private static final class Sessions {
        final SshdSessionFactory factory;

        Sessions(Path home, AtomicReference<String> refusal) {
            File ssh = home.resolve(".ssh").toFile();
            factory = new SshdSessionFactoryBuilder().setHomeDirectory(home.toFile()).setSshDirectory(ssh)
                    .setServerKeyDatabase((h, s) -> new HostKeys(new OpenSshServerKeyDatabase(false, List.of(
                            s.toPath().resolve("known_hosts"), s.toPath().resolve("known_hosts2"))), home, refusal))
                    .build(new JGitKeyCache());
        }
    }

    /** OpenSSH's known_hosts, without asking: a refused key is recorded with what to do about it. */
    private record HostKeys(ServerKeyDatabase known, Path home, AtomicReference<String> refusal)
            implements ServerKeyDatabase {
        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return known.lookup(connectAddress, remoteAddress, config);
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                Configuration config, CredentialsProvider provider) {
            // no provider: "ask" (OpenSSH's default) becomes "yes", as with ssh -o BatchMode=yes
            if (known.accept(connectAddress, remoteAddress, serverKey, config, null)) {
                return true;
            }
            String key = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(BuiltinDigests.sha256,
                    serverKey);
            String file = shown(config);
            String host = remoteAddress.getPort() == 22 ? remoteAddress.getHostString()
                    : "[" + remoteAddress.getHostString() + "]:" + remoteAddress.getPort();
            String scan = "ssh-keyscan " + (remoteAddress.getPort() == 22 ? "" : "-p " + remoteAddress.getPort() + " ")
                    + remoteAddress.getHostString() + " >> " + file;
            if (known.lookup(connectAddress, remoteAddress, config).isEmpty()) {
                refusal.set("the host key of " + host + " is not known (" + key + " is not in " + file
                        + "): check that fingerprint with the server's owner, add the key (e.g. '" + scan
                        + "'), then run 'ir sync' again");
            } else {
                refusal.set("the host key of " + host + " has CHANGED (it is now " + key + ", " + file
                        + " has another): someone may be intercepting the connection; if the server's owner confirms"
                        + " the new key, replace the old one ('ssh-keygen -R \"" + host + "\" -f " + file + "', then '"
                        + scan + "') and run 'ir sync' again");
            }
            return false;
        }

        /** The known_hosts file a key would be added to, with {@code ~} for the home. */
        private String shown(Configuration config) {
            List<String> files = config.getUserKnownHostsFiles();
            Path p = files == null || files.isEmpty() ? home.resolve(".ssh").resolve("known_hosts")
                    : Path.of(files.get(0));
            return p.startsWith(home) ? "~/" + home.relativize(p) : p.toString();
        }
    }
}
