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
}
