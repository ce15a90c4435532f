package ir.store;

import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.ChainingCredentialsProvider;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.NetRC;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import java.io.File;
import java.util.Map;

/**
 * Credentials for https remotes, from the usual places JGit can read without running a program: the environment
 * ({@code IR_GIT_USERNAME} with {@code IR_GIT_PASSWORD}, e.g. a personal access token, for CI) and then the
 * {@code .netrc} in the environment's {@code HOME} (or the file {@code NETRC} names), as curl and git read it. git's
 * credential helpers are programs, which ir does not run. SSH remotes use keys, not these (see {@link SshRemotes}).
 */
final class Credentials {
    private Credentials() {
    }

    /** @param environment the command's environment (the caller's, in the background process) */
    static CredentialsProvider forRemote(Map<String, String> environment) {
        String user = environment.get("IR_GIT_USERNAME");
        String password = environment.get("IR_GIT_PASSWORD");
        CredentialsProvider netrc = new Netrc(netrcFile(environment));
        if (user != null && !user.isBlank() && password != null) {
            return new ChainingCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password), netrc);
        }
        return netrc;
    }

    /** {@code NETRC} if set, else {@code $HOME/.netrc}; null without either (JGit would read user.home's). */
    static File netrcFile(Map<String, String> environment) {
        String named = environment.get("NETRC");
        if (named != null && !named.isEmpty()) {
            return new File(named);
        }
        String home = environment.get("HOME");
        return home == null || home.isEmpty() ? null : new File(home, ".netrc");
    }

    /** The user name and password of the netrc entry for the remote's host; never asks. */
    private static final class Netrc extends CredentialsProvider {
        private final File file;
        private NetRC netrc;

        Netrc(File file) {
            this.file = file;
        }

        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public boolean supports(CredentialItem... items) {
            for (CredentialItem i : items) {
                if (!(i instanceof CredentialItem.Username) && !(i instanceof CredentialItem.Password)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
            if (file == null || !file.isFile() || uri.getHost() == null) {
                return false;
            }
            if (netrc == null) {
                netrc = new NetRC(file);
            }
            NetRC.NetRCEntry e = netrc.getEntry(uri.getHost());
            if (e == null || e.login == null || e.password == null) {
                return false;
            }
            for (CredentialItem i : items) {
                if (i instanceof CredentialItem.Username u) {
                    u.setValue(e.login);
                } else if (i instanceof CredentialItem.Password p) {
                    p.setValue(e.password.clone());
                } else {
                    throw new UnsupportedCredentialItem(uri, i.getClass().getName() + ":" + i.getPromptText());
                }
            }
            return true;
        }
    }
}
