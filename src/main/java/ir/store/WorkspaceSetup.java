package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Setting a workspace up: {@code ir init}, the {@code .gitattributes} line that gives incident files ir's merge
 * driver, and the driver's registration in a clone's own git config.
 */
public final class WorkspaceSetup {
    /** The {@code .gitattributes} line for incident files: ir's merge driver, and always LF. */
    static final String ATTRIBUTES = "incidents/*.yaml merge=ir text eol=lf";
    static final String GITATTRIBUTES = ".gitattributes";
    /** Git itself ignores a {@code .gitattributes} over 100 MiB; one of ir's is a few lines. */
    private static final int MAX_ATTRIBUTES_BYTES = 100 * 1024 * 1024;

    private WorkspaceSetup() {
    }

    /** What {@link #init} did. */
    public record InitResult(Path root, boolean created, boolean gitInitialised) {
    }

    /**
     * Creates a workspace in {@code dir}: {@code git init} if it is not in a work tree, the default {@code ir.yaml},
     * {@code incidents/}, {@code templates/} with {@code templates} (name to content), the shipped scenarios in
     * {@code drills/}, {@code .gitattributes}, and one
     * commit. Changes nothing when {@code dir} already holds {@code ir.yaml}.
     */
    public static InitResult init(Path dir, Map<String, byte[]> templates, Session session) {
        Path root = dir.toAbsolutePath().normalize();
        if (WorkspaceFiles.isFile(root, Workspace.CONFIG)) {
            return new InitResult(root, false, false);
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(Path.of(Workspace.CONFIG), ConfigCodec.defaultBytes());
        files.put(Path.of(Workspace.INCIDENTS, ".gitkeep"), new byte[0]);
        templates.forEach((name, content) -> files.put(Path.of(Workspace.TEMPLATES, name), content));
        // A few scenarios to practise with (ir drill list): reviewed and changed like the rest of the workspace.
        DrillFiles.SHIPPED.forEach(f -> files.put(Path.of(DrillFiles.DIR, f), DrillFiles.shipped(f)));
        Path attributes = Path.of(GITATTRIBUTES);
        byte[] attrs = gitattributes(root);
        if (attrs != null) {
            files.put(attributes, attrs);
        }
        // Before anything is created: a repository ir cannot commit into (SHA-256, a merge in progress, ...).
        RepoState.checkBeforeInit(root, files.keySet());
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot create " + root + ": " + e.getMessage(), e);
        }
        boolean gitInit = false;
        Workspace ws;
        try {
            ws = Workspace.at(root);
        } catch (IrException notInGit) {
            GitRepo.init(root);
            gitInit = true;
            ws = Workspace.at(root);
        }
        try (Backend backend = new Backend(ws, null)) {
            Transaction.run(backend, session, false,
                    () -> new Transaction.Plan<>(files, "ir: create workspace", "init", null, Boolean.TRUE));
        }
        return new InitResult(root, true, gitInit);
    }

