package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static ir.e2e.JarIT.YAML;
import static ir.e2e.JarIT.commits;
import static ir.e2e.Processes.git;
import static ir.e2e.Processes.irJar;
import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twenty {@code ir log} processes started at once on one incident (a prototype without a lock lost 14 of 20 entries):
 * the workspace lock must serialise them, within the default lock timeout, so that nothing is lost.
 */
class ConcurrentLogIT {
    static final int N = 20;

    @TempDir
    Path tmp;

    @Test
    void twentyLogProcessesAtOnceAllLandAsTwentyCommitsAndTheRepositoryStaysSound() throws Exception {
        Path repo = tmp.resolve("repo");
        Map<String, String> env = Processes.cleanEnv(tmp);
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
        assertThat(run(irJar("init"), repo, env).exit()).isZero();
        var open = run(irJar("open", "Checkout latency spike", "--severity", "SEV-2"), repo, env);
        assertThat(open.exit()).as("%s", open).isZero();
        String id = open.out().strip();
        int commitsBefore = commits(repo).size();

        long start = System.nanoTime();
        List<Process> burst = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            burst.add(Processes.start(irJar("log", "entry " + n + " from process " + n), repo, env));
        }
        List<Processes.Result> results = burst.stream().map(Processes::finish).toList();
        long millis = (System.nanoTime() - start) / 1_000_000;
        report(millis);

        for (Processes.Result r : results) {
            assertThat(r.exit()).as("%s", r).isZero();
        }
        JsonNode timeline = YAML.readTree(repo.resolve("incidents/" + id + ".yaml").toFile()).get("timeline");
        List<String> texts = new ArrayList<>();
        timeline.forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).hasSize(N + 1)
                .containsAll(IntStream.range(0, N).mapToObj(n -> "entry " + n + " from process " + n).toList());
        List<String> eventIds = new ArrayList<>();
        timeline.forEach(e -> eventIds.add(e.get("id").asText()));
        assertThat(eventIds).doesNotHaveDuplicates();

        List<RevCommit> after = commits(repo);
        assertThat(after).hasSize(commitsBefore + N);
        assertThat(after.subList(0, N)).allSatisfy(c -> {
            assertThat(c.getShortMessage()).startsWith(id + ": log note: entry ");
            assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("erin@example.com");
        });
        assertThat(git(repo, env, "status", "--porcelain")).isEmpty();
        var fsck = run(List.of("git", "fsck", "--strict", "--no-dangling"), repo, env);
        assertThat(fsck.exit()).as("%s", fsck).isZero();
        assertThat(fsck.out() + fsck.err()).doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("missing");
    }

    /** The burst's wall time, for the performance notes (target/e2e-burst.txt and the test output). */
    private static void report(long millis) throws Exception {
        String line = N + " concurrent 'ir log' processes (java -jar, launcher flags, no archive): " + millis
                + " ms wall, " + Runtime.getRuntime().availableProcessors() + " cores";
        System.out.println(line);
        Path target = Processes.jar().getParent();
        Files.writeString(target.resolve("e2e-burst.txt"), line + "\n");
    }
}
