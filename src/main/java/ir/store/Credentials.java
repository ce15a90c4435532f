package ir.store;

import org.eclipse.jgit.transport.ChainingCredentialsProvider;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.NetRCCredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for https remotes, from the usual places JGit can read without running a program: the environment
 * ({@code IR_GIT_USERNAME} with {@code IR_GIT_PASSWORD}, e.g. a personal access token, for CI) and then
 * {@code ~/.netrc}. git's credential helpers are programs, which ir does not run. SSH remotes use keys, not these.
 */
final class Credentials {
    private Credentials() {
    }

    /** @param environment the command's environment (the caller's, in the background process) */
    static CredentialsProvider forRemote(java.util.Map<String, String> environment) {
        String user = environment.get("IR_GIT_USERNAME");
        String password = environment.get("IR_GIT_PASSWORD");
        NetRCCredentialsProvider netrc = new NetRCCredentialsProvider();
        if (user != null && !user.isBlank() && password != null) {
            return new ChainingCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password), netrc);
        }
        return netrc;
    }
}
