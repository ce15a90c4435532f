package ir.store;

import ir.model.IrException;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The files and variables identity comes from, and what it is not allowed to come from. */
class GitIdentityTest {
    @TempDir
    Path tmp;

    @Test
    void theConfigFilesAreThoseGitReadsForTheEnvironmentAndNoOthers() {
        assertThat(UserGitConfig.paths(Map.of("HOME", "/h"))).containsExactly(Path.of("/etc/gitconfig"),
                Path.of("/h/.config/git/config"), Path.of("/h/.gitconfig"));
        assertThat(UserGitConfig.paths(Map.of("HOME", "/h", "XDG_CONFIG_HOME", "/x", "GIT_CONFIG_NOSYSTEM", "1")))
                .containsExactly(Path.of("/x/git/config"), Path.of("/h/.gitconfig"));
        assertThat(UserGitConfig.paths(Map.of("HOME", "/h", "GIT_CONFIG_GLOBAL", "/g", "GIT_CONFIG_SYSTEM", "/s")))
                .containsExactly(Path.of("/s"), Path.of("/g"));
        assertThat(UserGitConfig.paths(Map.of("HOME", "/h", "GIT_CONFIG_GLOBAL", "", "GIT_CONFIG_NOSYSTEM", "true")))
                .isEmpty();
        assertThat(UserGitConfig.paths(Map.of("GIT_CONFIG_NOSYSTEM", "0"))).containsExactly(Path.of("/etc/gitconfig"));
        // no HOME in the environment: no user files, and never the password database's home instead
        assertThat(UserGitConfig.paths(Map.of("GIT_CONFIG_NOSYSTEM", "yes"))).isEmpty();
    }

    @Test
    void aGitconfigInTheJvmsUserHomeIsNeverRead() throws Exception {
        Path passwdHome = Files.createDirectories(tmp.resolve("passwd-home"));
        Files.writeString(passwdHome.resolve(".gitconfig"), "[user]\n\tname = Password Database\n"
                + "\temail = pw@example.com\n");
        IrTester t = IrTester.workspace(tmp.resolve("ws")).env("IR_AUTHOR", null);
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", passwdHome.toString());
        try {
            // JGit, asked for the user's config in that home, gives nothing
            FS fs = FS.DETECTED.newInstance().setUserHome(passwdHome.toFile());
            FileBasedConfig jgits = SystemReader.getInstance().openUserConfig(null, fs);
            jgits.load();
            assertThat(jgits.getString("user", null, "name")).isNull();
            assertThat(SystemReader.getInstance().getUserConfig().getString("user", null, "name")).isNull();
            assertThat(SystemReader.getInstance().getSystemConfig().getString("user", null, "name")).isNull();

            var r = t.run("open", "Who am I");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(t.commits().get(0).getAuthorIdent().getName()).isNotEqualTo("Password Database");
            assertThat(r.err()).contains("no git user.name or user.email configured");
        } finally {
            System.setProperty("user.home", saved);
        }
    }

