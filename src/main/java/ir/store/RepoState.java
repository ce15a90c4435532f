package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses to commit into a repository state that is not safe for it: SHA-256 objects, a merge, rebase, {@code git am},
 * cherry-pick or revert in progress, a detached HEAD, a split or sparse index, or an unresolved conflict on a path the
 * command would write. Each refusal is one line saying what to do, exit 4, and comes before anything is written.
 * <p>
 * It runs on every mutating command, so it only stats a few files in the git directory, reads HEAD and walks git's
 * index once without building objects (about a millisecond for 10,000 incidents; see {@link IndexFile}). It only reads:
 * optional index extensions that JGit drops when it writes the index are accepted on purpose, see {@link IndexFile}.
 */
final class RepoState {
    private RepoState() {
    }

    /**
     * Throws {@link ExitCode#BUSY} when {@code repo} is in a state ir must not commit into.
     *
     * @param paths the work-tree-relative git paths the command will write
     */
    static void check(Repository repo, Collection<String> paths) {
        checkState(repo);
        IndexFile index = repo.isBare() ? null : new IndexFile(repo.getIndexFile().toPath(), paths);
        if (index != null) {
            index.check();
        }
    }

    /**
     * The part of {@link #check} that does not read git's index (object format, an operation in progress, HEAD on a
     * branch): run before recovery, so that nothing at all is done in such a state.
     */
    static void checkState(Repository repo) {
        Path gitDir = repo.getDirectory().toPath();
        // one look at the config: it is checked for changes on disk each time it is asked for
        Config config = repo.getConfig();
        objectFormat(config.getString("extensions", null, "objectformat"));
        operationInProgress(gitDir);
        head(repo, config, gitDir);
    }

    /**
     * {@code ir init} in an existing work tree: the same check, before a directory or file is created. Nothing is
     * checked when {@code root} is not inside a git work tree ({@code ir init} then creates a repository).
     *
     * @param root  the workspace directory to be (it need not exist yet)
     * @param files the files init will write, relative to {@code root}
     */
    static void checkBeforeInit(Path root, Collection<Path> files) {
        Workspace ws;
        try {
            ws = Workspace.at(root);
        } catch (IrException notInGit) {
            return;
        }
        List<String> paths = new ArrayList<>();
        for (Path f : files) {
            paths.add(ws.gitPath(ws.root().resolve(f)));
        }
        try (GitRepo git = GitRepo.open(ws)) {
            check(git.repository(), paths);
        }
    }

    private static void objectFormat(String format) {
        if (format != null && !format.equalsIgnoreCase("sha1")) {
            String name = format.toUpperCase(Locale.ROOT).replaceFirst("^SHA(\\d)", "SHA-$1");
            throw refuse("this git repository stores " + name + " objects "
                    + "(extensions.objectFormat), which ir cannot write: keep the incidents in a SHA-1 repository "
                    + "(git init --object-format=sha1) and run ir there");
        }
    }

    /** The files git itself looks at to tell that a command stopped half-way (as {@code git status} does). */
    private static void operationInProgress(Path gitDir) {
        if (exists(gitDir.resolve("MERGE_HEAD"))) {
            throw inProgress("a merge", "git commit", "git merge --abort");
        }
        if (exists(gitDir.resolve("rebase-merge"))) {
            throw inProgress("a rebase", "git rebase --continue", "git rebase --abort");
        }
        Path apply = gitDir.resolve("rebase-apply");
        if (exists(apply)) {
            if (exists(apply.resolve("applying"))) {
                throw inProgress("a 'git am'", "git am --continue", "git am --abort");
            }
            throw inProgress("a rebase", "git rebase --continue", "git rebase --abort");
        }
        if (exists(gitDir.resolve("CHERRY_PICK_HEAD"))) {
            throw inProgress("a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort");
        }
        if (exists(gitDir.resolve("REVERT_HEAD"))) {
            throw inProgress("a revert", "git revert --continue", "git revert --abort");
        }
        // A cherry-pick or revert of several commits between two of them: only the sequencer's to-do list is left.
        Path todo = gitDir.resolve("sequencer").resolve("todo");
        if (exists(todo)) {
            if (firstWord(todo).startsWith("r")) {
                throw inProgress("a revert", "git revert --continue", "git revert --abort");
            }
            throw inProgress("a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort");
        }
    }

