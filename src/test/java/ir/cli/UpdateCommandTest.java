package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import ir.render.BuiltinTemplates;

import static org.assertj.core.api.Assertions.assertThat;

class UpdateCommandTest {
    @TempDir
    Path tmp;
    IrTester ir;
    String id;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:00:00Z");
        id = ir.open("Checkout errors", "--severity", "SEV-1", "--commander", IrTester.ALICE);
        ir.advance(Duration.ofMinutes(3));
    }

    private IrTester.Result ok(IrTester.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private JsonNode lastEvent() {
        JsonNode tl = ir.committedYaml(id).get("timeline");
        return tl.get(tl.size() - 1);
    }

    @Test
    void internalUpdateRendersConditionsActionsNeedsAndRecordsOneCommit() {
        ok(ir.run("set", "impact", "5% of checkouts fail in EU"));
        ok(ir.run("log", "--type", "action", "rolling back release 412"));
        int before = ir.commits().size();
        var r = ok(ir.run("update", "error rate flat since 15:02", "--needs", "a DBA on the bridge"));
        assertThat(r.out()).contains("**[SEV-1] Checkout errors**: internal update")
                .contains("error rate flat since 15:02")
                .contains("**Conditions:** 5% of checkouts fail in EU")
                .contains("**Actions:** rolling back release 412")
                .contains("**Needs:** a DBA on the bridge")
                .doesNotContain("Next update");
        assertThat(ir.commits()).hasSize(before + 1);
        RevCommit c = ir.commits().get(0);
        assertThat(c.getShortMessage()).isEqualTo(id + ": update internal: error rate flat since 15:02");
        assertThat(c.getFullMessage()).endsWith("Incident: " + id + "\nIr-Event: update\n");
        assertThat(ir.changedPaths(c)).containsExactly("incidents/" + id + ".yaml");
        JsonNode e = lastEvent();
        assertThat(e.get("type").asText()).isEqualTo("update");
        assertThat(e.get("audience").asText()).isEqualTo("internal");
        assertThat(e.has("next_update_at")).isFalse();
        assertThat(e.has("kind")).isFalse();
        assertThat(e.get("text").asText()).isEqualTo(r.out().strip());
        assertThat(e.get("at").asText()).isEqualTo("2026-11-28T15:03:00Z");
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void withoutATerminalMissingPartsAreLeftOut() {
        var r = ok(ir.run("update"));
        assertThat(r.out()).contains("internal update").doesNotContain("**Needs:**").doesNotContain("**Actions:**")
                .doesNotContain("**Conditions:**");
    }

    @Test
    void execUpdateHasStatusOverviewNextStepsAndTheNextUpdateTime() {
        var r = ok(ir.run("update", "--audience", "exec", "Checkout failing for EU customers.", "--next-steps",
                "finish the rollback", "--next", "30m"));
        assertThat(r.out()).contains("executive update")
                .contains("**Current status:** investigating, SEV-1")
                .contains("**Overview:** Checkout failing for EU customers.")
                .contains("**Next steps:** finish the rollback")
                .contains("Next update by 15:33 UTC.");
        JsonNode e = lastEvent();
        assertThat(e.get("audience").asText()).isEqualTo("exec");
        assertThat(e.get("next_update_at").asText()).isEqualTo("2026-11-28T15:33:00Z");
    }

    @Test
    void publicMessagesFollowTheIncidentsStateAndNeverEstimateResolution() {
        var initial = ok(ir.run("update", "--audience", "public", "Some customers cannot complete checkout."));
        assertThat(initial.out()).startsWith("**Investigating**: We are investigating some customers cannot complete "
                + "checkout. We will post an update by 15:23 UTC.");
        assertThat(lastEvent().get("kind").asText()).isEqualTo("initial");

        ir.advance(Duration.ofMinutes(10));
        ok(ir.run("status", "identified"));
        var scoping = ok(ir.run("update", "--audience", "public", "Checkout failures. A fix is being deployed."));
        assertThat(scoping.out()).startsWith("**Identified**: We have identified the cause of checkout failures and "
                + "are working on a fix. A fix is being deployed. We will post an update by");
        assertThat(lastEvent().get("kind").asText()).isEqualTo("scoping");

        ir.advance(Duration.ofMinutes(10));
        var update = ok(ir.run("update", "--audience", "public"));
        assertThat(update.out()).startsWith("**Update**: We are continuing to work on an issue affecting Checkout "
                + "errors.");
        assertThat(lastEvent().get("kind").asText()).isEqualTo("update");

        ir.advance(Duration.ofMinutes(10));
        ok(ir.run("resolve", "rolled back"));
        var resolution = ok(ir.run("update", "--audience", "public", "Checkout failures"));
        assertThat(resolution.out()).startsWith("**Resolved**: The problem with checkout failures has been resolved")
                .doesNotContain("We will post an update");
        assertThat(lastEvent().get("kind").asText()).isEqualTo("resolution");
        for (var r : new IrTester.Result[]{initial, scoping, update, resolution}) {
            assertThat(r.out().toLowerCase()).doesNotContain("expect").doesNotContain("estimate")
                    .doesNotContain("resolved by").doesNotContain("fixed by");
        }
    }

    @Test
    void dryRunPrintsAndWritesNothing() {
        var before = ir.snapshot();
        int commits = ir.commits().size();
        var r = ok(ir.run("update", "--audience", "public", "--dry-run", "--json"));
        JsonNode doc = r.json();
        assertThat(doc.get("recorded").asBoolean()).isFalse();
        assertThat(doc.get("audience").asText()).isEqualTo("public");
        assertThat(doc.get("kind").asText()).isEqualTo("initial");
        assertThat(doc.get("text").asText()).startsWith("**Investigating**");
        assertThat(ir.snapshot()).isEqualTo(before);
        assertThat(ir.commits()).hasSize(commits);
    }

    @Test
    void optionsOfAnotherAudienceAndBadTimesAreRefused() {
        ir.assertRefused(2, "ir: --needs is part of the internal update, not the public one", "update",
                "--audience", "public", "--needs", "x");
        ir.assertRefused(2, "ir: unknown audience 'board'", "update", "--audience", "board");
        ir.assertRefused(2, "ir: --next 'soon' is neither a duration", "update", "--next", "soon");
    }

    @Test
    void theWorkspaceTemplateIsUsedAndInitShipsIdenticalCopies() throws Exception {
        for (String a : new String[]{"internal", "exec", "public"}) {
            String name = "update-" + a + ".md.mustache";
            assertThat(ir.read("templates/" + name)).isEqualTo(new String(
                    BuiltinTemplates.read("update-" + a), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Files.readString(Path.of("templates", name))).as("the project's own templates/" + name)
                    .isEqualTo(ir.read("templates/" + name));
        }
        Files.writeString(tmp.resolve("templates/update-exec.md.mustache"), "EXEC {{severity}} {{next_steps}}\n");
        var r = ok(ir.run("update", "-a", "exec", "--next-steps", "wait", "--dry-run"));
        assertThat(r.out().strip()).isEqualTo("EXEC SEV-1 wait");
    }
}
