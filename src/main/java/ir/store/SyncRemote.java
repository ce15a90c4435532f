package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** {@code ir sync}'s side of the network: fetch and push through JGit's transport, with the user's config. */
final class SyncRemote {
    /** How much of what a refusing remote said is quoted: enough for a hook's reason, not a screenful of progress. */
    private static final int SAID_MAX = 600;

    private final Repository repo;
    private final UserGitConfig user;
    private final Map<String, String> environment;
    private final Consumer<String> warn;
    private int timeoutSeconds;

    /** Gives up on a remote that answers nothing for {@code seconds} (0: JGit's default, no limit). */
    SyncRemote timeout(int seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    SyncRemote(Repository repo, UserGitConfig user, Map<String, String> environment, Consumer<String> warn) {
        this.repo = repo;
        this.environment = environment;
        this.user = user;
        this.warn = warn;
    }

    ObjectId fetch(String remote, boolean named, String remoteBranch, String remoteRef) {
        // A named remote fetches all its branches, as 'git fetch' does; a URL only the branch synced with.
        String spec = named ? "+" + Constants.R_HEADS + "*:" + Constants.R_REMOTES + remote + "/*" : remoteRef;
        // the transport sees the user's config (url.<base>.insteadOf, http.*) as git fetch does
        try (Repository transport = user.transportView(repo);
             SshRemotes ssh = new SshRemotes(environment, timeoutSeconds)) {
            FetchResult r;
            try {
                r = Git.wrap(transport).fetch().setRemote(remote).setRefSpecs(new RefSpec(spec))
                        .setCredentialsProvider(Credentials.forRemote(environment)).setTransportConfigCallback(ssh)
                        .call();
            } catch (org.eclipse.jgit.api.errors.TransportException e) {
                if (!named && String.valueOf(e.getMessage()).contains("does not have " + remoteRef)) {
                    return null; // an empty repository, or the branch is not there yet: the push creates it
                }
                throw cannotFetch(remote, ssh, e);
            } catch (GitAPIException | RuntimeException e) {
                throw cannotFetch(remote, ssh, e);
            }
            Ref ref = r.getAdvertisedRef(remoteRef);
            return ref == null ? null : ref.getObjectId();
        }
    }

    private static IrException cannotFetch(String remote, SshRemotes ssh, Exception e) {
        if (ssh.refusal() != null) {
            return new IrException(ExitCode.FAILURE, "cannot fetch from " + inert(remote) + ": " + ssh.refusal(), e);
        }
        return new IrException(ExitCode.FAILURE, "cannot fetch from " + inert(remote) + ": " + message(e)
                + " (check the remote's URL and your access, e.g. with 'git fetch " + remote + "')", e);
    }

    /** Pushes the branch; false when the remote moved meanwhile (fetch and merge again). */
    boolean push(String remote, String branch, String remoteRef) {
        Iterable<PushResult> results;
        try (Repository transport = user.transportView(repo);
             SshRemotes ssh = new SshRemotes(environment, timeoutSeconds)) {
            try {
                results = Git.wrap(transport).push().setRemote(remote)
                        .setCredentialsProvider(Credentials.forRemote(environment)).setTransportConfigCallback(ssh)
                        .setRefSpecs(new RefSpec(Constants.R_HEADS + branch + ":" + remoteRef)).call();
            } catch (GitAPIException | RuntimeException e) {
                throw new IrException(ExitCode.FAILURE, "cannot push to " + inert(remote) + ": "
                        + (ssh.refusal() != null ? ssh.refusal() : message(e)
                        + " (your commits are merged locally; run 'ir sync' again when the remote is reachable)"), e);
            }
        }
        for (PushResult r : results) {
            RemoteRefUpdate u = r.getRemoteUpdate(remoteRef);
            if (u == null) {
                continue;
            }
            switch (u.getStatus()) {
                case OK, UP_TO_DATE -> {
                    return true;
                }
                case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                    return false;
                }
                default -> {
                    String m = u.getMessage() == null ? "" : u.getMessage();
                    if (u.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
                            && (lockedMeanwhile(m) || movedMeanwhile(r.getMessages(), remoteRef))) {
                        return false; // another push holds the ref: fetch, merge and try again
                    }
                    throw rejected(remote, branch, u, r.getMessages());
                }
            }
        }
        throw new IrException(ExitCode.FAILURE, "the push to " + remote + " reported nothing for " + remoteRef);
    }

    /** A ref the remote could not lock because another push was updating it (JGit's and git's own words). */
    private static boolean lockedMeanwhile(String m) {
        return m.startsWith("lock error") || m.startsWith("failed to lock") || m.startsWith("cannot lock ref");
    }

    /**
     * git's receive-pack when another push moved the ref after this push's old value was taken (it says only "failed to
     * update ref" for the ref, and why on its side band): "cannot lock ref 'refs/heads/main': is at X but expected Y".
     */
    static boolean movedMeanwhile(String said, String remoteRef) {
        return said != null && said.contains("cannot lock ref '" + remoteRef + "': is at ");
    }

    /**
     * The remote refused the update (a protected branch, a server-side hook, ...): its reason and what it said, in one
     * line with control characters made visible, since both come from the remote.
     */
    private static IrException rejected(String remote, String branch, RemoteRefUpdate u, String said) {
        StringBuilder m = new StringBuilder("the remote ").append(inert(remote)).append(" rejected the push of ")
                .append(branch).append(": ");
        String reason = u.getMessage();
        m.append(reason == null || reason.isBlank() ? u.getStatus().name().toLowerCase(Locale.ROOT)
                .replace('_', ' ') : inert(reason.strip()));
        if (said != null && !said.isBlank()) {
            String text = said.strip();
            if (text.length() > SAID_MAX) {
                text = text.substring(0, SAID_MAX) + "...";
            }
            m.append(" (the remote said: ").append(inert(text)).append(')');
        }
        m.append("; your commits are merged locally: ask the remote's owner, then run 'ir sync' again");
        return new IrException(ExitCode.FAILURE, m.toString());
    }

    /**
     * {@code s} as one inert line: control characters (newlines too) shown as {@code ^X} as {@code cat -v} does, DEL as
     * {@code ^?}, C1 controls as {@code ?}; tabs stay.
     */
    static String inert(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                b.append('^').append((char) (c ^ 0x40));
            } else if (c > 0x7f && c <= 0x9f) {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    void setUpstream(boolean named, String remote, String branch, String remoteRef) {
        if (!named) {
            return;
        }
        StoredConfig c = repo.getConfig();
        if (c.getString("branch", branch, "remote") != null) {
            return;
        }
        c.setString("branch", branch, "remote", remote);
        c.setString("branch", branch, "merge", remoteRef);
        try {
            c.save();
        } catch (IOException e) {
            warn.accept("could not record " + remote + " as the upstream of " + branch + ": " + e.getMessage());
        }
    }

    static boolean looksLikeUrl(String remote) {
        return remote.contains("://") || remote.contains("/") || remote.contains("\\") || remote.contains(":")
                || remote.endsWith(".git");
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
            m = (m == null ? "" : m + ": ") + c.getMessage();
        }
        return m == null ? e.getClass().getSimpleName() : inert(m);
    }
}
