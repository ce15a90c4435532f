package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ir.e2e.Processes.git;
import static ir.e2e.Processes.irJar;
import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The built jar, run as a separate process in a real git repository whose identity is set in git's config. */
class JarIT {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path repo;
    Map<String, String> env;

    @BeforeEach
    void repo() {
        repo = tmp.resolve("repo");
        env = Processes.cleanEnv(tmp);
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
    }

    @Test
    void openPrintsTheIdWritesTheIncidentAndMakesOneCommitByTheGitIdentity() throws Exception {
        assertThat(run(irJar("init"), repo, env).exit()).isZero();
        List<RevCommit> before = commits(repo);

        var r = run(irJar("open", "Checkout latency spike", "--severity", "SEV-2"), repo, env);

        assertThat(r.exit()).as("%s", r).isZero();
        String id = r.out().strip();
        assertThat(id).matches("\\d{4}-\\d{2}-\\d{2}-checkout-latency-spike");
        JsonNode doc = YAML.readTree(repo.resolve("incidents/" + id + ".yaml").toFile());
        assertThat(doc.get("id").asText()).isEqualTo(id);
        assertThat(doc.get("title").asText()).isEqualTo("Checkout latency spike");
        assertThat(doc.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(doc.get("timeline").get(0).get("type").asText()).isEqualTo("declared");
        assertThat(doc.get("timeline").get(0).get("author").asText()).isEqualTo("Erin Endtoend <erin@example.com>");

        List<RevCommit> after = commits(repo);
        assertThat(after).hasSize(before.size() + 1);
        RevCommit c = after.get(0);
        assertThat(c.getAuthorIdent().getName()).isEqualTo("Erin Endtoend");
        assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("erin@example.com");
        assertThat(c.getCommitterIdent().getEmailAddress()).isEqualTo("erin@example.com");
        assertThat(c.getShortMessage()).startsWith(id + ": ");
        assertThat(c.getFullMessage()).contains("Incident: " + id, "Ir-Event: declared");
        assertThat(git(repo, env, "show", "--name-only", "--format=", "HEAD").strip())
                .isEqualTo("incidents/" + id + ".yaml");
        assertThat(git(repo, env, "status", "--porcelain")).isEmpty();
    }

    @Test
    void logBackdatesAndShowAndListPrintJsonThatParses() throws Exception {
        assertThat(run(irJar("init"), repo, env).exit()).isZero();
        // Declared five minutes ago: with second-precision times, an open and a log in the same second would sort by
        // their random event ids (a fast start-up made that common).
        String id = run(irJar("open", "Checkout latency spike", "--severity", "SEV-2", "--at", "-5m"), repo, env)
                .out().strip();

        assertThat(run(irJar("log", "database", "failover", "started"), repo, env).exit()).isZero();
        var backdated = run(irJar("log", "-i", "checkout", "--at", "-10m", "--type", "alert", "p99 over 2s"), repo,
                env);
        assertThat(backdated.exit()).as("%s", backdated).isZero();

        var show = run(irJar("show", "--json"), repo, env);
        assertThat(show.exit()).as("%s", show).isZero();
        JsonNode timeline = JSON.readTree(show.out()).get("timeline");
        List<String> texts = new ArrayList<>();
        List<String> times = new ArrayList<>();
        timeline.forEach(e -> {
            texts.add(e.get("text").asText());
            times.add(e.get("at").asText());
        });
        assertThat(texts).containsExactly("p99 over 2s", "Declared SEV-2: Checkout latency spike",
                "database failover started");
        assertThat(times).isSorted();

        var list = run(irJar("list", "--json"), repo, env);
        assertThat(list.exit()).as("%s", list).isZero();
        assertThat(JSON.readTree(list.out()).get(0).get("id").asText()).isEqualTo(id);
    }

    @Test
    void outsideAWorkspaceItExitsTwoWithOneLineAndNoStackTrace() {
        var r = run(irJar("log", "anything"), repo, env);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("ir: ").contains("ir init");
    }

    static List<RevCommit> commits(Path dir) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            List<RevCommit> out = new ArrayList<>();
            if (git.getRepository().resolve("HEAD") != null) {
                git.log().call().forEach(out::add);
            }
            return out;
        }
    }
}
