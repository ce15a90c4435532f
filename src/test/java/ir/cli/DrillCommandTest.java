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
    void badDeployPlayedByAQuickTeamMeetsEveryExpectation() throws Exception {
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
        String debrief = ir.read("incidents/" + id + ".md");
        assertThat(debrief).startsWith("# Drill debrief: Drill: Checkout errors after a deploy")
                .contains("played from `drills/bad-deploy.yaml` at speed 60", "**5 of 5** expectations met",
                        "| commander_within | ✅ met | 3m | 5m | commander assigned |");
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
    void checklistStepsWithADueTimeAreScoredWhenTheScenarioAsksForThem() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        String scenario = ir.read("drills/bad-deploy.yaml").replace("  postmortem: true\n",
                "  postmortem: true\n  checklist: true\n");
        assertThat(scenario).contains("checklist: true");
        Files.writeString(dir.resolve("drills/bad-deploy-steps.yaml"), scenario);
        ok(ir.run("drill", "check", "drills/bad-deploy-steps.yaml"));
        play(ir, "bad-deploy-steps", 40,
                new Act(3, "role", "commander", "me"),
                new Act(4, "checklist", "done", "commander.announce"),
                new Act(4, "severity", "SEV-2"));
        ok(ir.run("drill", "end"));
        Map<String, JsonNode> v = verdicts(ok(ir.run("drill", "score", "--json")).json());
        // the commander announced themselves 4 scenario minutes in, within the step's 5m; the deputy and scribe were
        // never appointed, so that step (10m) is missed once the drill is over
        assertThat(v.get("checklist.commander.announce").get("verdict").asText()).isEqualTo("met");
        assertThat(v.get("checklist.commander.announce").get("measured").asText()).isEqualTo("4m");
        assertThat(v.get("checklist.commander.appoint-deputy-scribe").get("verdict").asText()).isEqualTo("missed");
        // steps without a due time are not scored
        assertThat(v).doesNotContainKey("checklist.commander.bring-in-experts");
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

    @Test
    void checkReportsEachProblemOfAMalformedScenarioWithItsLine() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        Files.writeString(dir.resolve("drills/broken.yaml"), String.join("\n",
                "title: Broken",                                   // 1
                "colour: red",                                     // 2
                "injects:",                                        // 3
                "  - after: soon",                                 // 4
                "    say: {from: a, text: b}",                     // 5
                "  - after: 2m",                                   // 6
                "    format: alertmanager",                        // 7
                "    alert: {status: firing}",                     // 8
                "  - after: 3m",                                   // 9
                "    reveal: {text: the answer}",                  // 10
                "  - after: 4m",                                   // 11
                "    say: {from: a, text: b, tone: calm}",         // 12
                "  - after: -5m",                                  // 13
                "    say: {from: a, text: b}",                     // 14
                "expect:",                                         // 15
                "  commander_within: 5 minutes",                   // 16
                ""));
        IrTester.Result r = ir.run("drill", "check", "drills/broken.yaml", "drills/bad-deploy.yaml");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("drills/broken.yaml:2: unknown key 'colour'"),
                l -> assertThat(l).startsWith("drills/broken.yaml:4: 'injects[0].after' must be a duration")
                        .contains("not 'soon'"),
                l -> assertThat(l).startsWith("drills/broken.yaml:8: injects[1].alert does not parse: "),
                l -> assertThat(l).startsWith("drills/broken.yaml:10: injects[2].reveal has no words"),
                l -> assertThat(l).startsWith("drills/broken.yaml:12: unknown key 'injects[3].say.tone'"),
                l -> assertThat(l).startsWith("drills/broken.yaml:13: 'injects[4].after' must be a duration"),
                l -> assertThat(l).startsWith("drills/broken.yaml:16: 'expect.commander_within' must be a "
                        + "duration"));
        assertThat(r.err()).contains("1 of 2 scenarios with problems");
        // A scenario with problems is refused to start, with its first problem.
        ir.assertRefused(2, "ir: drills/broken.yaml:2: unknown key 'colour'", "drill", "start", "broken");
    }

    @Test
    void checkRefusesAnAlertFileOutsideTheWorkspace() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        Files.writeString(dir.resolve("drills/escape.yaml"), "title: Escape\ninjects:\n  - after: 1m\n"
                + "    alert: {file: ../../etc/passwd}\n  - after: 2m\n    alert: {file: alerts/missing.json}\n");
        IrTester.Result r = ir.run("drill", "check", "drills/escape.yaml");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("drills/escape.yaml:4: injects[0].alert.file '../../etc/passwd' must be a "
                + "file inside the workspace", "drills/escape.yaml:6: injects[1].alert.file 'alerts/missing.json' "
                + "cannot be read: no such file");
    }

    @Test
    void fromAPastIncidentMakesAScenarioThatPassesCheckAndReplaysTheSameAlerts() throws Exception {
        IrTester ir = IrTester.workspace(dir).at("2025-05-01T11:53:00Z");
        Path firing = dir.resolve("firing.json");
        Files.writeString(firing, IngestCommandTest.resource("alertmanager-firing.json"));
        ok(ir.run("ingest", firing.toString()));
        String past = ok(ir.run("list", "--json")).json().get(0).get("id").asText();
        ok(ir.run("use", past));
        ir.advance(Duration.ofMinutes(4));
        ok(ir.run("log", "--important", "checkout pods restarting in a loop"));
        ir.advance(Duration.ofMinutes(20));
        Path resolved = dir.resolve("resolved.json");
        Files.writeString(resolved, IngestCommandTest.resource("alertmanager-resolved.json"));
        ok(ir.run("ingest", resolved.toString()));
        ok(ir.run("set", "root-cause", "a bad cache configuration"));
        ok(ir.run("set", "resolution", "rolled the configuration back"));
        JsonNode pastIncident = ir.yaml(past);
        List<String> pastAlerts = alertTexts(pastIncident);
        assertThat(pastAlerts).hasSizeGreaterThanOrEqualTo(2);

        ok(ir.run("drill", "from", past, "-o", "drills/replay.yaml"));
        assertThat(ok(ir.run("drill", "check", "drills/replay.yaml")).out()).isEmpty();
        String yaml = Files.readString(dir.resolve("drills/replay.yaml"));
        assertThat(yaml).contains("a bad cache configuration", "rolled the configuration back",
                "checkout pods restarting in a loop");
        Files.delete(firing);
        Files.delete(resolved);

        String id = ok(ir.run("drill", "start", "replay", "--speed", "60")).out().lines().findFirst().orElseThrow();
        ir.advance(Duration.ofMinutes(2));
        ok(ir.run("drill", "next", "--due"));
        JsonNode drill = ir.yaml(id);
        assertThat(alertTexts(drill)).containsExactlyElementsOf(pastAlerts);
        assertThat(IrTester.timelineTexts(drill)).contains("checkout pods restarting in a loop");
        assertThat(drill.path("root_cause").isMissingNode()).isTrue();
    }

    @Test
    void aDrillNotifiesOnlyChannelsThatTakeDrillsNeverPagesAndStaysOutOfStatsAndCheckAll() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml")) + """

                channels:
                  incidents: {kind: webhook, events: [declared, severity, update]}
                  practice: {kind: webhook, events: [declared, severity, update], drills: true}
                  pager: {kind: pagerduty, drills: true}
                """);
        // Endpoints nobody listens on: the messages stay queued in the outbox, where the test reads them.
        ir.env("IR_CHANNEL_INCIDENTS_URL", "http://127.0.0.1:9/real")
                .env("IR_CHANNEL_PRACTICE_URL", "http://127.0.0.1:9/practice");
        ok(ir.run("drill", "start", "bad-deploy", "--speed", "60"));
        ir.advance(Duration.ofSeconds(10));
        ok(ir.run("drill", "next", "--due"));
        ok(ir.run("update", "checkout errors, rolling back"));
        IrTester.Result page = ir.env("IR_CHANNEL_PAGER_ROUTING_KEY", "K").run("page", "sme");
        assertThat(page.exit()).as(page.toString()).isZero();
        assertThat(page.err()).contains("is a drill: the page is recorded but not sent (drills never page)");
        JsonNode outbox = ok(ir.run("notify", "--json")).json();
        List<String> channels = new ArrayList<>();
        outbox.forEach(m -> channels.add(m.path("channel").asText()));
        assertThat(channels).isNotEmpty().containsOnly("practice");
        assertThat(ok(ir.run("stats", "--json")).out()).doesNotContain("Drill: Checkout");
        ir.advance(Duration.ofHours(13));
        IrTester.Result all = ir.run("check", "--all");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(ir.run("check", "--all", "--drills").out()).contains("DRILL");
    }

    @Test
    void aScenarioThatChangedWhileItsDrillPlaysIsRefused() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        ok(ir.run("drill", "start", "bad-deploy"));
        Path f = dir.resolve("drills/bad-deploy.yaml");
        Files.writeString(f, Files.readString(f).replace("14 tickets", "15 tickets"));
        ir.assertRefused(2, "ir: drills/bad-deploy.yaml changed since the drill started", "drill", "next");
        ir.assertRefused(3, "ir: ", "drill", "score", "-i", "nope-no-such");
    }
}
