package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one rule for paths, walked through every reader and writer: a file ir reads or writes in a workspace
 * ({@code .gitattributes}, {@code ir.yaml}, an incident, a post-mortem, a template, a partial, and the directories
 * holding them) that is a symbolic link is refused by name in one line, and what it points to never reaches any
 * output, any file or any commit (here or, for {@code ir sync}, on the remote).
 */
class WorkspaceLinksTest {
    private static final String SECRET = "SECRET-7f3a9c-PRIVATE-KEY";
    private static final String ID = "2026-11-28-checkout-latency";
    private static final String REFUSED = " is a symbolic link; ir reads only regular files inside the workspace";

    @TempDir
    Path tmp;

    /** What to make a link (to a file or directory outside the workspace holding the secret) and what to run. */
    record Case(String link, boolean directory, String refusedPath, String why, String... args) {
        @Override
        public String toString() {
            return link + (directory ? "/" : "") + " -> ir " + String.join(" ", args);
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
                new Case("ir.yaml", false, "ir.yaml", "it", "show", "-i", ID),
                new Case("ir.yaml", false, "ir.yaml", "it", "log", "-i", ID, "logged-marker"),
                new Case("incidents/" + ID + ".yaml", false, "incidents/" + ID + ".yaml", "it", "show", "-i", ID),
                new Case("incidents/" + ID + ".yaml", false, "incidents/" + ID + ".yaml", "it", "log", "-i", ID,
                        "logged-marker"),
                new Case("incidents/" + ID + ".yaml", false, "incidents/" + ID + ".yaml", "it", "postmortem", "-i",
                        ID),
                new Case("incidents", true, "incidents/" + ID + ".yaml", "incidents", "show", "-i", ID),
                new Case("incidents", true, "incidents/" + ID + ".yaml", "incidents", "log", "-i", ID,
                        "logged-marker"),
                new Case("incidents/" + ID + ".md", false, "incidents/" + ID + ".md", "it", "postmortem", "-i", ID),
                new Case("templates/leak.md.mustache", false, "templates/leak.md.mustache", "it", "postmortem", "-i",
                        ID, "--template", "leak"),
                new Case("templates/leak.md.mustache", false, "templates/leak.md.mustache", "it", "postmortem", "-i",
                        ID, "--template", "templates/leak.md.mustache", "--stdout"),
                new Case("templates/part.md.mustache", false, "templates/part.md.mustache", "it", "postmortem", "-i",
                        ID, "--template", "withpart", "--stdout"),
                new Case("templates", true, "templates/leak.md.mustache", "templates", "postmortem", "-i", ID,
                        "--template", "leak"),
                new Case("templates", true, "templates/postmortem.md.mustache", "templates", "postmortem", "-i", ID));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aLinkedWorkspaceFileIsRefusedByNameAndItsTargetNeverLeaks(Case c) throws Exception {
        Path ws = tmp.resolve("ws");
        IrTester t = IrTester.workspace(ws);
        t.run("open", "--id", ID, "--severity", "SEV-2", "Checkout latency");
        write(ws.resolve("templates/withpart.md.mustache"), "before {{> part}} after\n");
        write(ws.resolve("templates/part.md.mustache"), "a partial\n");
        write(ws.resolve("templates/leak.md.mustache"), "{{title}}\n");
        assertThat(t.run("postmortem", "-i", ID).exit()).isZero();
        commitAll(ws, "fixture");

        Path outside = tmp.resolve("outside");
        Path target = secretTarget(ws, c, outside);
        Path link = ws.resolve(c.link());
        deleteTree(link);
        Files.createSymbolicLink(link, target);

        IrTester.Result r = t.assertRefused(1, "ir: refusing to read " + c.refusedPath() + ": " + c.why() + REFUSED,
                c.args());

        assertThat(r.out() + r.err()).doesNotContain(SECRET);
        assertNoSecretIn(ws);
        // (A marker of its own: "step" is a word ir.yaml's checklists use.)
        assertThat(Files.readString(outside.resolve("secret"))).contains(SECRET).doesNotContain("logged-marker");
    }

    @Test
    void aLinkedIncidentIsSkippedByListWithAWarningNamingIt() throws Exception {
        Path ws = tmp.resolve("ws");
        IrTester t = IrTester.workspace(ws);
        t.run("open", "--id", ID, "--severity", "SEV-2", "Checkout latency");
        t.run("open", "--id", "2026-11-28-other", "--severity", "SEV-3", "Other");
        Path outside = tmp.resolve("outside");
        Path target = secretTarget(ws, new Case("incidents/" + ID + ".yaml", false, null, null), outside);
        Files.delete(t.incidentFile(ID));
        Files.createSymbolicLink(t.incidentFile(ID), target);

        IrTester.Result r = t.run("list");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("2026-11-28-other").doesNotContain(SECRET);
        assertThat(r.err()).contains("refusing to read incidents/" + ID + ".yaml: it" + REFUSED)
                .doesNotContain(SECRET);
    }

    @Test
    void initInAnExistingRepositoryRefusesALinkedGitattributes() throws Exception {
        Path repo = tmp.resolve("repo");
        IrTester t = IrTester.gitRepo(repo);
        write(repo.resolve("README"), "hello\n");
        commitAll(repo, "first");
        Path secret = write(tmp.resolve("outside/secret"), SECRET + "\n");
        Files.createSymbolicLink(repo.resolve(".gitattributes"), secret);

        t.assertRefused(1, "ir: refusing to read .gitattributes: it" + REFUSED, "init");

        assertThat(repo.resolve("ir.yaml")).doesNotExist();
        assertNoSecretIn(repo);
    }

