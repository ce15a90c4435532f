package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who commits and timeline entries are by: {@code --as}, {@code IR_AUTHOR}, else what {@code git commit} would use in
 * the same environment (never the password database's home), else a guess with one warning.
 */
class IdentityTest {
    @TempDir
    Path tmp;

    /** A workspace whose runs have no IR_AUTHOR and an empty HOME of their own. */
    private IrTester workspace() {
        IrTester t = IrTester.workspace(tmp.resolve("ws")).env("IR_AUTHOR", null);
        return t.env("HOME", dir("home").toString());
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(tmp.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String user(String name, String email) {
        return "[user]\n\tname = " + name + "\n\temail = " + email + "\n";
    }

    private static String who(PersonIdent p) {
        return p.getName() + " <" + p.getEmailAddress() + ">";
    }

    /** Opens an incident; checks the commit's author and committer and the first timeline entry's author. */
    private static void assertOpensAs(IrTester t, String author, String committer) {
        var r = t.run("open", "Checkout latency spike", "--severity", "SEV-2");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).doesNotContain("warning");
        String id = r.out().strip();
        RevCommit c = t.commits().get(0);
        assertThat(who(c.getAuthorIdent())).isEqualTo(author);
        assertThat(who(c.getCommitterIdent())).isEqualTo(committer);
        assertThat(t.yaml(id).get("timeline").get(0).get("author").asText()).isEqualTo(author);
    }

    @Test
    void theGitconfigInTheEnvironmentsHomeNamesTheResponder() {
        IrTester t = workspace();
        write(tmp.resolve("home/.gitconfig"), user("Dana Home", "dana@example.com"));

        assertOpensAs(t, "Dana Home <dana@example.com>", "Dana Home <dana@example.com>");
    }

    @Test
    void xdgConfigHomeIsReadAndHomesDotConfigByDefault() {
        IrTester t = workspace();
        write(tmp.resolve("home/.config/git/config"), user("Default Xdg", "default@example.com"));
        assertOpensAs(t, "Default Xdg <default@example.com>", "Default Xdg <default@example.com>");

        write(tmp.resolve("xdg/git/config"), user("Xdg Person", "xdg@example.com"));
        t.env("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        assertOpensAs(t, "Xdg Person <xdg@example.com>", "Xdg Person <xdg@example.com>");
    }

    @Test
    void homeGitconfigBeatsXdgAsInGit() {
        IrTester t = workspace().env("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        write(tmp.resolve("xdg/git/config"), user("Xdg Person", "xdg@example.com"));
        write(tmp.resolve("home/.gitconfig"), "[user]\n\temail = home@example.com\n");

        assertOpensAs(t, "Xdg Person <home@example.com>", "Xdg Person <home@example.com>");
    }

    @Test
    void gitConfigGlobalReplacesHomeAndXdgFiles() {
        IrTester t = workspace().env("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
        write(tmp.resolve("home/.gitconfig"), user("Dana Home", "dana@example.com"));
        write(tmp.resolve("xdg/git/config"), "[user]\n\tname = Xdg Person\n");
        Path global = write(tmp.resolve("ci/gitconfig"), "[user]\n\temail = ci@example.com\n\tname = CI Bot\n");

        t.env("GIT_CONFIG_GLOBAL", global.toString());
        assertOpensAs(t, "CI Bot <ci@example.com>", "CI Bot <ci@example.com>");

        // /dev/null (or an empty value) means no global config at all, as in git
        var r = t.env("GIT_CONFIG_GLOBAL", "/dev/null").run("open", "No one configured");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(who(t.commits().get(0).getAuthorIdent())).doesNotContain("Dana", "Xdg", "CI Bot");
        assertThat(r.err()).contains("warning: no git user.name or user.email configured");
    }

    @Test
    void theSystemConfigIsReadUnlessGitConfigNosystem() {
        Path system = write(tmp.resolve("etc/gitconfig"), user("System Wide", "system@example.com"));
        IrTester t = workspace().env("GIT_CONFIG_SYSTEM", system.toString());

        t.env("GIT_CONFIG_NOSYSTEM", null);
        assertOpensAs(t, "System Wide <system@example.com>", "System Wide <system@example.com>");
        t.env("GIT_CONFIG_NOSYSTEM", "0"); // git's false
        assertOpensAs(t, "System Wide <system@example.com>", "System Wide <system@example.com>");

        t.env("GIT_CONFIG_NOSYSTEM", "1");
        var r = t.run("open", "Not the system's");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(t.commits().get(0).getAuthorIdent().getName()).isNotEqualTo("System Wide");
        assertThat(r.err()).contains("warning: no git user.name or user.email configured");
    }

    @Test
    void theUserConfigBeatsTheSystemsAndTheRepositorysBeatsTheUsers() throws Exception {
        Path system = write(tmp.resolve("etc/gitconfig"), user("System Wide", "system@example.com"));
        IrTester t = workspace().env("GIT_CONFIG_SYSTEM", system.toString()).env("GIT_CONFIG_NOSYSTEM", null);
        write(tmp.resolve("home/.gitconfig"), "[user]\n\tname = Dana Home\n");
        assertOpensAs(t, "Dana Home <system@example.com>", "Dana Home <system@example.com>");

        try (Git git = Git.open(t.dir().toFile())) {
            var cfg = git.getRepository().getConfig();
            cfg.setString("user", null, "email", "repo@example.com");
            cfg.save();
        }
        assertOpensAs(t, "Dana Home <repo@example.com>", "Dana Home <repo@example.com>");
    }

    @Test
    void gitAuthorAndGitCommitterVariablesAreHonouredApart() {
        IrTester t = workspace().env("GIT_AUTHOR_NAME", "Ann Author").env("GIT_AUTHOR_EMAIL", "ann@example.com")
                .env("GIT_COMMITTER_NAME", "Cy Committer").env("GIT_COMMITTER_EMAIL", "cy@example.com");
        write(tmp.resolve("home/.gitconfig"), user("Dana Home", "dana@example.com"));

        assertOpensAs(t, "Ann Author <ann@example.com>", "Cy Committer <cy@example.com>");

        // one of each: the rest from the config, as git does
        t.env("GIT_AUTHOR_NAME", null).env("GIT_COMMITTER_EMAIL", null);
        assertOpensAs(t, "Dana Home <ann@example.com>", "Cy Committer <dana@example.com>");
    }

    @Test
    void authorAndCommitterConfigKeysAreHonoured() {
        IrTester t = workspace();
        write(tmp.resolve("home/.gitconfig"), user("Dana Home", "dana@example.com")
                + "[author]\n\temail = dana.author@example.com\n[committer]\n\tname = Dana Bot\n");

        assertOpensAs(t, "Dana Home <dana.author@example.com>", "Dana Bot <dana@example.com>");
    }

    @Test
    void asAndIrAuthorAreBothAuthorAndCommitter() {
        IrTester t = workspace().env("GIT_COMMITTER_NAME", "Cy Committer").env("GIT_COMMITTER_EMAIL", "cy@example.com")
                .env("IR_AUTHOR", "Ivy Env <ivy@example.com>");

        assertOpensAs(t, "Ivy Env <ivy@example.com>", "Ivy Env <ivy@example.com>");
        var r = t.run("--as", "  Bob   Builder  <bob@example.com> ", "open", "As someone else");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(who(t.commits().get(0).getAuthorIdent())).isEqualTo("Bob   Builder <bob@example.com>");
        assertThat(who(t.commits().get(0).getCommitterIdent())).isEqualTo("Bob   Builder <bob@example.com>");
        assertThat(t.yaml(r.out().strip()).get("timeline").get(0).get("author").asText())
                .isEqualTo("Bob   Builder <bob@example.com>");
    }

    @Test
    void emailIsGitsLastFallbackForTheEmail() {
        IrTester t = workspace().env("EMAIL", "dana@mail.example.com");
        write(tmp.resolve("home/.gitconfig"), "[user]\n\tname = Dana Home\n");
        assertOpensAs(t, "Dana Home <dana@mail.example.com>", "Dana Home <dana@mail.example.com>");

        write(tmp.resolve("home/.gitconfig"), user("Dana Home", "dana@example.com"));
        assertOpensAs(t, "Dana Home <dana@example.com>", "Dana Home <dana@example.com>");
    }

    @Test
    void withNoIdentityItLogsAsTheOsUserAndWarnsOnce() {
        IrTester t = workspace();
        String osUser = System.getProperty("user.name");

        var r = t.run("open", "Nobody configured anything", "--severity", "SEV-1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("warning")).toList()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains("ir: warning: no git user.name or user.email configured: logging as " + osUser
                + " <" + osUser + "@").contains("IR_AUTHOR or --as");
        PersonIdent a = t.commits().get(0).getAuthorIdent();
        assertThat(a.getName()).isEqualTo(osUser);
        assertThat(a.getEmailAddress()).startsWith(osUser + "@");
        assertThat(t.yaml(r.out().strip()).get("timeline").get(0).get("author").asText()).isEqualTo(who(a));
    }

    @Test
    void includePathsWithATildeResolveInTheEnvironmentsHome() {
        IrTester t = workspace();
        write(tmp.resolve("home/.gitconfig"), "[include]\n\tpath = ~/.gitconfig-work\n");
        write(tmp.resolve("home/.gitconfig-work"), user("Wendy Work", "wendy@work.example.com"));

        assertOpensAs(t, "Wendy Work <wendy@work.example.com>", "Wendy Work <wendy@work.example.com>");
    }

    @Test
    void anUnreadableConfigFileIsReportedAndLeftOutButTheEntryIsLogged() {
        IrTester t = workspace();
        write(tmp.resolve("home/.config/git/config"), user("Xdg Person", "xdg@example.com"));
        write(tmp.resolve("home/.gitconfig"), "[user\n\tname = broken\n");

        var r = t.run("open", "Still logged");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("ir: warning: ignoring git config " + tmp.resolve("home/.gitconfig"));
        assertThat(who(t.commits().get(0).getAuthorIdent())).isEqualTo("Xdg Person <xdg@example.com>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<alice@example.com>", "Alice <alice@example.com> <b@x>",
            "Alice <alice@example.com", "Alice alice@example.com>", "Alice <>", "Alice <alice example.com>",
            "Alice\n<alice@example.com>", "Alice <alice@example.com> (on call)", " "})
    void aBadAsIsAUsageErrorThatSaysHowItShouldLookAndChangesNothing(String bad) {
        IrTester t = workspace().env("IR_AUTHOR", IrTester.ALICE);
        String id = t.open("Checkout latency spike");

        var r = t.assertRefused(2, "ir: --as \"", "log", "-i", id, "failover started", "--as", bad);

        assertThat(r.err()).contains("give it as --as \"Name <email>\"");
        var init = IrTester.gitRepo(tmp.resolve("fresh")).assertRefused(2, "ir: --as", "--as", bad, "init");
        assertThat(init.err()).contains("Name <email>");
        assertThat(tmp.resolve("fresh/ir.yaml")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<alice@example.com>", "Alice <a@x> <b@y>", "Alice <a@x",
            "Alice\t<alice@example.com>"})
    void aBadIrAuthorIsAUsageErrorThatSaysHowItShouldLookAndChangesNothing(String bad) {
        IrTester t = workspace().env("IR_AUTHOR", IrTester.ALICE);
        String id = t.open("Checkout latency spike");
        t.env("IR_AUTHOR", bad);

        var r = t.assertRefused(2, "ir: IR_AUTHOR \"", "log", "-i", id, "failover started");

        assertThat(r.err()).contains("set it as IR_AUTHOR=\"Name <email>\"");
        // --as wins over IR_AUTHOR, so a good --as still works
        var ok = t.run("--as", "Bob <bob@example.com>", "log", "-i", id, "failover started");
        assertThat(ok.exit()).as(ok.toString()).isZero();
    }

    @Test
    void aPlainNameIsAcceptedWithAWarningOncePerIdentityInThisClone() {
        IrTester t = workspace().env("IR_AUTHOR", IrTester.ALICE);
        String id = t.open("Checkout latency spike");

        var first = t.run("--as", "Ada", "log", "-i", id, "failover started");
        var second = t.run("--as", "Ada", "log", "-i", id, "failover done");

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.err()).as(first.toString()).contains("ir: warning: acting as \"Ada\", which is not of the "
                + "form \"Name <email>\": entries and commits show no email address").contains("said once");
        assertThat(first.err().lines().filter(l -> l.contains("warning"))).hasSize(1);
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.err()).doesNotContain("warning");
        PersonIdent a = t.commits().get(0).getAuthorIdent();
        assertThat(a.getName()).isEqualTo("Ada");
        assertThat(a.getEmailAddress()).isEmpty();
        var timeline = t.yaml(id).get("timeline");
        assertThat(timeline.get(timeline.size() - 1).get("author").asText()).isEqualTo("Ada");
        // per clone, never committed
        assertThat(t.dir().resolve(".git/ir/informal-identities")).content().isEqualTo("Ada\n");
        assertThat(t.clean()).isTrue();
        // another informal identity is warned about in turn
        var other = t.env("IR_AUTHOR", "not an email").run("log", "-i", id, "third");
        assertThat(other.exit()).as(other.toString()).isZero();
        assertThat(other.err()).contains("acting as \"not an email\"");
        assertThat(t.commits().get(0).getAuthorIdent().getName()).isEqualTo("not an email");
        assertThat(t.run("log", "-i", id, "fourth").err()).doesNotContain("warning");
    }

    @Test
    void aBareAddressIsAcceptedWithItsLocalPartAsTheName() {
        IrTester t = workspace().env("IR_AUTHOR", "ada@example.com");

        var r = t.run("open", "Checkout latency spike");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("acting as \"ada@example.com\"").contains("commits show \"ada <ada@example.com>\"");
        assertThat(who(t.commits().get(0).getAuthorIdent())).isEqualTo("ada <ada@example.com>");
        assertThat(t.yaml(r.out().strip()).get("timeline").get(0).get("author").asText())
                .isEqualTo("ada <ada@example.com>");
    }

    @Test
    void syncSeesTheUsersGlobalConfigFromTheEnvironment() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remotes/team.git"));
        IrTester t = workspace().env("IR_AUTHOR", IrTester.ALICE);
        t.open("Checkout latency spike");
        // the remote's URL names no repository: only url.<base>.insteadOf in the user's global config makes it one
        Path nowhere = tmp.resolve("nowhere");
        write(tmp.resolve("home/.gitconfig"), "[url \"" + tmp.resolve("remotes").toUri() + "\"]\n"
                + "\tinsteadOf = " + nowhere.toUri() + "/\n");
        try (Git git = Git.open(t.dir().toFile())) {
            git.remoteAdd().setName("origin").setUri(new URIish(nowhere.resolve("team.git").toUri().toString()))
                    .call();
        }

        var r = t.run("sync");

        assertThat(r.exit()).as(r.toString()).isZero();
        try (Git remote = Git.open(bare.toFile())) {
            assertThat(remote.getRepository().resolve("refs/heads/main")).isEqualTo(t.commits().get(0).getId());
        }
        t.env("HOME", dir("elsewhere").toString());
        assertThat(t.run("sync").exit()).as("without the user's config the URL means nothing").isEqualTo(1);
    }
}
