package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

class DrillCommandTest {
    @TempDir
    Path dir;

    @Test
    void initShipsThreeScenariosThatPassCheck() {
        IrTester ir = IrTester.workspace(dir);
        IrTester.Result r = ir.run("drill", "check", "drills/bad-deploy.yaml", "drills/database-failover.yaml",
                "drills/third-party-outage.yaml");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(ok(ir.run("drill", "list")).out()).contains("bad-deploy", "database-failover",
                "third-party-outage");
    }

    /** What a scripted responder does at a moment of the drill (real seconds after its start). */
    private record Act(int atSecond, String... args) {
    }

    /**
     * Plays a drill at --speed 60 with the clock pinned and moved by hand: at each second the game master's
     * 'ir drill next --due' delivers what fell due, and the responders' acts run at their second. Returns the drill.
     */
    private String play(IrTester ir, String scenario, int seconds, Act... acts) {
        IrTester.Result started = ok(ir.run("drill", "start", scenario, "--speed", "60"));
        String id = started.out().lines().findFirst().orElseThrow().strip();
        for (int s = 1; s <= seconds; s++) {
            ir.advance(Duration.ofSeconds(1));
            ok(ir.run("drill", "next", "--due"));
            for (Act a : acts) {
                if (a.atSecond() == s) {
                    ok(ir.run(a.args()));
                }
            }
        }
        return id;
    }

