package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenCommandTest {
    @TempDir
    Path tmp;
    IrTester ir;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:01:00Z");
    }

    @Test
    void openPrintsIdWritesFileAndMakesOneCommitByTheResponder() {
        int before = ir.commits().size();
        var r = ir.run("open", "Checkout", "latency", "spike", "--severity", "SEV-2");

        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.out().strip();
        assertThat(id).isEqualTo("2026-11-28-checkout-latency-spike");
        JsonNode doc = ir.yaml(id);
        assertThat(doc.get("schema").asInt()).isEqualTo(1);
        assertThat(doc.get("id").asText()).isEqualTo(id);
        assertThat(doc.get("title").asText()).isEqualTo("Checkout latency spike");
        assertThat(doc.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(doc.get("status").asText()).isEqualTo("investigating");
        assertThat(doc.get("drill").asBoolean()).isFalse();
        assertThat(doc.get("opened_at").asText()).isEqualTo("2026-11-28T15:01:00Z");
        assertThat(doc.get("timeline")).hasSize(1);
        JsonNode declared = doc.get("timeline").get(0);
        assertThat(declared.get("type").asText()).isEqualTo("declared");
        assertThat(declared.get("author").asText()).isEqualTo(IrTester.ALICE);
        assertThat(declared.get("id").asText()).matches("[a-z2-7]{14}");

        List<RevCommit> commits = ir.commits();
        assertThat(commits).hasSize(before + 1);
        RevCommit c = commits.get(0);
        assertThat(c.getAuthorIdent().getName()).isEqualTo("Alice Responder");
        assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("alice@example.com");
        assertThat(c.getCommitterIdent().getEmailAddress()).isEqualTo("alice@example.com");
        assertThat(c.getAuthorIdent().getWhenAsInstant()).isEqualTo(ir.now());
        assertThat(c.getShortMessage()).isEqualTo(id + ": declare SEV-2 \"Checkout latency spike\"");
        assertThat(c.getFullMessage()).contains("\n\nIncident: " + id + "\nIr-Event: declared\n");
        assertThat(ir.changedPaths(c)).containsExactly("incidents/" + id + ".yaml");
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void keysAreWrittenInTheDocumentedOrder() {
        String id = ir.open("Payments down", "--severity", "SEV-1", "--commander", "Bob <bob@example.com>",
                "--summary", "Card payments fail", "--tag", "payments", "--tag", "eu");
        List<String> keys = new ArrayList<>();
        ir.yaml(id).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("schema", "id", "title", "severity", "status", "drill", "opened_at", "roles",
                "summary", "tags", "checklist", "timeline");
        assertThat(ir.yaml(id).get("roles").get("commander").asText()).isEqualTo("Bob <bob@example.com>");
        assertThat(ir.yaml(id).get("tags")).extracting(JsonNode::asText).containsExactly("payments", "eu");
    }

    @Test
    void commanderMeIsTheResponder() {
        String id = ir.open("Payments down", "--commander", "me");
        assertThat(ir.yaml(id).get("roles").get("commander").asText()).isEqualTo(IrTester.ALICE);
    }

    @Test
    void defaultSeverityComesFromIrYaml() {
        String id = ir.open("Something odd");
        assertThat(ir.yaml(id).get("severity").asText()).isEqualTo("SEV-3");
    }

    @Test
    void severityShorthandAndCaseAreAccepted() {
        assertThat(ir.yaml(ir.open("A", "-s", "1")).get("severity").asText()).isEqualTo("SEV-1");
        assertThat(ir.yaml(ir.open("B", "--severity", "sev-4")).get("severity").asText()).isEqualTo("SEV-4");
    }

    @Test
    void clashingTitlesGetNumberedIds() {
        assertThat(ir.open("DB down")).isEqualTo("2026-11-28-db-down");
        assertThat(ir.open("DB down")).isEqualTo("2026-11-28-db-down-2");
        assertThat(ir.open("DB  down!")).isEqualTo("2026-11-28-db-down-3");
    }

    @Test
    void longAndAccentedTitlesMakeShortAsciiSlugs() {
        String id = ir.open("Café façade rendering is broken for every customer in the whole of Europe today");
        assertThat(id).startsWith("2026-11-28-cafe-facade-rendering");
        assertThat(id.substring("2026-11-28-".length()).length()).isLessThanOrEqualTo(40);
        assertThat(id).doesNotEndWith("-");
    }

    @Test
    void openBecomesTheCurrentIncident() {
        ir.open("First");
        String second = ir.open("Second");
        var r = ir.run("use");
        assertThat(r.out().strip()).isEqualTo(second);
    }

    @Test
    void atBackdatesTheDeclarationAndTheIdDate() {
        String id = ir.open("Overnight outage", "--at", "2026-11-27T23:50:00Z");
        assertThat(id).isEqualTo("2026-11-27-overnight-outage");
        assertThat(ir.yaml(id).get("opened_at").asText()).isEqualTo("2026-11-27T23:50:00Z");
        assertThat(ir.commits().get(0).getAuthorIdent().getWhenAsInstant()).isEqualTo(ir.now());
    }

    @Test
    void drillIsMarked() {
        String id = ir.open("Failover drill", "--drill");
        assertThat(ir.yaml(id).get("drill").asBoolean()).isTrue();
    }

    @Test
    void explicitIdIsUsed() {
        assertThat(ir.open("Anything", "--id", "2015-10-21-shakespeare")).isEqualTo("2015-10-21-shakespeare");
        assertThat(Files.exists(ir.incidentFile("2015-10-21-shakespeare"))).isTrue();
    }

    @Test
    void jsonPrintsTheDocument() {
        var r = ir.run("open", "Json please", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("id").asText()).isEqualTo("2026-11-28-json-please");
        assertThat(r.json().get("timeline")).hasSize(1);
    }

    @Test
    void refusesUnknownSeverityListingTheValidOnesAndChangesNothing() {
        ir.assertRefused(2, "ir: unknown severity 'SEV-9': use one of SEV-1, SEV-2, SEV-3, SEV-4, SEV-5",
                "open", "X", "--severity", "SEV-9");
    }

    @Test
    void refusesEmptyTitle() {
        ir.assertRefused(2, "ir: the title is empty", "open", "  ");
    }

    @Test
    void refusesMissingTitleWithUsageError() {
        var r = ir.run("open");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: missing the title");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void refusesIdThatCouldEscapeTheWorkspace() {
        ir.assertRefused(2, "ir: invalid incident ID '../x'", "open", "X", "--id", "../x");
        ir.assertRefused(2, "ir: invalid incident ID 'a/b'", "open", "X", "--id", "a/b");
        ir.assertRefused(2, "ir: invalid incident ID 'UPPER'", "open", "X", "--id", "UPPER");
    }

    @Test
    void refusesExistingExplicitId() {
        ir.open("One", "--id", "dup-id");
        ir.assertRefused(2, "ir: incident dup-id already exists", "open", "Two", "--id", "dup-id");
    }

    @Test
    void refusesBadAndFutureTimes() {
        ir.assertRefused(2, "ir: invalid time for --at 'yesterday-ish'", "open", "X", "--at", "yesterday-ish");
        ir.assertRefused(2, "ir: --at '2026-11-28T18:00:00Z' is "
                + "in the future", "open", "X", "--at", "2026-11-28T18:00:00Z");
    }

    @Test
    void dashReadsTheTitleFromStandardInputAndTheLinesAfterItAsTheSummary() {
        var r = ir.runWithInput("\n  Checkout latency spike  \nAlert body: p99 over 2 s\nsince 14:55\n", "open", "-",
                "--severity", "SEV-2");

        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.out().strip();
        assertThat(id).isEqualTo("2026-11-28-checkout-latency-spike");
        JsonNode doc = ir.committedYaml(id);
        assertThat(doc.get("title").asText()).isEqualTo("Checkout latency spike");
        assertThat(doc.get("summary").asText()).isEqualTo("Alert body: p99 over 2 s\nsince 14:55");
        assertThat(doc.get("severity").asText()).isEqualTo("SEV-2");
    }

    @Test
    void dashWithOneLineGivesOnlyTheTitleAndKeepsSummaryOption() {
        String id = ir.runWithInput("Payments down\n", "open", "-", "--summary", "Cards fail").out().strip();
        assertThat(ir.yaml(id).get("title").asText()).isEqualTo("Payments down");
        assertThat(ir.yaml(id).get("summary").asText()).isEqualTo("Cards fail");
    }

    @Test
    void dashRefusesEmptyInputAndTwoSummaries() {
        ir.assertRefusedWithInput("", 2, "ir: 'ir open -' read no title from standard input", "open", "-");
        ir.assertRefusedWithInput(" \n\n", 2, "ir: 'ir open -' read no title from standard input", "open", "-");
        ir.assertRefusedWithInput("Title\nbody\n", 2, "ir: standard input has lines after the title", "open", "-",
                "--summary", "other");
    }

    @Test
    void dashAtATerminalIsRefusedWithoutWaitingForInput() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        ir.env.Env env = new ir.env.Env(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                new java.io.ByteArrayInputStream("Typed title\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                ir.clock(), tmp, java.util.Map.of("IR_AUTHOR", IrTester.ALICE), true);
        int before = ir.commits().size();

        int code = Cli.run(env, "open", "-");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("ir: 'ir open -' reads the title from standard input, which is a "
                + "terminal here");
        assertThat(ir.commits()).hasSize(before);
    }
}