    @Test
    void syncRefusesALinkedGitattributesAndPushesNothing() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        a.run("open", "--id", ID, "--severity", "SEV-2", "Checkout latency");
        Path gitattributes = a.dir().resolve(".gitattributes");
        Files.delete(gitattributes);
        Files.createSymbolicLink(gitattributes, write(tmp.resolve("outside/secret"), SECRET + "\n"));
        ObjectId remoteBefore = head(bare);

        a.assertRefused(1, "ir: refusing to read .gitattributes: it" + REFUSED, "sync");

        assertThat(head(bare)).isEqualTo(remoteBefore);
        assertNoSecretIn(a.dir());
        assertNoSecretIn(bare);
    }

    @Test
    void syncRefusesALinkedIncidentRatherThanCommittingWhatItPointsTo() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("a"), bare);
        a.run("open", "--id", ID, "--severity", "SEV-2", "Checkout latency");
        Path outside = tmp.resolve("outside");
        Path target = secretTarget(a.dir(), new Case("incidents/" + ID + ".yaml", false, null, null), outside);
        Files.delete(a.incidentFile(ID));
        Files.createSymbolicLink(a.incidentFile(ID), target);
        ObjectId remoteBefore = head(bare);

        a.assertRefused(1, "ir: refusing to read incidents/" + ID + ".yaml: it" + REFUSED, "sync");

        assertThat(head(bare)).isEqualTo(remoteBefore);
        assertNoSecretIn(a.dir());
        assertNoSecretIn(bare);
    }

    @Test
    void aWorkspaceReachedThroughALinkedRootStillWorks() throws Exception {
        Path real = tmp.resolve("real");
        IrTester.workspace(real);
        Path viaLink = Files.createSymbolicLink(tmp.resolve("link"), real);
        IrTester t = IrTester.plainDir(viaLink);

        assertThat(t.run("open", "--id", ID, "--severity", "SEV-2", "Checkout latency").exit()).isZero();
        IrTester.Result log = t.run("log", "-i", ID, "through the root's link");
        IrTester.Result pm = t.run("postmortem", "-i", ID, "--template", "templates/postmortem.md.mustache",
                "--stdout");

        assertThat(log.exit()).as(log.toString()).isZero();
        assertThat(pm.exit()).as(pm.toString()).isZero();
        assertThat(Files.readString(real.resolve("incidents/" + ID + ".yaml"))).contains("through the root's link");
    }

    // ---- fixtures --------------------------------------------------------------------------------------------------

    /**
     * Outside the workspace, what the link will point to: a file {@code secret} that would be valid in the linked
     * file's place (an incident whose title is the secret, a config or template holding it), or for a linked directory,
     * a copy of the directory with every file made so. Returns the link's target.
     */
    private static Path secretTarget(Path ws, Case c, Path outside) throws IOException {
        Files.createDirectories(outside);
        String incident = Files.readString(ws.resolve("incidents/" + ID + ".yaml")).replace("Checkout latency",
                SECRET);
        String name = Path.of(c.link()).getFileName().toString();
        String secret = name.equals("ir.yaml") ? Files.readString(ws.resolve("ir.yaml")) + "# " + SECRET + "\n"
                : name.endsWith(".yaml") ? incident : SECRET + " {{title}}\n";
        write(outside.resolve("secret"), secret);
        if (!c.directory()) {
            return outside.resolve("secret");
        }
        Path dir = Files.createDirectories(outside.resolve(name));
        try (Stream<Path> files = Files.list(ws.resolve(c.link()))) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                write(dir.resolve(n), n.endsWith(".yaml") ? incident : SECRET + " {{title}}\n");
            }
        }
        return dir;
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> files = Files.list(p)) {
                for (Path f : files.toList()) {
                    deleteTree(f);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    private static void commitAll(Path repo, String message) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage(message).setAuthor("Fixture", "f@example.com")
                    .setCommitter("Fixture", "f@example.com").call();
        }
    }

    private static ObjectId head(Path repo) throws IOException {
        try (Git git = Git.open(repo.toFile())) {
            return git.getRepository().resolve("refs/heads/main");
        }
    }

    /**
     * The secret is in no blob of any commit reachable from any ref, in no commit message, and in no regular file of
     * the work tree (links are not followed: the one planted is expected to point at it).
     */
    private static void assertNoSecretIn(Path repoDir) throws IOException {
        try (Git git = Git.open(repoDir.toFile())) {
            Repository repo = git.getRepository();
            try (RevWalk rw = new RevWalk(repo)) {
                for (Ref ref : repo.getRefDatabase().getRefs()) {
                    ObjectId id = ref.getObjectId();
                    if (id != null && repo.open(id).getType() == Constants.OBJ_COMMIT) {
                        rw.markStart(rw.parseCommit(id));
                    }
                }
                for (RevCommit c : rw) {
                    assertThat(c.getFullMessage()).doesNotContain(SECRET);
                    try (TreeWalk tw = new TreeWalk(repo)) {
                        tw.addTree(c.getTree());
                        tw.setRecursive(true);
                        while (tw.next()) {
                            String blob = new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                            assertThat(blob).as("%s in %s", tw.getPathString(), c.name()).doesNotContain(SECRET);
                        }
                    }
                }
            }
        }
        if (Files.isDirectory(repoDir.resolve(".git"))) {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> all = Files.walk(repoDir)) {
                all.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> !repoDir.relativize(p).startsWith(".git/objects")).forEach(files::add);
            }
            for (Path f : files) {
                try {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET);
                } catch (java.nio.charset.MalformedInputException binary) {
                    // git's index and the like: not text
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
