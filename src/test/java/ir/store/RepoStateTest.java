package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import ir.testing.Clones;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link RepoState}'s walk over git's index, on indexes written by C git in each version: it finds the unmerged
 * stages of the paths to be written, wherever they are among the entries, and nothing else.
 */
class RepoStateTest {
    private static final String INCIDENT = "incidents/2026-11-28-db.yaml";
    /** Longer than the 12-bit name length of an index entry (0xFFF), which then only says "look for the NUL". */
    private static final String LONG = String.join("/", java.util.Collections.nCopies(17, "a".repeat(250)));

    @TempDir
    Path dir;

    private String git(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Clones.Proc p = Clones.run(dir, Map.of("GIT_AUTHOR_NAME", "Bob", "GIT_AUTHOR_EMAIL", "bob@example.com",
                "GIT_COMMITTER_NAME", "Bob", "GIT_COMMITTER_EMAIL", "bob@example.com"), command);
        assertThat(p.exit()).as(p.output()).isZero();
        return p.output();
    }

    /**
     * A repository whose index (version {@code version}) has entries before, between and after the unmerged stages
     * of {@link #INCIDENT}: a path over 0xFFF bytes, entries with extended flags and names that share prefixes.
     */
    private Repository repository(int version) throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(dir.resolve("README"), "hello\n");
        git("add", "README");
        git("commit", "-q", "-m", "readme");
        String blob = git("hash-object", "-w", "README").strip();
        StringBuilder info = new StringBuilder();
        for (String path : List.of(LONG, "incidents/2026-11-27-db.yaml", "incidents/2026-11-28-d.yaml",
                "incidents/2026-11-28-db.yamk", "incidents/2026-11-29-db.yaml", "zz/" + LONG)) {
            info.append("100644 ").append(blob).append(" 0\t").append(path).append('\n');
        }
        for (int stage = 1; stage <= 3; stage++) {
            info.append("100644 ").append(blob).append(' ').append(stage).append('\t').append(INCIDENT).append('\n');
        }
        Files.writeString(dir.resolve(".git/info.txt"), info);
        Clones.Proc p = Clones.run(dir, Map.of(), "sh", "-c", "git update-index --index-info < .git/info.txt");
        assertThat(p.exit()).as(p.output()).isZero();
        if (version >= 3) {
            Files.writeString(dir.resolve("README.new"), "new\n");
            git("update-index", "--skip-worktree", "incidents/2026-11-27-db.yaml");
            git("add", "-N", "README.new");
        }
        git("update-index", "--index-version", String.valueOf(version));
        byte[] index = Files.readAllBytes(dir.resolve(".git/index"));
        assertThat(index[7]).isEqualTo((byte) version);
        assertThat(git("ls-files", "-u")).contains(INCIDENT);
        return new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).setMustExist(true).build();
    }

    @ParameterizedTest(name = "index v{0}")
    @ValueSource(ints = {2, 3, 4})
    void refusesAPathWithUnmergedStagesInEveryIndexVersion(int version) throws Exception {
        try (Repository repo = repository(version)) {
            IrException e = catchThrowableOfType(IrException.class,
                    () -> RepoState.check(repo, List.of("ir.yaml", INCIDENT)));
            assertThat(e).isNotNull();
            assertThat(e.exitCode()).isEqualTo(ExitCode.BUSY);
            assertThat(e.getMessage()).startsWith(INCIDENT + " has an unresolved merge conflict in git's index: "
                    + "resolve it and run 'git add " + INCIDENT + "'").doesNotContain("\n").doesNotContain("more");
        }
    }

    @ParameterizedTest(name = "index v{0}")
    @ValueSource(ints = {2, 3, 4})
    void acceptsPathsNextToTheConflictAndALongPath(int version) throws Exception {
        try (Repository repo = repository(version)) {
            assertThatCode(() -> RepoState.check(repo, List.of("incidents/2026-11-28-db.yamk",
                    "incidents/2026-11-28-d.yaml", "incidents/2026-11-29-db.yaml", LONG, "zz/" + LONG, "README")))
                    .doesNotThrowAnyException();
            assertThatCode(() -> RepoState.check(repo, List.of())).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "index v{0}")
    @ValueSource(ints = {2, 4})
    void namesTheFirstConflictAndCountsTheOthers(int version) throws Exception {
        try (Repository repo = repository(version)) {
            String blob = git("hash-object", "-w", "README").strip();
            Files.writeString(dir.resolve(".git/info.txt"), "100644 " + blob + " 2\tzz/b.yaml\n100644 " + blob
                    + " 3\tzz/b.yaml\n");
            assertThat(Clones.run(dir, Map.of(), "sh", "-c", "git update-index --index-info < .git/info.txt")
                    .exit()).isZero();
            IrException e = catchThrowableOfType(IrException.class,
                    () -> RepoState.check(repo, List.of("zz/b.yaml", INCIDENT)));
            assertThat(e.getMessage()).startsWith(INCIDENT + " (and 1 more) has an unresolved merge conflict");
        }
    }
}
