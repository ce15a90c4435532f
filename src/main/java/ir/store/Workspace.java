package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a workspace is: its directory (holding {@code ir.yaml}), the git work tree around it and the git directory.
 * Found with plain file checks, so commands that only read need no git library.
 *
 * @param root     the workspace directory
 * @param workTree the top of the git work tree holding it
 * @param gitDir   the git directory ({@code .git}, or where a {@code .git} file points)
 */
public record Workspace(Path root, Path workTree, Path gitDir) {
    public static final String CONFIG = "ir.yaml";
    public static final String INCIDENTS = "incidents";
    public static final String TEMPLATES = "templates";

    /**
     * Finds the workspace as git finds a repository: {@code -C} dir, then {@code IR_DIR}, then the nearest ancestor of
     * the current directory holding {@code ir.yaml}.
     */
    public static Workspace discover(Path cwd, Path dashC, String irDir) {
        Path start = cwd;
        if (dashC != null) {
            start = cwd.resolve(dashC);
        } else if (irDir != null && !irDir.isBlank()) {
            start = cwd.resolve(irDir);
        }
        start = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(start)) {
            throw IrException.usage("no such directory: " + start);
        }
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(CONFIG))) {
                WorkspaceFiles.isFile(p, CONFIG); // refuses a link (see WorkspaceFiles), for every command alike
                return at(p);
            }
        }
        throw IrException.usage("not inside an ir workspace (no ir.yaml in " + start
                + " or above): run 'ir init' to create one, or use -C DIR");
    }

    /** The workspace whose {@code ir.yaml} is in {@code root}. */
    public static Workspace at(Path root) {
        Path r = root.toAbsolutePath().normalize();
        for (Path p = r; p != null; p = p.getParent()) {
            Path dotGit = p.resolve(".git");
            if (Files.isDirectory(dotGit)) {
                return new Workspace(r, p, dotGit);
            }
            if (Files.isRegularFile(dotGit)) {
                return new Workspace(r, p, readGitFile(dotGit));
            }
        }
        throw new IrException(ExitCode.USAGE, "workspace " + r + " is not inside a git work tree: run 'git init' "
                + "there, or 'ir init' to set it up");
    }

    private static Path readGitFile(Path dotGit) {
        try {
            String s = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
            if (s.startsWith("gitdir:")) {
                return dotGit.getParent().resolve(s.substring(7).trim()).normalize();
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new IrException(ExitCode.FAILURE, "cannot read " + dotGit + ": expected 'gitdir: <path>'");
    }

    public Path incidentsDir() {
        return root.resolve(INCIDENTS);
    }

    public Path templatesDir() {
        return root.resolve(TEMPLATES);
    }

    public Path incidentFile(String id) {
        return incidentsDir().resolve(id + ".yaml");
    }

    /** Per-clone state that is never committed: current incident, lock, caches, shell history. */
    public Path stateDir() {
        return gitDir.resolve("ir");
    }

    /** The path of a workspace file relative to the work tree, with {@code /}, as git names it. */
    public String gitPath(Path file) {
        return workTree.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /** A path relative to the workspace root, for messages. */
    public String display(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
