package ir.store;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

import java.io.File;
import java.io.OutputStream;

/**
 * The file system every repository ir opens sees: JGit's own, except that it finds no git hook and starts no program.
 * JGit runs hooks (pre-push on every push, pre-commit, commit-msg and post-commit from its commit command) through
 * {@link FS#runHookIfPresent}, found with {@link FS#findHook} in {@code core.hooksPath}, which a cloned repository's
 * config may point at a directory of its own; and it starts programs named by a repository's config (a local remote's
 * {@code uploadpack}/{@code receivepack}, filter drivers) through {@link FS#runInShell}. ir runs no other program.
 */
final class NoProgramFS extends FS_POSIX {
    static final NoProgramFS INSTANCE = new NoProgramFS(FS.DETECTED);

    private NoProgramFS(FS src) {
        super(src);
    }

    @Override
    public FS newInstance() {
        return new NoProgramFS(this);
    }

    @Override
    public File findHook(Repository repository, String hookName) {
        return null;
    }

    @Override
    public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }

    @Override
    public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args,
                                          OutputStream outRedirect, OutputStream errRedirect, String stdinArgs) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }

    @Override
    protected ProcessResult internalRunHookIfPresent(Repository repository, String hookName, String[] args,
                                                     OutputStream outRedirect, OutputStream errRedirect,
                                                     String stdinArgs) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }

    @Override
    public ProcessBuilder runInShell(String cmd, String[] args) {
        throw new UnsupportedOperationException("ir runs no other program (the repository's config names '"
                + cmd + "')");
    }
}
