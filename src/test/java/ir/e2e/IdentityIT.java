package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static ir.e2e.Processes.git;
import static ir.e2e.Processes.irJar;
import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar signs with the identity git itself would use in the same environment: the {@code HOME} it is given
 * (as in a container, on CI or under {@code sudo -E}), not the home of the password database.
 */
class IdentityIT {
    @TempDir
    Path tmp;

    @Test
    void theHomeOfTheEnvironmentNamesTheAuthorAsForGitCommit() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Hana Home\n\temail = hana@example.com\n");
        Map<String, String> env = Processes.cleanEnv(home);
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, env, "init", "-q", "-b", "main");

        var init = run(irJar("init"), repo, env);
        var open = run(irJar("open", "Checkout latency spike", "--severity", "SEV-2"), repo, env);
        git(repo, env, "commit", "-q", "--allow-empty", "-m", "by git itself");

        assertThat(init.exit()).as("%s", init).isZero();
        assertThat(open.exit()).as("%s", open).isZero();
        assertThat(open.err()).doesNotContain("warning");
        String authors = git(repo, env, "log", "--format=%an <%ae>|%cn <%ce>");
        assertThat(authors.lines().toList()).containsExactly(
                "Hana Home <hana@example.com>|Hana Home <hana@example.com>",
                "Hana Home <hana@example.com>|Hana Home <hana@example.com>",
                "Hana Home <hana@example.com>|Hana Home <hana@example.com>");
        String id = open.out().strip();
        JsonNode doc = JarIT.YAML.readTree(repo.resolve("incidents/" + id + ".yaml").toFile());
        assertThat(doc.get("timeline").get(0).get("author").asText()).isEqualTo("Hana Home <hana@example.com>");

        // the committer apart from the author, as git commit does
        Map<String, String> bot = new java.util.HashMap<>(env);
        bot.put("GIT_COMMITTER_NAME", "Deploy Bot");
        bot.put("GIT_COMMITTER_EMAIL", "bot@example.com");
        var log = run(irJar("log", "failover started"), repo, bot);
        assertThat(log.exit()).as("%s", log).isZero();
        assertThat(git(repo, env, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip())
                .isEqualTo("Hana Home <hana@example.com>|Deploy Bot <bot@example.com>");

        var bad = run(irJar("--as", "Hana <hana@example.com", "log", "failover started"), repo, env);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).startsWith("ir: --as \"Hana <hana@example.com\" has a stray < or >");
        assertThat(git(repo, env, "status", "--porcelain")).isEmpty();
    }
}