    private static Map<String, JsonNode> verdicts(JsonNode card) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        card.get("results").forEach(r -> out.put(r.get("expectation").asText(), r));
        return out;
    }

    private static List<String> alertTexts(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> {
            if ("alert".equals(e.path("type").asText())) {
                out.add(e.path("text").asText());
            }
        });
        return out;
    }

    @Test
    void badDeployPlayedByAQuickTeamMeetsEveryExpectation() {
        IrTester ir = IrTester.workspace(dir);
        String id = play(ir, "bad-deploy", 40,
                new Act(3, "role", "commander", "me"),
                new Act(4, "severity", "SEV-2"),
                new Act(5, "update", "checkout errors after release 412, rolling back"),
                new Act(9, "log", "rolling back release 412"),
                new Act(20, "update", "rollback under way"),
                new Act(25, "mark", "mitigated"),
                new Act(26, "update", "errors back to normal"));
        JsonNode drill = ir.yaml(id);
        assertThat(drill.get("drill").asBoolean()).isTrue();
        assertThat(drill.at("/drill_scenario/name").asText()).isEqualTo("drills/bad-deploy.yaml");
        assertThat(alertTexts(drill)).singleElement().asString().startsWith("Firing: HighErrorRate");
        assertThat(IrTester.timelineTexts(drill)).contains(
                "checkout release 412 deployed to production (config: payment pool size 20 -> 10)",
                "Customers report card payments failing at checkout; 14 tickets in the last five minutes.");
        IrTester.Result asked = ok(ir.run("drill", "ask", "what", "was", "in", "the", "last", "deploy?"));
        assertThat(asked.out()).contains("connection pool from 20 to 10");
        ok(ir.run("drill", "end"));
        ok(ir.run("postmortem"));
        JsonNode card = ok(ir.run("drill", "score", "--json")).json();
        Map<String, JsonNode> v = verdicts(card);
        assertThat(v.keySet()).containsExactly("commander_within", "severity_within", "first_update_within",
                "update_every", "mitigated_within", "postmortem");
        v.values().forEach(r -> assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("met"));
        assertThat(v.get("commander_within").get("measured").asText()).isEqualTo("3m");
        assertThat(v.get("first_update_within").get("measured").asText()).isEqualTo("5m");
        assertThat(v.get("update_every").get("measured").asText()).isEqualTo("15m");
        assertThat(v.get("mitigated_within").get("measured").asText()).isEqualTo("25m");
        assertThat(card.get("roles").get(0).get("role").asText()).isEqualTo("commander");
        assertThat(card.get("roles").get(0).get("entries").asInt()).isGreaterThan(3);
        assertThat(card.get("met").asInt()).isEqualTo(6);
    }

    @Test
    void badDeployPlayedByASlowTeamMissesWhatItWasLateFor() {
        IrTester ir = IrTester.workspace(dir);
        play(ir, "bad-deploy", 45,
                new Act(8, "role", "commander", "me"),
                new Act(9, "severity", "SEV-3"),
                new Act(12, "update", "looking into checkout errors"),
                new Act(40, "update", "still looking"),
                new Act(41, "mark", "mitigated"));
        ok(ir.run("drill", "end"));
        Map<String, JsonNode> v = verdicts(ok(ir.run("drill", "score", "--json")).json());
        assertThat(v.get("commander_within").get("verdict").asText()).isEqualTo("missed");
        assertThat(v.get("commander_within").get("measured").asText()).isEqualTo("8m");
        assertThat(v.get("severity_within").get("verdict").asText()).isEqualTo("missed");
        assertThat(v.get("severity_within").get("measured").isNull()).isTrue();
        assertThat(v.get("first_update_within").get("verdict").asText()).isEqualTo("missed");
        assertThat(v.get("first_update_within").get("measured").asText()).isEqualTo("12m");
        assertThat(v.get("update_every").get("verdict").asText()).isEqualTo("missed");
        assertThat(v.get("update_every").get("measured").asText()).isEqualTo("28m");
        assertThat(v.get("mitigated_within").get("verdict").asText()).isEqualTo("missed");
        assertThat(v.get("mitigated_within").get("measured").asText()).isEqualTo("41m");
        assertThat(v.get("postmortem").get("verdict").asText()).isEqualTo("missed");
        IrTester.Result text = ok(ir.run("drill", "score"));
        assertThat(text.out()).contains("missed  commander_within", "0 of 6 expectations met");
    }

    @Test
    void databaseFailoverPlayedWithQuestionsAndAScribe() {
        IrTester ir = IrTester.workspace(dir);
        String id = play(ir, "database-failover", 30,
                new Act(2, "role", "commander", "me"),
                new Act(3, "severity", "SEV-1"),
                new Act(4, "update", "orders writes failing after a database failover"),
                new Act(5, "role", "scribe", "Bob Scribe <bob@example.com>"),
                new Act(7, "drill", "ask", "did", "the", "failover", "lose", "anything", "to", "replication", "lag?"),
                new Act(10, "drill", "ask", "which", "address", "does", "the", "service", "resolve"),
                new Act(15, "update", "restarting the order service"),
                new Act(16, "mark", "mitigated"));
        JsonNode drill = ir.yaml(id);
        assertThat(alertTexts(drill)).hasSize(2).anyMatch(t -> t.startsWith("Firing: PrimaryDown (db-1)"))
                .anyMatch(t -> t.startsWith("Firing: WriteErrors"));
        assertThat(IrTester.timelineTexts(drill)).anyMatch(t -> t.contains("40 seconds behind db-1"))
                .anyMatch(t -> t.contains("DNS cache"));
        IrTester.Result nothing = ok(ir.run("drill", "ask", "what", "colour", "is", "the", "sky"));
        assertThat(nothing.out()).isEmpty();
        assertThat(nothing.err()).contains("nothing on that");
        ok(ir.run("drill", "end"));
        ok(ir.run("postmortem"));
        Map<String, JsonNode> v = verdicts(ok(ir.run("drill", "score", "--json")).json());
        assertThat(v.keySet()).contains("roles.scribe");
        v.values().forEach(r -> assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("met"));
        assertThat(v.get("roles.scribe").get("measured").asText()).isEqualTo("5m");
    }

    @Test
    void thirdPartyOutageScoresPublicUpdateCadence() {
        IrTester ir = IrTester.workspace(dir);
        String id = play(ir, "third-party-outage", 30,
                new Act(2, "role", "commander", "me"),
                new Act(4, "update", "--audience", "public", "Some EU customers cannot pay; we are on it"),
                new Act(12, "update", "--audience", "public", "Switching EU payments to our backup provider"),
                new Act(20, "update", "--audience", "public", "EU payments work again through the backup"),
                new Act(20, "mark", "mitigated"));
        JsonNode drill = ir.yaml(id);
        assertThat(alertTexts(drill)).singleElement().asString().contains("Payment authorisations failing");
        assertThat(IrTester.timelineTexts(drill)).anyMatch(t -> t.contains("The last public update is getting old"));
        ok(ir.run("drill", "end"));
        ok(ir.run("postmortem"));
        Map<String, JsonNode> v = verdicts(ok(ir.run("drill", "score", "--json")).json());
        v.values().forEach(r -> assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("met"));
        assertThat(v.get("first_update_within").get("measured").asText()).isEqualTo("4m");
        assertThat(v.get("update_every").get("measured").asText()).isEqualTo("8m");
    }

    @Test
    void eachShippedScenarioPlaysToItsLastInjectWithinAMinuteAtSpeed60() {
        IrTester ir = IrTester.workspace(dir);
        for (String sc : List.of("bad-deploy", "database-failover", "third-party-outage")) {
            String id = ok(ir.run("drill", "start", sc, "--speed", "60")).out().strip().lines().findFirst()
                    .orElseThrow();
            ir.advance(Duration.ofSeconds(59));
            ok(ir.run("drill", "next", "--due", "-i", id));
            // Reveals wait to be asked for: the game master gives what is left with 'ir drill next'.
            while (!ok(ir.run("drill", "next", "-i", id)).err().contains("Every inject was delivered")) {
                assertThat(ir.yaml(id).at("/drill_scenario/delivered").size()).isLessThanOrEqualTo(5);
            }
            JsonNode state = ir.yaml(id).get("drill_scenario");
            assertThat(state.get("delivered")).hasSize(5);
            ok(ir.run("drill", "end", "-i", id));
        }
    }
}
