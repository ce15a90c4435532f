package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.testing.FakeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ir.e2e.Processes.irJar;
import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar killed (halted, as SIGKILL would) at the outbox's critical moments: a message is never lost, a
 * message of an event that was never committed is never sent, and a message the service accepted just before the kill
 * is sent at most once more.
 */
class NotifyCrashIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path repo;
    Map<String, String> env;
    FakeService slack;

    @BeforeEach
    void repo() throws Exception {
        repo = tmp.resolve("repo");
        env = Processes.cleanEnv(tmp);
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
        assertThat(run(irJar("init"), repo, env).exit()).isZero();
        Files.writeString(repo.resolve("ir.yaml"), "\nchannels:\n  incidents: {kind: slack, events: [declared, "
                + "status]}\n", StandardOpenOption.APPEND);
    }

    /** {@code ir ARGS} with the fault {@code fault} (STEP:crash halts the process there). */
    private Processes.Result irWithFault(String fault, String... args) {
        List<String> cmd = new ArrayList<>(irJar(args));
        cmd.add(cmd.indexOf("-jar"), "-Dir.test.fault=" + fault);
        return run(cmd, repo, env);
    }

    private JsonNode outbox() throws Exception {
        var r = run(irJar("notify", "--json"), repo, env);
        assertThat(r.exit()).as("%s", r).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void killedAfterTheServiceAcceptedItTheMessageIsSentOnceMoreThenNever() throws Exception {
        try (FakeService s = FakeService.start()) {
            env.put("IR_CHANNEL_INCIDENTS_URL", s.url("/hook"));
            var r = irWithFault("sent:crash", "open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.exit()).as("%s", r).isEqualTo(137);
            assertThat(s.requests()).hasSize(1);
            JsonNode o = outbox(); // the next command sends it again
            assertThat(s.awaitRequests(2)).hasSize(2);
            assertThat(s.requests().get(1).body()).isEqualTo(s.requests().get(0).body());
            for (int k = 0; k < 3; k++) {
                o = outbox();
            }
            assertThat(o).hasSize(1);
            assertThat(o.get(0).path("state").asText()).isEqualTo("delivered");
            assertThat(o.get(0).path("attempts").asInt()).isEqualTo(2);
            assertThat(s.requests()).hasSize(2);
        }
    }

    @Test
    void killedBeforeTheRequestTheMessageIsSentByTheNextCommandOnce() throws Exception {
        try (FakeService s = FakeService.start()) {
            env.put("IR_CHANNEL_INCIDENTS_URL", s.url("/hook"));
            var r = irWithFault("sending:crash", "open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.exit()).isEqualTo(137);
            assertThat(s.requests()).isEmpty();
            outbox();
            assertThat(s.awaitRequests(1)).hasSize(1);
            JsonNode o = outbox();
            assertThat(o.get(0).path("state").asText()).isEqualTo("delivered");
            assertThat(s.requests()).hasSize(1);
        }
    }

    @Test
    void killedAfterTheCommitMovedTheBranchTheEventsMessageIsNotLost() throws Exception {
        try (FakeService s = FakeService.start()) {
            env.put("IR_CHANNEL_INCIDENTS_URL", s.url("/hook"));
            var r = irWithFault("moved:crash", "open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.exit()).isEqualTo(137);
            assertThat(s.requests()).isEmpty();
            outbox(); // recovers the commit, finds the event recorded: queues and sends its message
            assertThat(s.awaitRequests(1)).hasSize(1);
            assertThat(JSON.readTree(s.requests().get(0).body()).path("text").asText()).contains("Checkout errors");
            JsonNode o = outbox();
            assertThat(o).hasSize(1);
            assertThat(o.get(0).path("state").asText()).isEqualTo("delivered");
            assertThat(s.requests()).hasSize(1);
        }
    }

    @Test
    void killedBeforeTheCommitNothingIsSent() throws Exception {
        try (FakeService s = FakeService.start()) {
            env.put("IR_CHANNEL_INCIDENTS_URL", s.url("/hook"));
            var r = irWithFault("objects:crash", "open", "Checkout errors", "-s", "SEV-1");
            assertThat(r.exit()).isEqualTo(137);
            JsonNode o = outbox();
            o = outbox();
            assertThat(o).isEmpty();
            Thread.sleep(300);
            assertThat(s.requests()).isEmpty();
            try (var files = Files.list(repo.resolve("incidents"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".yaml"))).isEmpty();
            }
        }
    }
}