    @Test
    void theAnswerIsRememberedUntilAConfigFileOrAVariableChanges() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path gitconfig = home.resolve(".gitconfig");
        Files.writeString(gitconfig, "[user]\n\tname = Dana Home\n\temail = dana@example.com\n");
        settle(gitconfig);
        IrTester.gitRepo(tmp.resolve("repo"));
        GitIdentity identity = new GitIdentity(() -> "osuser", () -> "host.example.com");
        Map<String, String> env = Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1", "PWD", "/a");
        try (Git git = Git.open(tmp.resolve("repo").toFile())) {
            settle(git.getRepository().getDirectory().toPath().resolve("config"));
            var first = identity.resolve(env, null, git::getRepository);
            assertThat(first.author().toString()).isEqualTo("Dana Home <dana@example.com>");
            assertThat(first.warnings()).isEmpty();

            // a variable that does not count, and nothing else, changed: the same answer, without reading again
            Map<String, String> moved = Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1", "PWD", "/b");
            assertThat(identity.resolve(moved, null, () -> {
                throw new AssertionError("the repository was not needed");
            })).isSameAs(first);

            Files.writeString(gitconfig, "[user]\n\tname = Dana Renamed\n\temail = dana@example.com\n");
            assertThat(identity.resolve(env, null, git::getRepository).author().name()).isEqualTo("Dana Renamed");

            var withEmail = Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1", "GIT_AUTHOR_EMAIL", "d@x");
            assertThat(identity.resolve(withEmail, null, git::getRepository).author().email()).isEqualTo("d@x");
        }
    }

    @Test
    void theFallbackIsTheOsUserAtTheHostWithOneWarning() throws Exception {
        IrTester.gitRepo(tmp.resolve("repo"));
        GitIdentity identity = new GitIdentity(() -> "osuser", () -> "host.example.com");
        try (Git git = Git.open(tmp.resolve("repo").toFile())) {
            var r = identity.resolve(Map.of("GIT_CONFIG_NOSYSTEM", "1"), null, git::getRepository);

            assertThat(r.author().toString()).isEqualTo("osuser <osuser@host.example.com>");
            assertThat(r.committer()).isEqualTo(r.author());
            assertThat(r.warnings()).singleElement().asString().startsWith("no git user.name or user.email "
                    + "configured: logging as osuser <osuser@host.example.com>");

            var named = identity.resolve(Map.of("GIT_CONFIG_NOSYSTEM", "1", "GIT_AUTHOR_NAME", "Ann",
                    "GIT_COMMITTER_NAME", "Cy"), null, git::getRepository);
            assertThat(named.author().toString()).isEqualTo("Ann <osuser@host.example.com>");
            assertThat(named.warnings()).singleElement().asString().startsWith("no git user.email configured");
        }
    }

    @Test
    void namesAndEmailsAreCleanedAsGitCleansThem() {
        assertThat(GitIdentity.clean("  Dana Home. ")).isEqualTo("Dana Home");
        assertThat(GitIdentity.clean("\"Dana <the> Home\"")).isEqualTo("Dana the Home");
        assertThat(GitIdentity.clean("<dana@example.com>")).isEqualTo("dana@example.com");
        assertThat(GitIdentity.clean(" ;,. ")).isNull();
        assertThat(GitIdentity.clean(null)).isNull();
    }

    @Test
    void anOverrideIsCheckedAndUsedForAuthorAndCommitter() {
        GitIdentity identity = new GitIdentity(() -> "osuser", () -> "host");
        var r = identity.resolve(Map.of("GIT_COMMITTER_NAME", "Cy"), " Ivy  <ivy@example.com> ", () -> {
            throw new AssertionError("an override needs no repository");
        });
        assertThat(r.author().toString()).isEqualTo("Ivy <ivy@example.com>");
        assertThat(r.committer()).isEqualTo(r.author());
        assertThatThrownBy(() -> identity.resolve(Map.of(), "Ivy <ivy@example.com", () -> null))
                .isInstanceOf(IrException.class).hasMessageContaining("Name <email>");
        // informal identities are accepted (the backend warns once per clone)
        assertThat(identity.resolve(Map.of(), "ivy@example.com", () -> null).author().toString())
                .isEqualTo("ivy <ivy@example.com>");
        assertThat(identity.resolve(Map.of(), "Ivy", () -> null).author().email()).isEmpty();
    }

    @Test
    void theTransportViewSeesTheUsersConfigAndLeavesTheRepositoryOpen() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "[http]\n\tsslVerify = false\n[url \"https://mirror/\"]\n"
                + "\tinsteadOf = gh:\n");
        IrTester.gitRepo(tmp.resolve("repo"));
        UserGitConfig user = UserGitConfig.load(Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1"));
        try (Git git = Git.open(tmp.resolve("repo").toFile())) {
            Repository repo = git.getRepository();
            try (Repository view = user.transportView(repo)) {
                assertThat(view.getConfig().getBoolean("http", null, "sslVerify", true)).isFalse();
                assertThat(view.getConfig().getString("core", null, "repositoryformatversion")).isEqualTo("0");
                assertThat(view.getRefDatabase()).isSameAs(repo.getRefDatabase());
            }
            assertThat(repo.getConfig().getString("http", null, "sslVerify")).isNull();
            assertThat(repo.resolve("HEAD")).isNull(); // still usable: an unborn branch, not a closed database
            assertThat(repo.getRefDatabase().getRefs()).isEmpty();
        }
    }

    /** Dates a file back, so that git's racy-timestamp rule does not count it as changed when it was not. */
    private static void settle(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
    }
}
