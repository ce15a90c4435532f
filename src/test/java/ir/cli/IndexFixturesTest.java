package ir.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Index files and repository states made by C git, one per row: a mutating ir command either works (git status and
 * git fsck --strict stay happy, other entries keep their flags) or is refused in one line with exit 4 and nothing
 * changed. The rows that need the store's JGit-only writer are in {@link IndexFixturesWriterTest}.
 */
class IndexFixturesTest {
    @TempDir
    Path dir;

    static final Function<GitFixture, String[]> LOG = fx -> new String[] {"log", "-i", fx.id, "checked the replica"};
    static final String MERGE = "a merge is in progress in this repository: finish it (git commit) or abort it "
            + "(git merge --abort), then run the command again";
    static final String REBASE = "a rebase is in progress in this repository: finish it (git rebase --continue) or "
            + "abort it (git rebase --abort)";
    static final String CHERRY_PICK = "a cherry-pick is in progress in this repository: finish it "
            + "(git cherry-pick --continue) or abort it (git cherry-pick --abort)";
    static final String SHA256 = "this git repository stores SHA-256 objects";

    static List<GitFixture.Case> cases() {
        return List.of(
                works("index v2", fx -> {
                    fx.workspace().git("update-index", "--index-version", "2");
                    assertThat(fx.indexVersion()).isEqualTo(2);
                }),
                works("index v3 with skip-worktree, intent-to-add and assume-unchanged entries", fx -> {
                    fx.workspace().git("update-index", "--skip-worktree", "other.txt");
                    fx.git("update-index", "--assume-unchanged", "notes.txt");
                    fx.write("planned.txt", "to do\n");
                    fx.git("add", "-N", "planned.txt");
                    assertThat(fx.indexVersion()).isEqualTo(3);
                }),
                works("index v4", fx -> {
                    fx.workspace().git("update-index", "--index-version", "4");
                    fx.git("update-index", "--skip-worktree", "other.txt");
                    assertThat(fx.indexVersion()).isEqualTo(4);
                }),
                works("untracked cache", fx -> {
                    fx.workspace().git("config", "core.untrackedCache", "true");
                    fx.git("update-index", "--untracked-cache");
                    fx.write("scratch.txt", "not tracked\n");
                    fx.git("status", "--porcelain");
                    assertThat(fx.indexHasExtension("UNTR")).isTrue();
                }),
                works("resolve-undo data of a resolved and committed merge", fx -> {
                    conflictingBranches(fx, "other.txt");
                    fx.gitMayFail("merge", "side");
                    fx.write("other.txt", "resolved\n");
                    fx.git("add", "other.txt");
                    fx.git("commit", "-q", "--no-edit");
                    assertThat(fx.git("ls-files", "--resolve-undo")).contains("other.txt");
                }),
                works("a conflict on another file after git stash pop", fx -> {
                    fx.workspace().write("other.txt", "stashed\n");
                    fx.git("stash", "-q");
                    fx.write("other.txt", "committed\n");
                    fx.git("commit", "-q", "-a", "-m", "other");
                    assertThat(fx.gitMayFail("stash", "pop").exit()).isNotZero();
                    assertThat(fx.git("ls-files", "-u")).contains("other.txt");
                }),
                refused("split index", "git's index is split (core.splitIndex), which ir cannot write: run "
                        + "'git config core.splitIndex false && git update-index --no-split-index'", fx -> {
                    fx.workspace().git("update-index", "--split-index");
                    assertThat(fx.indexHasExtension("link")).isTrue();
                }),
                refused("sparse index", "git's index is a sparse index (index.sparse), which ir cannot write: run "
                        + "'git sparse-checkout reapply --no-sparse-index'", fx -> {
                    fx.workspace().write("docs/runbook.md", "# Runbook\n");
                    fx.git("add", "docs");
                    fx.git("commit", "-q", "-m", "docs");
                    fx.git("sparse-checkout", "set", "--cone", "--sparse-index", "incidents", "templates");
                    assertThat(fx.indexHasExtension("sdir")).isTrue();
                }),
                refused("conflict stages on the incident file after git stash pop (resolved, not added)",
                        "incidents/", fx -> {
                    fx.workspace();
                    retitle(fx, "Database down (stashed)");
                    fx.git("stash", "-q");
                    retitle(fx, "Database down (committed)");
                    fx.git("commit", "-q", "-a", "-m", "retitle");
                    assertThat(fx.gitMayFail("stash", "pop").exit()).isNotZero();
                    fx.git("checkout", "--ours", "--", fx.incidentPath());
                    assertThat(fx.git("ls-files", "-u")).contains(fx.incidentPath());
                    assertThat(Files.exists(fx.dir.resolve(".git/MERGE_HEAD"))).isFalse();
                }),
                refused("a merge in progress with a conflict on the incident file", MERGE, fx -> {
                    conflictingBranches(fx, null);
                    fx.gitMayFail("-c", "merge.ir.driver=false", "merge", "side");
                    fx.git("checkout", "--ours", "--", fx.incidentPath());
                    assertThat(fx.git("ls-files", "-u")).contains(fx.incidentPath());
                }),
                refused("a merge in progress with a conflict on another file", MERGE, fx -> {
                    conflictingBranches(fx, "other.txt");
                    assertThat(fx.gitMayFail("merge", "side").exit()).isNotZero();
                }),
                refused("a merge in progress without a conflict (--no-commit)", MERGE, fx -> {
                    fx.workspace().git("checkout", "-q", "-b", "side");
                    fx.write("side.txt", "side\n");
                    fx.git("add", "side.txt");
                    fx.git("commit", "-q", "-m", "side");
                    fx.git("checkout", "-q", "main");
                    fx.append("notes.txt", "main\n");
                    fx.git("commit", "-q", "-a", "-m", "main");
                    fx.git("merge", "--no-commit", "--no-ff", "side");
                }),
                refused("a rebase stopped at a conflict", REBASE, fx -> {
                    conflictingBranches(fx, "other.txt");
                    fx.git("checkout", "-q", "side");
                    assertThat(fx.gitMayFail("rebase", "main").exit()).isNotZero();
                    assertThat(Files.isDirectory(fx.dir.resolve(".git/rebase-merge"))).isTrue();
                }),
                refused("a rebase --apply stopped at a conflict", REBASE, fx -> {
                    conflictingBranches(fx, "other.txt");
                    fx.git("checkout", "-q", "side");
                    assertThat(fx.gitMayFail("rebase", "--apply", "main").exit()).isNotZero();
                    assertThat(Files.isDirectory(fx.dir.resolve(".git/rebase-apply"))).isTrue();
                }),
                refused("an interactive rebase stopped to edit a commit", REBASE, fx -> {
                    fx.workspace().append("notes.txt", "more\n");
                    fx.git("commit", "-q", "-a", "-m", "more notes");
                    fx.git("-c", "sequence.editor=sed -i -e s/^pick/edit/", "rebase", "-q", "-i", "HEAD~1");
                }),
                refused("git am stopped at a conflict", "a 'git am' is in progress in this repository: finish it "
                        + "(git am --continue) or abort it (git am --abort)", fx -> {
                    conflictingBranches(fx, "other.txt");
                    fx.git("format-patch", "-1", "side", "-o", ".git/patches");
                    String patch;
                    try (var files = Files.list(fx.dir.resolve(".git/patches"))) {
                        patch = files.findFirst().orElseThrow().toString();
                    }
                    assertThat(fx.gitMayFail("am", patch).exit()).isNotZero();
                }),
                refused("a cherry-pick stopped at a conflict", CHERRY_PICK, fx -> {
                    conflictingBranches(fx, "other.txt");
                    assertThat(fx.gitMayFail("cherry-pick", "side").exit()).isNotZero();
                }),
                refused("a cherry-pick of two commits stopped between them", CHERRY_PICK, fx -> {
                    conflictingBranches(fx, "other.txt");
                    fx.git("checkout", "-q", "side");
                    fx.append("notes.txt", "side\n");
                    fx.git("commit", "-q", "-a", "-m", "side notes");
                    fx.git("checkout", "-q", "main");
                    assertThat(fx.gitMayFail("cherry-pick", "side~1", "side").exit()).isNotZero();
                    fx.write("other.txt", "resolved\n");
                    fx.git("add", "other.txt");
                    fx.git("commit", "-q", "--no-edit");
                    assertThat(Files.exists(fx.dir.resolve(".git/CHERRY_PICK_HEAD"))).isFalse();
                    assertThat(Files.exists(fx.dir.resolve(".git/sequencer/todo"))).isTrue();
                }),
                refused("a revert stopped at a conflict", "a revert is in progress in this repository: finish it "
                        + "(git revert --continue) or abort it (git revert --abort)", fx -> {
                    fx.workspace().write("other.txt", "first\n");
                    fx.git("commit", "-q", "-a", "-m", "first");
                    fx.write("other.txt", "second\n");
                    fx.git("commit", "-q", "-a", "-m", "second");
                    assertThat(fx.gitMayFail("revert", "--no-edit", "HEAD~1").exit()).isNotZero();
                }),
                refused("a detached HEAD", "HEAD is detached (no branch is checked out) and ir commits only to a "
                        + "branch: switch to one (git switch BRANCH)", fx -> {
                    fx.workspace().git("checkout", "-q", "--detach");
                }),
                refused("a bisect in progress", "a bisect is in progress in this repository (HEAD is detached): end "
                        + "it (git bisect reset)", fx -> {
                    fx.workspace().append("notes.txt", "more\n");
                    fx.git("commit", "-q", "-a", "-m", "more notes");
                    fx.git("bisect", "start", "HEAD", "HEAD~3");
                }),
                new GitFixture.Case("ir init in a SHA-256 repository", fx -> {
                    fx.git("init", "-q", "--object-format=sha256", "-b", "main");
                }, fx -> new String[] {"init"}, SHA256),
                new GitFixture.Case("ir init of a new directory in a SHA-256 repository", fx -> {
                    fx.git("init", "-q", "--object-format=sha256", "-b", "main");
                    fx.write("README", "hello\n");
                    fx.git("add", "README");
                    fx.git("commit", "-q", "-m", "readme");
                }, fx -> new String[] {"init", "responses"}, SHA256),
                new GitFixture.Case("ir init in a repository with a merge in progress", fx -> {
                    fx.git("init", "-q", "-b", "main");
                    fx.write("README", "hello\n");
                    fx.git("add", "README");
                    fx.git("commit", "-q", "-m", "readme");
                    fx.git("checkout", "-q", "-b", "side");
                    fx.write("README", "side\n");
                    fx.git("commit", "-q", "-a", "-m", "side");
                    fx.git("checkout", "-q", "main");
                    fx.write("README", "main\n");
                    fx.git("commit", "-q", "-a", "-m", "main");
                    assertThat(fx.gitMayFail("merge", "side").exit()).isNotZero();
                }, fx -> new String[] {"init", "responses"}, MERGE));
    }

