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
        assertThat(sockets()).as("init runs in-process only, and starts nothing").isEmpty();
        var open = ir("open", "Checkout latency spike", "--severity", "SEV-2");
        assertThat(open.exit()).as("%s", open).isZero();
        String id = open.out().strip();
        awaitProcess();

        var first = ir("log", "database", "failover", "started");
        assertThat(first.exit()).as("%s", first).isZero();
        var second = ir("log", "--type", "action", "rolled", "back", "release", "412");
        assertThat(second.exit()).as("%s", second).isZero();
        assertThat(second.err()).startsWith("Logged to " + id + " at ");
        var opened = ir("open", "Failover drill", "--severity", "SEV-4", "--drill");
        assertThat(opened.exit()).as("%s", opened).isZero();
        var status = ir("daemon");
        assertThat(status.out()).as("open with its arguments complete is served too").contains("is running")
                .contains("commands served: 3");
        assertThat(ir("use", id).exit()).isZero();

        assertThat(timelineTexts(id)).contains("database failover started", "rolled back release 412");
        List<String> subjects = JarIT.commits(repo).stream().map(c -> c.getShortMessage()).toList();
        assertThat(subjects.subList(1, 3)).containsExactly(id + ": log action: rolled back release 412",
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
        awaitProcess();
        assertThat(ir("log", "drill started").exit()).isZero();
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
        Map<String, String> off = Map.of("IR_DAEMON", "0");
        assertThat(ir(off, "init").exit()).isZero();
        assertThat(ir(off, "open", "Disk full", "--severity", "SEV-3").exit()).isZero();

        var r = ir(off, "log", "cleared /var/log");

        assertThat(r.exit()).as("%s", r).isZero();
        Thread.sleep(1000);
        assertThat(sockets()).isEmpty();
    }

    /** Runs {@code script} with sh, the installed launcher as $0. */
    private Processes.Result sh(Map<String, String> extra, String script) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        return run(List.of("sh", "-c", script, prefix.resolve("bin/ir").toString()), repo, e);
    }

    private long startedProcess() throws Exception {
        assertThat(ir("init").exit()).isZero();
        var open = ir("open", "Checkout latency spike", "--severity", "SEV-2");
        assertThat(open.exit()).as("%s", open).isZero();
        awaitProcess();
        return pid(ir("daemon", "status").out());
    }

    private List<String> subjects() throws Exception {
        return JarIT.commits(repo).stream().map(c -> c.getShortMessage()).toList();
    }

    private static void signal(String signal, long pid) {
        assertThat(run(List.of("kill", "-" + signal, Long.toString(pid)), Path.of("/"), Map.of("PATH",
                "/usr/bin:/bin")).exit()).isZero();
    }

    @Test
    void aStoppedProcessDoesNotHoldCommandsAndNoneRunsTwice() throws Exception {
        long pid = startedProcess();
        signal("STOP", pid);
        try {
            long start = System.nanoTime();
            var log = ir("log", "logged while the process was stopped");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(log.exit()).as("%s", log).isZero();
            assertThat(millis).as("ir log with a stopped process").isLessThan(5000);
            var show = ir("show");
            assertThat(show.exit()).as("%s", show).isZero();
            assertThat(show.out()).contains("logged while the process was stopped");

            start = System.nanoTime();
            var status = ir("daemon", "status");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ir daemon status").isLessThan(5000);
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.err()).startsWith("ir: ir's background process (pid " + pid + ") is not answering");
        } finally {
            signal("CONT", pid);
        }
        Thread.sleep(1500); // it reads what was queued while it was stopped: the clients gave up, so it runs nothing
        assertThat(subjects().stream().filter(s -> s.endsWith("log note: logged while the process was stopped")))
                .hasSize(1);
        assertThat(ir("daemon").out()).contains("is running").contains("commands served: 0");
        assertThat(ir("log", "served again").exit()).isZero();
        assertThat(ir("daemon").out()).contains("commands served: 1");
    }

    @Test
    void stopEndsAProcessThatDoesNotAnswer() throws Exception {
        long pid = startedProcess();
        signal("STOP", pid);

        long start = System.nanoTime();
        var stop = ir("daemon", "stop");

        assertThat((System.nanoTime() - start) / 1_000_000).as("ir daemon stop").isLessThan(8000);
        assertThat(stop.exit()).as("%s", stop).isZero();
        assertThat(stop.out()).startsWith("ended ir's background process (" + pid + "), which was not answering");
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ir("daemon").out()).contains("not running");
        assertThat(ir("log", "after the stop").exit()).isZero();
    }

    @Test
    void aStalledConnectionDoesNotKeepTheProcessAliveAfterStop() throws Exception {
        long pid = startedProcess();
        try (var stalled = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(
                sockets().get(0)))) {
            var stop = ir("daemon", "stop");
            assertThat(stop.exit()).as("%s", stop).isZero();
            assertThat(stop.out()).startsWith("stopped ir's background process (" + pid + ")");

            var handle = ProcessHandle.of(pid);
            if (handle.isPresent()) {
                handle.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(stalled.isOpen()).as("the stalled connection was open all along").isTrue();
        }
    }

    @Test
    void aClosedStandardOutputIsANormalEnd() throws Exception {
        startedProcess();
        assertThat(ir("log", "one entry").exit()).isZero();

        // The reader is gone before ir writes: ir's write fails (EPIPE), as in `ir list | head -1` with a long list.
        var gone = sh(Map.of(), "{ \"$0\" show; echo \"exit $?\" >&2; } | true");
        var head = sh(Map.of(), "{ \"$0\" list; echo \"exit $?\" >&2; } | head -1");

        assertThat(gone.err()).isEqualTo("exit 0\n");
        assertThat(head.err()).isEqualTo("exit 0\n");
        assertThat(head.out()).contains("Checkout latency spike");
        assertThat(ir("daemon").out()).contains("commands served: 3");
    }

    @Test
    void callersWithAnyTimeZoneLocaleOrHomeShareOneProcessAndEachGetsItsOwnZone() throws Exception {
        startedProcess();
        Path otherHome = Files.createDirectories(tmp.resolve("other-home"));

        var tokyo = ir(Map.of("TZ", "Asia/Tokyo", "LANG", "ja_JP.UTF-8", "LC_ALL", "ja_JP.UTF-8"), "show", "--local");
        var newYork = ir(Map.of("TZ", "America/New_York", "HOME", otherHome.toString(), "LC_ALL", "C.UTF-8"), "show",
                "--local");
        var logged = ir(Map.of("TZ", "Europe/Paris", "XDG_RUNTIME_DIR", tmp.toString()), "log", "from Paris");

        assertThat(tokyo.out()).as("%s", tokyo).contains("Timeline (Asia/Tokyo)");
        assertThat(newYork.out()).as("%s", newYork).contains("Timeline (America/New_York)");
        assertThat(logged.exit()).as("%s", logged).isZero();
        assertThat(sockets()).as("one process").hasSize(1);
        assertThat(ir(Map.of("TZ", "Asia/Kolkata", "HOME", otherHome.toString()), "daemon").out())
                .contains("commands served: 3");
    }

    @Test
    void filesGetTheUmaskOfTheCallerNotOfWhoeverStartedTheProcess() throws Exception {
        assertThat(ir("init").exit()).isZero();
        var open = sh(Map.of(), "umask 077; exec \"$0\" open Disk full --severity SEV-3");
        assertThat(open.exit()).as("%s", open).isZero();
        awaitProcess();
        Path file = repo.resolve("incidents/" + open.out().strip() + ".yaml");

        var log = sh(Map.of(), "umask 002; exec \"$0\" log cleared /var/log");

        assertThat(log.exit()).as("%s", log).isZero();
        assertThat(ir("daemon").out()).contains("commands served: 1");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-rw-r--");
    }

    @Test
    void aRelativeIrDaemonDirMeansTheSameDirectoryToTheClientAndTheProcess() throws Exception {
        Map<String, String> relative = Map.of("IR_DAEMON_DIR", "../relative-d");
        Path dir = tmp.resolve("relative-d");
        try {
            assertThat(ir(relative, "init").exit()).isZero();
            assertThat(ir(relative, "open", "Disk full", "--severity", "SEV-3").exit()).isZero();
            for (int i = 0; i < 600 && !Files.exists(dir) ; i++) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 600 && ir(relative, "daemon").out().contains("not running"); i++) {
                Thread.sleep(50);
            }

            var log = ir(relative, "log", "cleared /var/log");

            assertThat(log.exit()).as("%s", log).isZero();
            assertThat(ir(relative, "daemon").out()).contains("is running").contains("commands served: 1")
                    .contains("socket " + dir.toRealPath());
        } finally {
            ir(relative, "daemon", "stop");
        }
    }
}
