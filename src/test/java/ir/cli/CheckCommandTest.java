package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir check} rule by rule, with a pinned clock. */
class CheckCommandTest {
    @TempDir
    Path tmp;
    IrTester ir;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-27T10:00:00Z"); // a Friday
    }

    /** The findings as rule:subject, without checklist steps (the default ir.yaml's; ChecklistTest covers them). */
    private List<String> rules(IrTester.Result r) {
        List<String> out = new ArrayList<>();
        r.json().get("findings").forEach(f -> {
            if (!"checklist".equals(f.get("rule").asText())) {
                out.add(f.get("rule").asText() + (f.get("subject").isNull() ? "" : ":" + f.get("subject").asText()));
            }
        });
        return out;
    }

    private IrTester.Result check(String... args) {
        String[] a = new String[args.length + 2];
        a[0] = "check";
        System.arraycopy(args, 0, a, 1, args.length);
        a[a.length - 1] = "--json";
        return ir.run(a);
    }

    @Test
    void aMinorIncidentWithRecentEntriesHasNothingDueAndExitsZero() {
        ir.open("Slow dashboard", "--severity", "SEV-4");
        ir.advance(Duration.ofHours(1));
        var r = ir.run("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Nothing is due (1 incident checked)");
        var j = check();
        assertThat(j.exit()).isZero();
        assertThat(j.json().get("due").asBoolean()).isFalse();
        assertThat(j.json().get("findings")).isEmpty();
    }

    @Test
    void majorIncidentWithoutCommanderIsDueAfterFiveMinutes() {
        String id = ir.open("Checkout down", "--severity", "SEV-2");
        ir.advance(Duration.ofMinutes(4));
        assertThat(rules(check())).doesNotContain("commander");
        ir.advance(Duration.ofMinutes(1));
        var r = check();
        assertThat(r.exit()).isEqualTo(1);
        JsonNode f = r.json().get("findings").get(0);
        assertThat(f.get("rule").asText()).isEqualTo("commander");
        assertThat(f.get("incident").asText()).isEqualTo(id);
        assertThat(f.get("due_since").asText()).isEqualTo("2026-11-27T10:05:00Z");
        assertThat(f.get("drill").asBoolean()).isFalse();
        ir.run("role", "commander", IrTester.ALICE);
        assertThat(rules(check())).doesNotContain("commander");
    }

    @Test
    void firstPublicUpdateIsDueFiveMinutesAfterDeclarationThenEveryTwentyMinutes() {
        ir.open("Checkout down", "--severity", "SEV-2", "--commander", IrTester.ALICE);
        ir.advance(Duration.ofMinutes(4));
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofMinutes(2));
        var r = ir.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("update  first public update overdue by 1m: ir update --audience public");
        ir.run("update", "--audience", "public");
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofMinutes(19));
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofMinutes(1));
        var due = check();
        assertThat(rules(due)).containsExactly("update:public");
        assertThat(due.json().get("findings").get(0).get("due_since").asText()).isEqualTo("2026-11-27T10:26:00Z");
    }

    @Test
    void nextUpdateAtOverridesTheCadence() {
        ir.open("Checkout down", "--severity", "SEV-2", "--commander", IrTester.ALICE);
        ir.advance(Duration.ofMinutes(1));
        ir.run("update", "--audience", "public", "--next", "45m");
        ir.advance(Duration.ofMinutes(30));
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofMinutes(15));
        assertThat(rules(check())).containsExactly("update:public");
        // A promise also holds an audience with no cadence of its own to it.
        ir.run("update", "--audience", "public", "--next", "2h");
        ir.run("update", "--next", "10m");
        ir.advance(Duration.ofMinutes(10));
        assertThat(rules(check())).containsExactly("update:internal");
    }

    @Test
    void executivesHearEveryThirtyMinutesOnSev1Only() {
        ir.open("Everything down", "--severity", "SEV-1", "--commander", IrTester.ALICE);
        ir.run("update", "--audience", "public", "--next", "3h");
        ir.advance(Duration.ofMinutes(30));
        assertThat(rules(check())).containsExactly("update:exec");
        ir.run("update", "--audience", "exec");
        assertThat(rules(check())).isEmpty();
        ir.run("severity", "SEV-2");
        ir.advance(Duration.ofMinutes(40));
        assertThat(rules(check())).isEmpty();
    }

    @Test
    void cadenceIsConfigurableInIrYaml() throws Exception {
        Files.writeString(tmp.resolve("ir.yaml"), Files.readString(tmp.resolve("ir.yaml"))
                + "cadence:\n  public: off\n  internal: {first: 10m, every: 15m}\n");
        ir.open("Checkout down", "--severity", "SEV-2", "--commander", IrTester.ALICE);
        ir.advance(Duration.ofMinutes(9));
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofMinutes(1));
        assertThat(rules(check())).containsExactly("update:internal");
    }

    @Test
    void aBadCadenceIsRefusedByLine() throws Exception {
        Files.writeString(tmp.resolve("ir.yaml"), Files.readString(tmp.resolve("ir.yaml"))
                + "cadence:\n  public: {every: soon}\n");
        var r = ir.run("check", "--all");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: ir.yaml: 'cadence.public.every' at line").contains("not a duration");
    }

    @Test
    void postmortemIsDueThreeDaysAfterASev1AndFiveBusinessDaysAfterASev2() {
        String sev1 = ir.open("Everything down", "--severity", "SEV-1", "--commander", IrTester.ALICE);
        ir.run("resolve", "fixed");
        String sev2 = ir.open("Checkout down", "--severity", "SEV-2", "--commander", IrTester.ALICE);
        ir.run("resolve", "fixed");
        ir.advance(Duration.ofDays(3).minusMinutes(1));
        assertThat(rules(check("--all"))).isEmpty();
        ir.advance(Duration.ofMinutes(1));
        var r = check("--all");
        assertThat(rules(r)).containsExactly("postmortem");
        assertThat(r.json().get("findings").get(0).get("incident").asText()).isEqualTo(sev1);
        // Friday + 5 business days = the next Friday, not Wednesday.
        ir.at("2026-12-04T09:59:00Z");
        assertThat(rules(check("-i", sev2))).isEmpty();
        ir.at("2026-12-04T10:00:00Z");
        assertThat(rules(check("-i", sev2))).containsExactly("postmortem");
        ir.run("postmortem", "-i", sev2);
        assertThat(rules(check("-i", sev2))).as("written but not reviewed").containsExactly("postmortem");
        assertThat(ir.run("postmortem", "-i", sev2, "--status", "reviewed").exit()).isZero();
        assertThat(rules(check("-i", sev2))).isEmpty();
    }

    @Test
    void overdueActionItemsAreDueUntilDone() {
        String id = ir.open("Slow dashboard", "--severity", "SEV-4");
        ir.run("action", "add", "add an index", "--due", "2026-11-30", "--owner", "Bob");
        ir.run("resolve");
        ir.at("2026-11-30T23:00:00Z");
        assertThat(rules(check("--all"))).isEmpty();
        ir.at("2026-12-01T00:00:00Z");
        var r = check("--all");
        assertThat(rules(r)).hasSize(1).allMatch(s -> s.startsWith("action:"));
        assertThat(r.json().get("findings").get(0).get("due_since").asText()).isEqualTo("2026-12-01T00:00:00Z");
        String item = ir.yaml(id).get("actions").get(0).get("id").asText();
        ir.run("action", "done", item);
        assertThat(rules(check("--all"))).isEmpty();
    }

    @Test
    void anOpenIncidentSilentForTwelveHoursIsDue() {
        ir.open("Slow dashboard", "--severity", "SEV-4");
        ir.advance(Duration.ofHours(6));
        ir.run("log", "still slow");
        ir.advance(Duration.ofHours(12).minusSeconds(1));
        assertThat(rules(check())).isEmpty();
        ir.advance(Duration.ofSeconds(1));
        var r = ir.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("silent  no entry for 12h 00m while open");
    }

    @Test
    void drillsAreCheckedAndSayDrill() {
        String id = ir.open("Practice outage", "--severity", "SEV-1", "--drill");
        ir.advance(Duration.ofMinutes(10));
        var r = ir.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(id + "  DRILL commander  ");
        assertThat(check().json().get("findings").get(0).get("drill").asBoolean()).isTrue();
        var all = ir.run("check", "--all");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.err()).contains("0 incidents checked");
        var withDrills = ir.run("check", "--all", "--drills");
        assertThat(withDrills.exit()).isEqualTo(1);
        assertThat(withDrills.out()).contains(id + "  DRILL commander  ");
    }

    @Test
    void allChecksEveryOpenIncidentAndJsonHasAStableShape() {
        ir.open("One", "--severity", "SEV-2");
        ir.open("Two", "--severity", "SEV-2");
        ir.advance(Duration.ofMinutes(10));
        var r = check("--all");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode doc = r.json();
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("version", "checked_at", "incidents_checked", "due", "findings");
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        assertThat(doc.get("checked_at").asText()).isEqualTo("2026-11-27T10:10:00Z");
        assertThat(doc.get("incidents_checked").asInt()).isEqualTo(2);
        List<String> fkeys = new ArrayList<>();
        doc.get("findings").get(0).fieldNames().forEachRemaining(fkeys::add);
        assertThat(fkeys).containsExactly("rule", "incident", "drill", "subject", "due_since", "message");
        assertThat(rules(r)).containsExactly("commander", "update:public", "commander", "update:public");
        ir.assertRefused(2, "ir: give -i ID or --all, not both", "check", "--all", "-i", "One");
    }
}