    static GitFixture.Case works(String name, GitFixture.Setup setup) {
        return new GitFixture.Case(name, setup, LOG, null);
    }

    static GitFixture.Case refused(String name, String message, GitFixture.Setup setup) {
        return new GitFixture.Case(name, setup, LOG, message);
    }

    /**
     * A workspace whose {@code main} and {@code side} branches both changed {@code file} since they forked (null: the
     * incident's title); {@code main} is checked out.
     */
    static void conflictingBranches(GitFixture fx, String file) {
        fx.workspace().git("checkout", "-q", "-b", "side");
        change(fx, file, "side");
        fx.git("commit", "-q", "-a", "-m", "side");
        fx.git("checkout", "-q", "main");
        change(fx, file, "main");
        fx.git("commit", "-q", "-a", "-m", "main");
    }

    private static void change(GitFixture fx, String file, String how) {
        if (file == null) {
            retitle(fx, "Database down (" + how + ")");
        } else {
            fx.write(file, how + "\n");
        }
    }

    static void retitle(GitFixture fx, String title) {
        try {
            Path f = fx.dir.resolve(fx.incidentPath());
            String yaml = Files.readString(f);
            Files.writeString(f, yaml.replaceFirst("(?m)^title: .*$", "title: " + title));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aMutatingCommandWorksOrIsRefusedWithNothingChanged(GitFixture.Case c) throws Exception {
        GitFixture.check(c, dir);
    }
}
