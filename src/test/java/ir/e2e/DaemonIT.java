package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed launcher with ir's background process, as a user meets it: the first command runs in-process and
 * starts the process, the next ones go through it, each is committed before the launcher exits, and
 * {@code ir daemon stop} ends it. Each test stops the process it started.
 */
class DaemonIT {
    @TempDir
    Path tmp;
    Path prefix;
    Path repo;
    Path sockets;
    Map<String, String> env;

    @BeforeEach
    void setUp() {
        prefix = tmp.resolve("prefix");
        repo = tmp.resolve("repo");
        sockets = tmp.resolve("d");
        env = Processes.cleanEnv(tmp);
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("IR_DAEMON", "1");
        env.put("IR_DAEMON_DIR", sockets.toString());
        env.put("IR_DAEMON_IDLE", "120");
        env.put("IR_DAEMON_WARMUP_MS", "0");
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
        var install = Processes.install(prefix, tmp, env);
        assertThat(install.exit()).as("%s", install).isZero();
        assertThat(prefix.resolve("lib/ir/ir-client.jar")).isRegularFile();
        assertThat(prefix.resolve("lib/ir/client.jsa")).isRegularFile();
    }

    @AfterEach
    void stopTheProcess() {
        ir(Map.of(), "daemon", "stop");
    }

    private Processes.Result ir(Map<String, String> extra, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(prefix.resolve("bin/ir").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, repo, e);
    }

    private Processes.Result ir(String... args) {
        return ir(Map.of(), args);
    }

    private List<Path> sockets() throws Exception {
        if (!Files.isDirectory(sockets)) {
            return List.of();
        }
        try (var s = Files.list(sockets)) {
            return s.filter(p -> p.toString().endsWith(".sock")).toList();
        }
    }

    private void awaitProcess() throws Exception {
        for (int i = 0; i < 600 && sockets().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(sockets()).as("the background process listens").hasSize(1);
    }

    private static long pid(String status) {
        Matcher m = Pattern.compile("pid (\\d+)").matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return Long.parseLong(m.group(1));
    }

    private List<String> timelineTexts(String id) throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("incidents/" + id + ".yaml").toFile());
        List<String> texts = new ArrayList<>();
        doc.get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        return texts;
    }

    @Test
    void theFirstCommandStartsTheProcessTheNextGoThroughItAndEveryEntryIsCommitted() throws Exception {
        assertThat(ir("init").exit()).isZero();
        var open = ir("open", "Checkout latency spike", "--severity", "SEV-2");
        assertThat(open.exit()).as("%s", open).isZero();
        String id = open.out().strip();
        assertThat(sockets()).as("open (which may prompt) runs in-process and starts nothing").isEmpty();

        var first = ir("log", "database", "failover", "started");
        assertThat(first.exit()).as("%s", first).isZero();
        awaitProcess();
        var second = ir("log", "--type", "action", "rolled", "back", "release", "412");
        assertThat(second.exit()).as("%s", second).isZero();
        assertThat(second.err()).startsWith("Logged to " + id + " at ");
        var status = ir("daemon");
        assertThat(status.out()).contains("is running").contains("commands served: 1");

        assertThat(timelineTexts(id)).contains("database failover started", "rolled back release 412");
        List<String> subjects = JarIT.commits(repo).stream().map(c -> c.getShortMessage()).toList();
        assertThat(subjects.subList(0, 2)).containsExactly(id + ": log action: rolled back release 412",
                id + ": log note: database failover started");
        assertThat(JarIT.commits(repo).get(0).getAuthorIdent().getEmailAddress()).isEqualTo("erin@example.com");
        assertThat(Processes.git(repo, env, "status", "--porcelain")).isEmpty();

        var refused = ir("log", "-i", "no-such-incident", "x");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err().strip()).startsWith("ir: no incident matches 'no-such-incident'").doesNotContain("\n");

        var piped = run(List.of("sh", "-c", "printf 'kubectl output\\nline two\\n' | \"$0\" log -",
                prefix.resolve("bin/ir").toString()), repo, env);
        assertThat(piped.exit()).as("%s", piped).isZero();
        assertThat(timelineTexts(id)).contains("kubectl output\nline two");
    }

    @Test
    void stopEndsTheProcessAndTheNextCommandStillWorks() throws Exception {
        assertThat(ir("init").exit()).isZero();
        ir("open", "Failover drill", "--drill");
        assertThat(ir("log", "drill started").exit()).isZero();
        awaitProcess();
        long pid = pid(ir("daemon", "status").out());

        var stop = ir("daemon", "stop");

        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).startsWith("stopped ir's background process (" + pid + ")");
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(sockets()).isEmpty();
        assertThat(ir("daemon").out()).contains("not running");
        assertThat(ir("log", "after the stop").exit()).isZero();
    }

    @Test
    void withIrDaemonSetTo0EveryCommandRunsInProcess() throws Exception {
        assertThat(ir("init").exit()).isZero();
        ir("open", "Disk full", "--severity", "SEV-3");

        var r = ir(Map.of("IR_DAEMON", "0"), "log", "cleared /var/log");

        assertThat(r.exit()).as("%s", r).isZero();
        Thread.sleep(1000);
        assertThat(sockets()).isEmpty();
    }
}
