package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository whose index and state are written by C git (the {@code git} program, 2.39 or later), an ir command run
 * in it in-process, and the two outcomes the contract allows: it works and git is still happy with the repository,
 * or it is refused in one line (exit 4) with nothing changed.
 */
final class GitFixture {
    /** What {@link #assertWorks} and {@link #assertRefused} compare: the state C git sees. */
    private static final Map<String, String> GIT_ENV = Map.of(
            "GIT_AUTHOR_NAME", "Bob Git", "GIT_AUTHOR_EMAIL", "bob@example.com",
            "GIT_COMMITTER_NAME", "Bob Git", "GIT_COMMITTER_EMAIL", "bob@example.com",
            "GIT_AUTHOR_DATE", "2026-11-28T09:00:00Z", "GIT_COMMITTER_DATE", "2026-11-28T09:00:00Z",
            "GIT_EDITOR", "true", "GIT_MERGE_AUTOEDIT", "no");

    /** One repository state: how to make it, the command to run in it, and the refusal expected (null: it works). */
    record Case(String name, Setup setup, Function<GitFixture, String[]> command, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Setup {
        void apply(GitFixture fx) throws Exception;
    }

    final Path dir;
    IrTester ir;
    /** The incident the command writes. */
    String id;

    GitFixture(Path dir) {
        this.dir = dir;
    }

    /**
     * An ir workspace with one incident and two other files, the last commit and the index written by C git.
     */
    GitFixture workspace() {
        ir = IrTester.workspace(dir);
        id = ir.open("Database down", "--severity", "SEV-2");
        write("other.txt", "other\n");
        write("notes.txt", "notes\n");
        git("add", "other.txt", "notes.txt");
        git("commit", "-q", "-m", "other files");
        return this;
    }

    String incidentPath() {
        return "incidents/" + id + ".yaml";
    }

    /** Runs git; fails the test when it fails. */
    String git(String... args) {
        Clones.Proc p = gitMayFail(args);
        assertThat(p.exit()).as("git " + String.join(" ", args) + ":\n" + p.output()).isZero();
        return p.output();
    }

    Clones.Proc gitMayFail(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        // No merge driver on PATH in a test: git's own text merge, so a conflict is a plain one.
        return Clones.run(dir, GIT_ENV, command);
    }

    void write(String relative, String content) {
        try {
            Path p = dir.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void append(String relative, String content) {
        try {
            Files.writeString(dir.resolve(relative), content, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] index() {
        try {
            return Files.readAllBytes(dir.resolve(".git/index"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int indexVersion() {
        byte[] b = index();
        return b[7];
    }

    boolean indexHasExtension(String signature) {
        return new String(index(), StandardCharsets.ISO_8859_1).contains(signature);
    }

    /** Runs the case's command and checks the outcome the case expects. */
    static void check(Case c, Path dir) throws Exception {
        GitFixture fx = new GitFixture(dir);
        c.setup().apply(fx);
        if (fx.ir == null) {
            fx.ir = IrTester.plainDir(dir);
        }
        String[] command = c.command().apply(fx);
        if (c.refusal() == null) {
            fx.assertWorks(command);
        } else {
            fx.assertRefused(c.refusal(), command);
        }
    }

    /**
     * The command works: one new commit on the branch changing only the incident file, with its file mode kept; then
     * {@code git status} succeeds and shows what it showed before, {@code git fsck --strict} is clean, and every other
     * index entry keeps its mode, object, stage and flags (skip-worktree, intent-to-add, assume-unchanged).
     */
    void assertWorks(String... command) throws IOException {
        String status = git("status", "--porcelain");
        Map<String, String> others = otherEntries();
        ObjectId head = head();
        FileMode mode = modeIn(head, incidentPath());

        IrTester.Result r = ir.run(command);
        assertThat(r.exit()).as(r.toString()).isZero();

        Clones.Proc after = gitMayFail("status", "--porcelain");
        assertThat(after.exit()).as(after.output()).isZero();
        assertThat(after.output()).as("git status after ir").isEqualTo(status);
        Clones.Proc fsck = gitMayFail("fsck", "--strict", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.output()).isZero();
        assertThat(otherEntries()).as("the other index entries").isEqualTo(others);
        RevCommit c = ir.commits().get(0);
        assertThat(c.getParentCount()).isEqualTo(1);
        assertThat(c.getParent(0).getId()).isEqualTo(head);
        assertThat(ir.changedPaths(c)).containsExactly(incidentPath());
        assertThat(modeIn(c, incidentPath())).as("the incident file's mode in the new commit").isEqualTo(mode);
    }

    /**
     * The command is refused: exit 4, one line on stderr naming the state, nothing on stdout, and every file and
     * directory (in the work tree and in the git directory: index, HEAD, refs, objects) exactly as before.
     */
    void assertRefused(String messageStart, String... command) {
        Map<String, String> before = everything();
        IrTester.Result r = ir.run(command);
        Map<String, String> after = everything();
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).as(r.toString()).startsWith("ir: " + messageStart);
        assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(after).as("every file and directory").isEqualTo(before);
    }

    /** Every index entry except the incident file's: mode, object, stage, then git's one-letter tag and flags. */
    private Map<String, String> otherEntries() {
        Map<String, String> out = new TreeMap<>();
        for (String line : git("ls-files", "-s").split("\n")) {
            if (!line.isEmpty()) {
                String path = line.substring(line.indexOf('\t') + 1);
                out.merge(path, line.substring(0, line.indexOf('\t')), (a, b) -> a + "," + b);
            }
        }
        for (String line : git("ls-files", "-v").split("\n")) {
            if (!line.isEmpty()) {
                out.merge(line.substring(2), "tag " + line.charAt(0), (a, b) -> a + " " + b);
            }
        }
        String path = null;
        for (String line : git("ls-files", "--debug").split("\n")) {
            if (!line.startsWith(" ")) {
                path = line;
            } else if (line.contains("flags: ")) {
                out.merge(path, "flags " + line.substring(line.indexOf("flags: ") + 7), (a, b) -> a + " " + b);
            }
        }
        out.remove(incidentPath());
        return out;
    }

    private ObjectId head() throws IOException {
        try (Git git = Git.open(dir.toFile())) {
            return git.getRepository().resolve("HEAD");
        }
    }

    private FileMode modeIn(ObjectId commit, String path) throws IOException {
        try (Git git = Git.open(dir.toFile())) {
            Repository r = git.getRepository();
            try (TreeWalk tw = TreeWalk.forPath(r, path, r.parseCommit(commit).getTree())) {
                return tw == null ? null : tw.getFileMode(0);
            }
        }
    }

    /** Path to content hash of every file, and every directory, under {@link #dir} including {@code .git}. */
    private Map<String, String> everything() {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.sorted().forEach(paths::add);
            for (Path p : paths) {
                String rel = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    out.put(rel + "/", "dir");
                } else {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    out.put(rel, HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