    /**
     * The new content of the {@code .gitattributes} in {@code root} with ir's line; null when it has it already. Like
     * git, ir never reads it through a symbolic link (see {@link WorkspaceFiles}): a clone's link to a private file
     * would otherwise be committed and pushed as {@code .gitattributes}.
     */
    static byte[] gitattributes(Path root) {
        byte[] bytes = WorkspaceFiles.read(root, GITATTRIBUTES, MAX_ATTRIBUTES_BYTES, size -> new IrException(
                ExitCode.FAILURE, GITATTRIBUTES + " is over " + (MAX_ATTRIBUTES_BYTES / 1024 / 1024) + " MiB: shorten "
                + "it, then run the command again"));
        String current = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        if (current.lines().anyMatch(l -> l.trim().equals(ATTRIBUTES))) {
            return null;
        }
        String sep = current.isEmpty() || current.endsWith("\n") ? "" : "\n";
        return (current + sep + ATTRIBUTES + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Registers ir's merge driver ({@code merge.ir.driver}, {@code merge.ir.name}) in the git config of the clone
     * holding {@code dir}, unless one is set already. Only this clone's own config is written: a repository's content
     * can never make git run a program.
     */
    public static void registerMergeDriver(Path dir, String mergeDriver, Consumer<String> warn) {
        try (GitRepo g = GitRepo.open(Workspace.at(dir))) {
            registerMergeDriver(g.repository().getConfig(), mergeDriver, warn);
        }
    }

    static void registerMergeDriver(StoredConfig c, String mergeDriver, Consumer<String> warn) {
        if (mergeDriver == null || c.getString("merge", "ir", "driver") != null) {
            return;
        }
        c.setString("merge", "ir", "name", "ir: merge incident files (events union, later change wins)");
        c.setString("merge", "ir", "driver", mergeDriver);
        try {
            c.save();
        } catch (IOException e) {
            warn.accept("could not register ir's merge driver in the git config: " + e.getMessage());
        }
    }

    /** The commit of ir's {@code .gitattributes} line that {@code ir sync} made, which it takes back if it fails. */
    static final class Attributes {
        private final Backend backend;
        private final Session session;
        private final ObjectId commit;
        private final Map<String, byte[]> before;

        private Attributes(Backend backend, Session session, ObjectId commit, Map<String, byte[]> before) {
            this.backend = backend;
            this.session = session;
            this.commit = commit;
            this.before = before;
        }

        /**
         * While the commit is still the branch's tip: the branch goes back to its parent, the index entry to the
         * parent's, and the work-tree file to what it held before (a user's uncommitted edit stays uncommitted).
         */
        void takeBack() {
            Transaction.run(backend, session, false, () -> {
                GitRepo git = backend.git();
                if (!commit.equals(git.head())) {
                    return null;
                }
                String branch = git.branch();
                GitRepo.LockedIndex index = git.lockIndex(session.lockTimeout()).read();
                try (RevWalk rw = new RevWalk(git.repository())) {
                    RevCommit c = rw.parseCommit(commit);
                    if (c.getParentCount() != 1) {
                        return null;
                    }
                    ObjectId parent = c.getParent(0);
                    List<Journal.Change> changes = new java.util.ArrayList<>();
                    for (String path : before.keySet()) {
                        changes.add(new Journal.Change(path, git.blobAt(parent, path),
                                GitRepo.blobIdOf(backend.workspace().workTree().resolve(path)),
                                org.eclipse.jgit.lib.FileMode.REGULAR_FILE.getBits()));
                    }
                    git.moveBranch(branch, commit, parent, backend.identity(session).committerAt(session.clock()),
                            "ir: undo " + c.getShortMessage(), true);
                    git.checkOut(index, changes, before, session.umask());
                } catch (IOException e) {
                    throw new IrException(ExitCode.FAILURE, "cannot take back commit " + commit.name() + ": "
                            + e.getMessage(), e);
                } finally {
                    index.unlock();
                }
                return null;
            });
        }
    }

    /**
     * {@code ir sync}'s first step: commits what an interrupted command left and every incident file changed by hand,
     * registers the merge driver, and commits ir's {@code .gitattributes} line when it is missing; null when that
     * line was there already.
     */
    static Attributes commitAttributes(Backend backend, Session session, String mergeDriver) {
        Workspace ws = backend.workspace();
        Path file = ws.root().resolve(GITATTRIBUTES);
        Map<String, byte[]> before = new LinkedHashMap<>();
        ObjectId commit = Transaction.runForCommit(backend, session, true, () -> {
            registerMergeDriver(backend.git().repository().getConfig(), mergeDriver, session.warn());
            byte[] attrs = gitattributes(ws.root());
            if (attrs == null) {
                return null;
            }
            before.put(ws.gitPath(file), WorkspaceFiles.read(ws.root(), GITATTRIBUTES));
            return new Transaction.Plan<>(Map.of(Path.of(GITATTRIBUTES), attrs),
                    "ir: merge incident files with ir's merge driver", "sync", null, Boolean.TRUE);
        });
        return commit == null ? null : new Attributes(backend, session, commit, before);
    }
}