    /** {@code java.io.File.exists}: without the exception NIO makes for each missing file, several times cheaper. */
    private static boolean exists(Path p) {
        return p.toFile().exists();
    }

    private static String firstWord(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "" : s.split("\\s", 2)[0];
        } catch (IOException e) {
            return "";
        }
    }

    private static IrException inProgress(String what, String finish, String abort) {
        return refuse(what + " is in progress in this repository: finish it (" + finish + ") or abort it (" + abort
                + "), then run the command again");
    }

    private static void head(Repository repo, Config config, Path gitDir) {
        if (onBranch(repo, config, gitDir)) {
            return;
        }
        if (exists(gitDir.resolve("BISECT_LOG"))) {
            throw refuse("a bisect is in progress in this repository (HEAD is detached): end it (git bisect reset), "
                    + "then run the command again");
        }
        throw refuse("HEAD is detached (no branch is checked out) and ir commits only to a branch: switch to one "
                + "(git switch BRANCH), then run the command again");
    }

    /**
     * Whether HEAD names a branch (born or not). The HEAD file is read directly, ten times cheaper than JGit's ref
     * lookup; a reftable repository keeps a placeholder there, so JGit is asked.
     */
    private static boolean onBranch(Repository repo, Config config, Path gitDir) {
        try {
            if (config.getString("extensions", null, "refstorage") == null) {
                String head = new String(Files.readAllBytes(gitDir.resolve(Constants.HEAD)), StandardCharsets.UTF_8);
                return head.startsWith("ref: " + Constants.R_HEADS);
            }
            Ref head = repo.exactRef(Constants.HEAD);
            return head == null || head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read git's HEAD: " + e.getMessage(), e);
        }
    }

    private static IrException refuse(String message) {
        return new IrException(ExitCode.BUSY, message);
    }

    /**
     * Git's index as bytes, walked once from entry to entry without building objects: an entry is looked at only
     * when it is unmerged (stage 1 to 3), which is rare. What is read: the extension signatures {@code link} (split
     * index) and {@code sdir} (sparse index), which JGit cannot read, and the stages of the paths to be written.
     * <p>
     * Optional extensions are accepted though JGit drops them when it writes the index: the untracked cache
     * ({@code UNTR}: git's next status rebuilds it when {@code core.untrackedCache} is true; when it was only turned
     * on with {@code git update-index --untracked-cache}, a speed-up is gone until that is run again), the file system
     * monitor's ({@code FSMN}, git rescans) and resolve-undo
     * ({@code REUC}: it only lets {@code git checkout -m PATH} re-create a conflict already resolved; git keeps it
     * after {@code git commit} until the next checkout or reset, so refusing would block ir after every resolved
     * merge, and while the merge, rebase or cherry-pick is still in progress ir refuses anyway).
     * <p>
     * An index it cannot make sense of (a version other than 2 to 4, a truncated file) is left to the commit, which
     * reports it.
     */
    private record IndexFile(Path file, Collection<String> paths) {
        private static final int SHA1_ENTRY = 62;

        void check() {
            byte[] b;
            try {
                b = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot read git's index " + file + ": " + e.getMessage(), e);
            }
            if (b.length < 12 + 20 || b[0] != 'D' || b[1] != 'I' || b[2] != 'R' || b[3] != 'C') {
                return;
            }
            int version = int32(b, 4);
            long count = int32(b, 8) & 0xFFFFFFFFL;
            if (version < 2 || version > 4) {
                return;
            }
            Set<String> wanted = new HashSet<>(paths);
            List<String> conflicted = new ArrayList<>();
            byte[] name = new byte[256];
            int nameLength = 0;
            int end = b.length - 20;
            int p = 12;
            for (long i = 0; i < count; i++) {
                if (p + SHA1_ENTRY > end) {
                    return;
                }
                int flags = uint16(b, p + 60);
                int at = p + SHA1_ENTRY + ((flags & 0x4000) != 0 && version >= 3 ? 2 : 0);
                int stage = (flags >> 12) & 3;
                if (version == 4) {
                    // the length of the previous name to drop: git's offset varint (varint.c), 7 bits a byte and
                    // one added with each continuation
                    if (at >= end) {
                        return;
                    }
                    int c = b[at++] & 0xFF;
                    long v = c & 0x7F;
                    while ((c & 0x80) != 0 && v < Integer.MAX_VALUE) {
                        if (at >= end) {
                            return;
                        }
                        c = b[at++] & 0xFF;
                        v = ((v + 1) << 7) | (c & 0x7F);
                    }
                    int suffix = nul(b, at, end);
                    if (suffix < 0 || v > nameLength) {
                        return;
                    }
                    int keep = nameLength - (int) v;
                    int length = suffix - at;
                    if (keep + length > name.length) {
                        name = Arrays.copyOf(name, Math.max(name.length * 2, keep + length));
                    }
                    System.arraycopy(b, at, name, keep, length);
                    nameLength = keep + length;
                    if (stage != 0) {
                        note(new String(name, 0, nameLength, StandardCharsets.UTF_8), wanted, conflicted);
                    }
                    p = suffix + 1;
                } else {
                    int length = flags & 0xFFF;
                    if (length == 0xFFF) {
                        int nul = nul(b, at, end);
                        if (nul < 0) {
                            return;
                        }
                        length = nul - at;
                    }
                    if (stage != 0 && at + length <= end) {
                        note(new String(b, at, length, StandardCharsets.UTF_8), wanted, conflicted);
                    }
                    // 1 to 8 NULs pad the entry to a multiple of 8 bytes
                    p += (at - p + length + 8) & ~7;
                }
            }
            extensions(b, p, end);
            if (!conflicted.isEmpty()) {
                String first = conflicted.get(0);
                throw refuse(first + (conflicted.size() > 1 ? " (and " + (conflicted.size() - 1) + " more)" : "")
                        + " has an unresolved merge conflict in git's index: resolve it and run 'git add " + first
                        + "' (or 'git checkout HEAD -- " + first + "' to drop the other side), then run the command "
                        + "again");
            }
        }

        private static void note(String path, Set<String> wanted, List<String> conflicted) {
            // An unmerged path has up to three entries, one per stage, one after the other.
            if (wanted.contains(path) && (conflicted.isEmpty() || !conflicted.get(conflicted.size() - 1)
                    .equals(path))) {
                conflicted.add(path);
            }
        }

        private static void extensions(byte[] b, int p, int end) {
            while (p + 8 <= end) {
                String signature = new String(b, p, 4, StandardCharsets.ISO_8859_1);
                long size = int32(b, p + 4) & 0xFFFFFFFFL;
                if (signature.equals("link")) {
                    throw refuse("git's index is split (core.splitIndex), which ir cannot write: run 'git config "
                            + "core.splitIndex false && git update-index --no-split-index', then run the command "
                            + "again");
                }
                if (signature.equals("sdir")) {
                    throw refuse("git's index is a sparse index (index.sparse), which ir cannot write: run 'git "
                            + "sparse-checkout reapply --no-sparse-index' (the sparse checkout stays as it is), then "
                            + "run the command again");
                }
                long next = p + 8L + size;
                if (next > end) {
                    return;
                }
                p = (int) next;
            }
        }

        private static int nul(byte[] b, int from, int end) {
            for (int i = from; i < end; i++) {
                if (b[i] == 0) {
                    return i;
                }
            }
            return -1;
        }

        private static int int32(byte[] b, int p) {
            return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF;
        }

        private static int uint16(byte[] b, int p) {
            return (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF;
        }
    }
}
