package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.MarkdownDoc;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Impact windows, the data-loss window and milestone corrections through the real CLI: a degraded evening, recovery,
 * the impact back (a new window), a full outage, lost writes, a corrected and a cleared milestone.
 */
class PhasesCommandTest {
    @TempDir
    Path dir;

    IrTester ir;
    String id;

    @BeforeEach
    void openIncident() {
        ir = IrTester.workspace(dir).at("2018-10-21T22:56:00Z");
        id = ir.open("Database failover", "--severity", "SEV-2", "--at", "2018-10-21T22:54:00Z");
        ir.at("2018-10-22T23:30:00Z");
    }

    private RevCommit head() {
        return ir.commits().get(0);
    }

    private JsonNode lastEvent() {
        JsonNode t = ir.committedYaml(id).get("timeline");
        return t.get(t.size() - 1);
    }

    private static List<String> types(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    @Test
    void aMultiPhaseIncidentKeepsEveryWindowTheDataLossAndEveryCorrection() {
        // A degraded evening: the first window, labelled.
        ok(ir.run("window", "start", "--at", "2018-10-21T22:52:00Z", "--label", "degraded"));
        JsonNode y = ir.committedYaml(id);
        assertThat(y.get("started_at").asText()).isEqualTo("2018-10-21T22:52:00Z");
        assertThat(y.get("impact_windows")).hasSize(1);
        assertThat(y.get("impact_windows").get(0).get("label").asText()).isEqualTo("degraded");
        assertThat(lastEventOfType("milestone", "started").get("text").asText()).isEqualTo("Impact started: degraded");
        assertThat(head().getShortMessage()).isEqualTo(id + ": impact window 1 started 2018-10-21T22:52:00Z "
                + "(degraded)");
        assertThat(head().getFullMessage()).contains("Ir-Event: milestone");

        ok(ir.run("mark", "detected", "--at", "2018-10-21T22:54:00Z"));
        // Recovery: monitoring ends the window.
        ok(ir.run("status", "monitoring", "--at", "2018-10-21T23:07:00Z", "failover", "reverted"));
        y = ir.committedYaml(id);
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(y.get("impact_windows").get(0).get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");

        // It is back: investigating again opens a new window instead of pinning the old mitigation.
        ok(ir.run("status", "investigating", "--at", "2018-10-21T23:19:00Z"));
        y = ir.committedYaml(id);
        assertThat(y.get("impact_windows")).hasSize(2);
        assertThat(y.get("impact_windows").get(1).get("started_at").asText()).isEqualTo("2018-10-21T23:19:00Z");
        assertThat(y.get("impact_windows").get(1).has("mitigated_at")).isFalse();
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(lastEvent().get("window").asInt()).isEqualTo(2);
        assertThat(lastEvent().get("text").asText())
                .isEqualTo("Status monitoring -> investigating; impact window 2 started");
        ir.assertRefused(2, "ir: impact window 2 (since 2018-10-21T23:19:00Z) is still open on " + id,
                "window", "start", "--at", "2018-10-21T23:30:00Z");

        // The full outage gets its label; the lost writes their own window.
        ok(ir.run("window", "label", "full", "outage"));
        assertThat(lastEventOfType("milestone", "").get("text").asText()).isEqualTo("Impact window 2 labelled "
                + "'full outage'");
        assertThat(ir.committedYaml(id).get("impact_windows").get(1).get("label").asText()).isEqualTo("full outage");
        ok(ir.run("data-loss", "--from", "2018-10-21T22:52:00Z", "--to", "2018-10-21T22:54:00Z", "--note",
                "writes not replicated to the west coast"));
        y = ir.committedYaml(id);
        assertThat(y.get("data_loss").get("from").asText()).isEqualTo("2018-10-21T22:52:00Z");
        assertThat(y.get("data_loss").get("to").asText()).isEqualTo("2018-10-21T22:54:00Z");
        assertThat(y.get("data_loss").get("note").asText()).isEqualTo("writes not replicated to the west coast");
        JsonNode loss = null;
        for (JsonNode e : y.get("timeline")) {
            if (e.get("type").asText().equals("data-loss")) {
                loss = e;
            }
        }
        assertThat(loss).isNotNull();
        assertThat(loss.get("at").asText()).isEqualTo("2018-10-21T22:52:00Z");
        assertThat(head().getFullMessage()).contains("Ir-Event: data-loss");

        // The outage ends the next day.
        ok(ir.run("window", "end", "--at", "2018-10-22T16:24:00Z"));
        y = ir.committedYaml(id);
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-22T16:24:00Z");
        assertThat(lastEvent().get("text").asText()).isEqualTo("Impact window 2 mitigated");
        assertThat(lastEvent().get("was").asText()).isEqualTo("2018-10-21T23:07:00Z");
        ir.assertRefused(2, "ir: no impact window is open on " + id, "window", "end");

        // A correction says what it corrected; a cleared milestone keeps its old value in the event.
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:52:30Z"));
        assertThat(lastEventOfType("milestone", "started").get("text").asText())
                .isEqualTo("Impact started (corrected from 2018-10-21T22:52:00Z)");
        assertThat(ir.committedYaml(id).get("impact_windows").get(0).get("started_at").asText())
                .isEqualTo("2018-10-21T22:52:30Z");
        assertThat(ir.committedYaml(id).get("started_at").asText()).isEqualTo("2018-10-21T22:52:30Z");
        assertThat(head().getShortMessage()).isEqualTo(id + ": mark started 2018-10-21T22:52:30Z (corrected from "
                + "2018-10-21T22:52:00Z)");
        ok(ir.run("mark", "acknowledged", "--at", "2018-10-21T22:58:00Z"));
        ok(ir.run("mark", "--clear", "acknowledged"));
        y = ir.committedYaml(id);
        assertThat(y.has("acknowledged_at")).isFalse();
        JsonNode cleared = lastEvent();
        assertThat(cleared.get("type").asText()).isEqualTo("milestone");
        assertThat(cleared.get("milestone").asText()).isEqualTo("acknowledged");
        assertThat(cleared.get("was").asText()).isEqualTo("2018-10-21T22:58:00Z");
        assertThat(cleared.get("text").asText()).isEqualTo("Cleared acknowledged (was 2018-10-21T22:58:00Z)");
        assertThat(head().getShortMessage()).isEqualTo(id + ": clear acknowledged (was 2018-10-21T22:58:00Z)");

        ok(ir.run("resolve", "--at", "2018-10-22T23:03:00Z"));
        ir.assertRefused(2, "ir: " + id + " is resolved: to undo its resolution run 'ir reopen WHY'",
                "mark", "--clear", "resolved");

        // Durations use the windows: 14m30s degraded + 17h05m outage.
        JsonNode d = ok(ir.run("show", "--json")).json();
        assertThat(d.get("impact_windows")).hasSize(2);
        assertThat(d.get("data_loss").get("note").asText()).contains("west coast");
        JsonNode durations = d.get("computed").get("durations");
        assertThat(durations.get("impact_duration").get("seconds").asLong()).isEqualTo(14 * 60 + 30 + 17 * 3600 + 5 * 60);
        assertThat(durations.get("time_to_mitigate").get("seconds").asLong())
                .isEqualTo(java.time.Duration.between(java.time.Instant.parse("2018-10-21T22:52:30Z"),
                        java.time.Instant.parse("2018-10-22T16:24:00Z")).getSeconds());
        assertThat(d.get("computed").get("impact_ongoing").asBoolean()).isFalse();

        String shown = ok(ir.run("show")).out();
        assertThat(shown).contains("Impact windows").contains("degraded").contains("full outage")
                .contains("Data loss").contains("west coast");
        String list = ok(ir.run("window", "list")).out();
        assertThat(list.lines().filter(l -> l.startsWith("1 ") || l.startsWith("2 "))).hasSize(2);
        JsonNode listed = ok(ir.run("window", "list", "--json")).json();
        assertThat(listed.get("impact_windows").get(1).get("seconds").asLong()).isEqualTo(17 * 3600 + 5 * 60);
        assertThat(listed.get("data_loss").get("from").asText()).isEqualTo("2018-10-21T22:52:00Z");

        assertThat(types(y)).contains("milestone", "status", "data-loss");
        assertThat(ir.clean()).isTrue();

        // The post-mortem has a phases table and the windows and the data loss in its chart.
        String rendered = ok(ir.run("postmortem", "--stdout")).out();
        MarkdownDoc doc = MarkdownDoc.parse(rendered);
        List<List<String>> phases = doc.tableWithHeader("Phase");
        assertThat(phases).containsExactly(
                List.of("degraded", "2018-10-21 22:52", "2018-10-21 23:07", "14m"),
                List.of("full outage", "2018-10-21 23:19", "2018-10-22 16:24", "17h 05m"));
        String chart = doc.fences("mermaid").get(0).getLiteral();
        assertThat(chart).contains("degraded :crit").contains("full outage :crit").contains("Data lost :");
        assertThat(rendered).contains("**Data loss:** data written from 2018-10-21 22:52 to 2018-10-21 22:54 (UTC), "
                + "2m, was lost: writes not replicated to the west coast.");
    }

    private JsonNode lastEventOfType(String type, String milestone) {
        JsonNode found = null;
        for (JsonNode e : ir.committedYaml(id).get("timeline")) {
            if (e.get("type").asText().equals(type) && milestone.equals(e.path("milestone").asText())) {
                found = e;
            }
        }
        return found;
    }

    @Test
    void oneWindowStaysInTheMilestonesAndTheFileHasNoWindowList() {
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:52:00Z"));
        ok(ir.run("status", "monitoring", "--at", "2018-10-21T23:07:00Z"));
        JsonNode y = ir.committedYaml(id);
        assertThat(y.has("impact_windows")).isFalse();
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        String list = ok(ir.run("window", "list")).out();
        assertThat(list).contains("2018-10-21 22:52").contains("2018-10-21 23:07");
    }

    @Test
    void markingAStartAfterTheMitigationPointsAtANewWindow() {
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:52:00Z"));
        ok(ir.run("mark", "mitigated", "--at", "2018-10-21T23:07:00Z"));
        ir.assertRefused(2, "ir: started at 2018-10-21T23:19:00Z would be after mitigated (2018-10-21T23:07:00Z): "
                + "if the impact came back, open a new impact window with 'ir window start --at "
                + "2018-10-21T23:19:00Z'", "mark", "started", "--at", "2018-10-21T23:19:00Z");
        ok(ir.run("window", "start", "--at", "2018-10-21T23:19:00Z", "--label", "outage"));
        JsonNode y = ir.committedYaml(id);
        assertThat(y.get("impact_windows")).hasSize(2);
        assertThat(y.get("impact_windows").get(0).get("started_at").asText()).isEqualTo("2018-10-21T22:52:00Z");
        assertThat(y.get("impact_windows").get(0).has("label")).isFalse();
        assertThat(lastEvent().get("text").asText()).isEqualTo("Impact window 2 started: outage");
        ir.assertRefused(2, "ir: started at 2018-10-21T23:10:00Z would be after impact window 1 ended",
                "mark", "started", "--at", "2018-10-21T23:10:00Z");
        ir.assertRefused(2, "ir: started is the start of the first of 2 impact windows", "mark", "--clear",
                "started");
        // Marking mitigated ends the open (last) window.
        ok(ir.run("mark", "mitigated", "--at", "2018-10-21T23:40:00Z"));
        y = ir.committedYaml(id);
        assertThat(y.get("impact_windows").get(1).get("mitigated_at").asText()).isEqualTo("2018-10-21T23:40:00Z");
        assertThat(lastEvent().get("window").asInt()).isEqualTo(2);
        assertThat(lastEvent().get("was").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(lastEvent().get("text").asText()).isEqualTo("Impact window 2 mitigated");
        ok(ir.run("mark", "mitigated", "--at", "2018-10-21T23:45:00Z"));
        assertThat(lastEvent().get("text").asText()).isEqualTo("Mitigated (corrected from 2018-10-21T23:40:00Z)");
        assertThat(ir.committedYaml(id).get("impact_windows").get(1).get("mitigated_at").asText())
                .isEqualTo("2018-10-21T23:45:00Z");
        ir.assertRefused(2, "ir: mitigated at 2018-10-21T23:10:00Z would be before impact window 2 started",
                "mark", "mitigated", "--at", "2018-10-21T23:10:00Z");
    }

    @Test
    void refusalsChangeNothing() {
        ir.assertRefused(2, "ir: detected is not set on " + id + ": nothing to clear", "mark", "--clear", "detected");
        ir.assertRefused(2, "ir: --at does not go with --clear", "mark", "--clear", "detected", "--at", "23:00");
        ir.assertRefused(2, "ir: mitigated at 2018-10-21T22:50:00Z would be before " + id + " was declared",
                "window", "end", "--at", "2018-10-21T22:50:00Z");
        ir.assertRefused(2, "ir: --to 2018-10-21T22:50:00Z is before --from 2018-10-21T22:52:00Z", "data-loss",
                "--from", "2018-10-21T22:52:00Z", "--to", "2018-10-21T22:50:00Z");
        ir.assertRefused(2, "ir: say when the lost data begins", "data-loss", "--to", "2018-10-21T22:50:00Z");
        ir.assertRefused(2, "ir: " + id + " has no data-loss window: nothing to clear", "data-loss", "--clear");
        ir.assertRefused(2, "ir: " + id + " has no impact window yet", "window", "label", "outage");
        Result none = ok(ir.run("window", "list"));
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).startsWith(id + " has no impact window recorded yet");
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:52:00Z"));
        ir.assertRefused(2, "ir: impact window 1 is already unlabelled", "window", "label", "--window", "1");
        ir.assertRefused(2, "ir: " + id + " has 1 impact window: give a number from 1 to 1", "window", "label",
                "--window", "2", "outage");
    }

    @Test
    void withoutAStartOfImpactNothingEndsBeforeTheDeclaration() {
        ir.assertRefused(2, "ir: mitigated at 2018-10-21T22:50:00Z would be before " + id + " was declared "
                + "(2018-10-21T22:54:00Z) with no start of impact marked: mark when the impact began first with "
                + "'ir mark started --at TIME'", "mark", "mitigated", "--at", "2018-10-21T22:50:00Z");
        // Detection may come before the declaration (an alert fired first).
        ok(ir.run("mark", "detected", "--at", "2018-10-21T22:51:00Z"));
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:45:00Z"));
        ok(ir.run("mark", "mitigated", "--at", "2018-10-21T22:53:00Z"));
        // Clearing the start would leave a mitigation before the declaration: refused.
        ir.assertRefused(2, "ir: mitigated at 2018-10-21T22:53:00Z would be before " + id + " was declared",
                "mark", "--clear", "started");
        ok(ir.run("mark", "--clear", "detected"));
    }

    @Test
    void aDataLossCorrectionAndClearingKeepTheOldWindowInTheEvents() {
        ok(ir.run("data-loss", "--from", "2018-10-21T22:52:00Z"));
        assertThat(ir.committedYaml(id).get("data_loss").has("to")).isFalse();
        ok(ir.run("data-loss", "--from", "2018-10-21T22:52:00Z", "--to", "2018-10-21T22:54:00Z"));
        JsonNode corrected = null;
        for (JsonNode e : ir.committedYaml(id).get("timeline")) {
            if (e.get("type").asText().equals("data-loss") && e.has("was")) {
                corrected = e;
            }
        }
        assertThat(corrected.get("was").asText()).isEqualTo("2018-10-21T22:52:00Z..unknown");
        assertThat(corrected.get("text").asText()).isEqualTo("Data lost between 2018-10-21T22:52:00Z and "
                + "2018-10-21T22:54:00Z (corrected from 2018-10-21T22:52:00Z..unknown)");
        ok(ir.run("data-loss", "--clear"));
        JsonNode y = ir.committedYaml(id);
        assertThat(y.has("data_loss")).isFalse();
        assertThat(lastEvent().get("was").asText()).isEqualTo("2018-10-21T22:52:00Z..2018-10-21T22:54:00Z");
        assertThat(head().getShortMessage()).isEqualTo(id + ": clear data loss (was "
                + "2018-10-21T22:52:00Z..2018-10-21T22:54:00Z)");
    }

    @Test
    void reopeningOpensANewWindow() {
        ok(ir.run("mark", "started", "--at", "2018-10-21T22:52:00Z"));
        ok(ir.run("resolve", "--at", "2018-10-21T23:07:00Z"));
        ok(ir.run("reopen", "--at", "2018-10-21T23:30:00Z", "it", "is", "back"));
        JsonNode y = ir.committedYaml(id);
        assertThat(y.get("impact_windows")).hasSize(2);
        assertThat(y.get("mitigated_at").asText()).isEqualTo("2018-10-21T23:07:00Z");
        assertThat(ok(ir.run("show", "--json")).json().get("computed").get("impact_ongoing").asBoolean()).isTrue();
    }

    @Test
    void editRefusesOverlappingWindowsAndWindowsOutOfStepWithTheMilestones() throws Exception {
        ok(ir.run("window", "start", "--at", "2018-10-21T22:52:00Z", "--label", "degraded"));
        ok(ir.run("window", "end", "--at", "2018-10-21T23:07:00Z"));
        ok(ir.run("window", "start", "--at", "2018-10-21T23:19:00Z", "--label", "outage"));
        ir.env("EDITOR", editor("overlap", "sed -i 's/started_at: \"\\{0,1\\}2018-10-21T23:19:00Z\"\\{0,1\\}/"
                + "started_at: 2018-10-21T23:00:00Z/' \"$1\""));
        ir.assertRefused(2, "ir: invalid: impact window 2 starts (2018-10-21T23:00:00Z) before window 1 ended "
                + "(2018-10-21T23:07:00Z)", "edit");
        ir.env("EDITOR", editor("start", "sed -i 's/^started_at: .*/started_at: 2018-10-21T22:40:00Z/' \"$1\""));
        ir.assertRefused(2, "ir: invalid: started_at (2018-10-21T22:40:00Z) must be the start of the first impact window",
                "edit");
    }

    private String editor(String name, String script) throws Exception {
        Path f = dir.resolve("..").resolve(dir.getFileName() + "-" + name + ".sh").normalize();
        Files.writeString(f, "#!/bin/sh\n" + script + "\n");
        return "sh " + f;
    }

    @Test
    void statsCountTheWindowsAsTheImpact() {
        ok(ir.run("window", "start", "--at", "2018-10-21T22:52:00Z", "--label", "degraded"));
        ok(ir.run("window", "end", "--at", "2018-10-21T23:07:00Z"));
        ok(ir.run("window", "start", "--at", "2018-10-21T23:19:00Z"));
        ok(ir.run("resolve", "--at", "2018-10-21T23:49:00Z"));
        JsonNode all = null;
        for (JsonNode row : ok(ir.run("stats", "--json")).json()) {
            if (row.get("severity").asText().equals("all")) {
                all = row;
            }
        }
        assertThat(all).isNotNull();
        assertThat(all.get("mean_impact").get("seconds").asLong()).isEqualTo(45 * 60);
        assertThat(all.get("mttm").get("seconds").asLong()).isEqualTo(57 * 60);
    }
}
