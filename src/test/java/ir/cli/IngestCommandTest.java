package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.IrTester;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {
    @TempDir
    Path dir;
    @TempDir
    Path payloads;

    static String resource(String name) {
        try (InputStream in = IngestCommandTest.class.getResourceAsStream("/alerts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private IrTester workspace() {
        return IrTester.workspace(dir).at("2025-05-01T11:53:00Z");
    }

    private Path payload(String name) {
        Path p = payloads.resolve(name);
        try {
            Files.writeString(p, resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String onlyIncident(IrTester t) {
        try (var s = Files.list(t.dir().resolve("incidents"))) {
            List<String> ids = new ArrayList<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml")).map(n -> n.substring(0, n.length() - 5)).toList());
            assertThat(ids).hasSize(1);
            return ids.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> alertEvents(JsonNode incident) {
        List<JsonNode> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> {
            if (e.path("type").asText().equals("alert")) {
                out.add(e);
            }
        });
        return out;
    }

    @Test
    void anAlertmanagerNotificationOpensAnIncidentWithTheRightTimesAndAttribution() {
        IrTester t = workspace();
        int before = t.commits().size();
        var r = t.run("ingest", payload("alertmanager-firing.json").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = onlyIncident(t);
        assertThat(id).startsWith("2025-05-01-5xx-ratio-5-on-checkout-").matches(".*-[0-9a-f]{7}");
        assertThat(r.out().strip()).isEqualTo("opened " + id + " (SEV-3, 1 firing)");
        JsonNode y = t.committedYaml(id);
        assertThat(y.path("title").asText()).isEqualTo("5xx ratio > 5% on checkout");
        assertThat(y.path("severity").asText()).isEqualTo("SEV-3");
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("alert_groups").get(0).path("source").asText()).isEqualTo("alertmanager");
        assertThat(y.path("alert_groups").get(0).path("key").asText())
                .isEqualTo("{}:{alertname=\"HighErrorRate\",service=\"checkout\"}");
        assertThat(y.path("links").get(0).asText()).isEqualTo("https://runbooks/checkout");
        List<JsonNode> alerts = alertEvents(y);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("fingerprint").asText()).isEqualTo("c6eadffa33fcdf37");
        assertThat(alerts.get(0).path("state").asText()).isEqualTo("firing");
        assertThat(alerts.get(0).path("at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(alerts.get(0).path("author").asText()).isEqualTo("ir intake <intake@localhost>");
        assertThat(alerts.get(0).path("text").asText())
                .isEqualTo("Firing: HighErrorRate (web-1): 5xx ratio > 5% on checkout");
        List<RevCommit> commits = t.commits();
        assertThat(commits).hasSize(before + 1);
        RevCommit c = commits.get(0);
        assertThat(c.getAuthorIdent().getName()).isEqualTo("ir intake");
        assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("intake@localhost");
        assertThat(c.getFullMessage()).startsWith(id + ": 1 alert (opened SEV-3, 1 firing)\n\n")
                .contains("Incident: " + id).contains("Ir-Event: alert");
        assertThat(t.clean()).isTrue();
    }

    @Test
    void theSamePayloadAgainChangesNothing() {
        IrTester t = workspace();
        Path p = payload("alertmanager-firing.json");
        t.run("ingest", p.toString());
        String id = onlyIncident(t);
        int commits = t.commits().size();
        String bytes = t.read("incidents/" + id + ".yaml");
        var r = t.advance(java.time.Duration.ofMinutes(1)).run("ingest", p.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("nothing new for " + id);
        assertThat(t.commits()).hasSize(commits);
        assertThat(t.read("incidents/" + id + ".yaml")).isEqualTo(bytes);
    }

    @Test
    void aNewFingerprintAddsAnAlertEventAndAResolutionIsRecorded() {
        IrTester t = workspace();
        t.run("ingest", payload("alertmanager-firing.json").toString());
        String id = onlyIncident(t);
        var r = t.advance(java.time.Duration.ofMinutes(3)).run("ingest", payload("alertmanager-two-alerts.json")
                .toString());
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 firing)");
        assertThat(t.commits().get(0).getShortMessage()).isEqualTo(id + ": 1 alert (1 firing)");
        r = t.advance(java.time.Duration.ofMinutes(30)).run("ingest", payload("alertmanager-resolved.json")
                .toString());
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 resolved)");
        JsonNode y = t.committedYaml(id);
        List<JsonNode> alerts = alertEvents(y);
        assertThat(alerts).extracting(a -> a.path("state").asText()).containsExactly("firing", "firing", "resolved");
        assertThat(alerts.get(2).path("at").asText()).isEqualTo("2025-05-01T12:20:00Z");
        // Recorded, not mitigated: the default rule leaves that to a person.
        assertThat(y.has("mitigated_at")).isFalse();
        assertThat(y.path("status").asText()).isEqualTo("investigating");
    }

    @Test
    void aRuleCanMarkMitigationWhenEveryAlertResolved() throws IOException {
        IrTester t = workspace();
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                + "triggers:\n  - match: {severity: critical}\n    severity: SEV-2\n    resolve: mitigate\n");
        t.run("ingest", payload("alertmanager-firing.json").toString());
        String id = onlyIncident(t);
        var r = t.advance(java.time.Duration.ofMinutes(30)).run("ingest", payload("alertmanager-resolved.json")
                .toString());
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 resolved; mitigated)");
        JsonNode y = t.committedYaml(id);
        assertThat(y.path("severity").asText()).isEqualTo("SEV-2");
        assertThat(y.path("mitigated_at").asText()).isEqualTo("2025-05-01T12:20:00Z");
    }

    @Test
    void aRefireAfterResolutionReopensTheIncidentByDefault() {
        IrTester t = workspace();
        t.run("ingest", payload("alertmanager-firing.json").toString());
        String id = onlyIncident(t);
        t.advance(java.time.Duration.ofMinutes(30)).run("ingest", payload("alertmanager-resolved.json").toString());
        assertThat(t.advance(java.time.Duration.ofMinutes(1)).run("resolve", "-i", id, "rolled back").exit())
                .isZero();
        String refire = resource("alertmanager-firing.json").replace("2025-05-01T11:52:00Z", "2025-05-01T13:00:00Z");
        var r = t.at("2025-05-01T13:01:00Z").runWithInput(refire, "ingest", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 firing; reopened)");
        JsonNode y = t.committedYaml(id);
        assertThat(y.path("status").asText()).isEqualTo("investigating");
        assertThat(alertEvents(y).get(alertEvents(y).size() - 1).path("text").asText()).startsWith("Firing again:");
        assertThat(onlyIncident(t)).isEqualTo(id);
    }

    @Test
    void aRefireAfterResolutionOpensANewIncidentWhenTheRuleSaysSo() throws IOException {
        IrTester t = workspace();
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                + "triggers:\n  - refire: new\n");
        t.run("ingest", payload("alertmanager-firing.json").toString());
        String first = onlyIncident(t);
        t.advance(java.time.Duration.ofMinutes(30)).run("ingest", payload("alertmanager-resolved.json").toString());
        t.run("resolve", "-i", first, "rolled back");
        String refire = resource("alertmanager-firing.json").replace("2025-05-01T11:52:00Z", "2025-05-01T13:00:00Z");
        var r = t.at("2025-05-01T13:01:00Z").runWithInput(refire, "ingest", "-");
        assertThat(r.out().strip()).isEqualTo("opened " + first + "-2 (SEV-3, 1 firing)");
        assertThat(t.committedYaml(first).path("status").asText()).isEqualTo("resolved");
        assertThat(t.committedYaml(first + "-2").path("started_at").asText()).isEqualTo("2025-05-01T13:00:00Z");
    }

    @Test
    void pagerDutyOpensThenAcknowledgesThenResolves() {
        IrTester t = IrTester.workspace(dir).at("2025-05-01T11:53:12Z");
        var r = t.run("ingest", payload("pagerduty-triggered.json").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = onlyIncident(t);
        assertThat(id).startsWith("2025-05-01-a-little-bump-in-the-road-");
        JsonNode y = t.committedYaml(id);
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:53:09Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:12Z");
        assertThat(y.path("links").get(0).asText()).isEqualTo("https://acme.pagerduty.com/incidents/PGR0VU2");
        r = t.at("2025-05-01T11:58:01Z").run("ingest", "--format", "pagerduty", payload("pagerduty-acknowledged.json")
                .toString());
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 acknowledged; marked acknowledged)");
        y = t.committedYaml(id);
        assertThat(y.path("acknowledged_at").asText()).isEqualTo("2025-05-01T11:58:00Z");
        r = t.at("2025-05-01T12:30:01Z").run("ingest", payload("pagerduty-resolved.json").toString());
        assertThat(r.out().strip()).isEqualTo("added 1 alert to " + id + " (1 resolved)");
        assertThat(alertEvents(t.committedYaml(id))).extracting(a -> a.path("state").asText())
                .containsExactly("firing", "acknowledged", "resolved");
    }

    @Test
    void grafanaAndGenericJsonOpenIncidents() {
        IrTester t = workspace();
        var r = t.run("ingest", "--json", payload("grafana-firing.json").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode out = r.json();
        assertThat(out.get(0).path("changed").asBoolean()).isTrue();
        String grafana = out.get(0).path("incident").asText();
        assertThat(grafana).startsWith("2021-10-12-high-memory-usage-blue-");
        assertThat(t.committedYaml(grafana).path("title").asText()).isEqualTo("High memory usage (blue)");
        assertThat(t.committedYaml(grafana).path("started_at").asText()).isEqualTo("2021-10-12T07:51:03Z");
        r = t.run("ingest", payload("json-firing.json").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("opened 2025-05-01-checkout-errors-above-5-");
    }

    @Test
    void routingRulesSetSeverityTagsTitleAndCommanderOrIgnore() throws IOException {
        IrTester t = workspace();
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml")) + """
                triggers:
                  - match: {alertname: Watchdog}
                    ignore: true
                  - match: {severity: [critical, page], service: "~check.*"}
                    severity: SEV-2
                    tags: [paging, checkout]
                    title: "{{commonLabels.service}}: {{commonAnnotations.summary}}"
                    commander: "Carol Oncall <carol@example.com>"
                  - severity: SEV-4
                """);
        var r = t.run("ingest", payload("alertmanager-firing.json").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = onlyIncident(t);
        JsonNode y = t.committedYaml(id);
        assertThat(y.path("severity").asText()).isEqualTo("SEV-2");
        assertThat(y.path("title").asText()).isEqualTo("checkout: 5xx ratio > 5% on checkout");
        assertThat(y.path("tags").toString()).isEqualTo("[\"paging\",\"checkout\"]");
        assertThat(y.path("roles").path("commander").asText()).isEqualTo("Carol Oncall <carol@example.com>");
        int commits = t.commits().size();
        String watchdog = resource("alertmanager-firing.json").replace("HighErrorRate", "Watchdog");
        r = t.runWithInput(watchdog, "ingest", "-");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).startsWith("ignored by the trigger at ir.yaml line");
        assertThat(t.commits()).hasSize(commits);
    }

    @Test
    void theIntakeIdentityComesFromIrYaml() throws IOException {
        IrTester t = workspace();
        Files.writeString(dir.resolve("ir.yaml"), Files.readString(dir.resolve("ir.yaml"))
                + "intake:\n  author: \"Alertmanager <alerts@example.com>\"\n");
        t.run("ingest", payload("alertmanager-firing.json").toString());
        assertThat(t.commits().get(0).getAuthorIdent().getEmailAddress()).isEqualTo("alerts@example.com");
        assertThat(alertEvents(t.committedYaml(onlyIncident(t))).get(0).path("author").asText())
                .isEqualTo("Alertmanager <alerts@example.com>");
    }

    @Test
    void badPayloadsAreRefusedWithOneLineAndNothingWritten() {
        IrTester t = workspace();
        t.assertRefusedWithInput("{\"groupKey\": ", 2, "ir: the payload is not valid JSON", "ingest", "-");
        t.assertRefusedWithInput("{\"hello\": 1}", 2, "ir: cannot tell the payload's format", "ingest", "-");
        t.assertRefusedWithInput("{\"groupKey\": \"x\", \"alerts\": [{\"status\": \"weird\"}]}", 2,
                "ir: the alertmanager payload: alerts[0] has status 'weird'", "ingest", "--format", "alertmanager",
                "-");
        t.assertRefusedWithInput("[" .repeat(100) + "]".repeat(100), 2, "ir: the payload is over the limits",
                "ingest", "-");
        t.assertRefusedWithInput("{\"group\": \"g\", \"group\": \"h\"}", 2, "ir: the payload has a duplicate key",
                "ingest", "-");
        t.assertRefusedWithInput("{\"group\":\"" + "x".repeat(1024 * 1024) + "\"}", 2,
                "ir: the payload is over the limit of 1 MiB", "ingest", "-");
        t.assertRefused(2, "ir: unknown --format 'xml'", "ingest", "--format", "xml", "-");
        t.assertRefused(2, "ir: no such file: missing.json", "ingest", "missing.json");
    }

    @Test
    void anInvalidTriggerIsRefusedByItsLine() throws IOException {
        IrTester t = workspace();
        String yaml = Files.readString(dir.resolve("ir.yaml"));
        int lines = (int) yaml.lines().count();
        Files.writeString(dir.resolve("ir.yaml"), yaml + "triggers:\n  - severity: SEV-2\n  - match: {service: "
                + "\"~(unclosed\"}\n");
        var r = t.runWithInput(resource("alertmanager-firing.json"), "ingest", "-");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).startsWith("ir: ir.yaml: trigger 2 (line " + (lines + 3) + "): match 'service' has an "
                + "invalid pattern");
        Files.writeString(dir.resolve("ir.yaml"), yaml + "triggers:\n  - severty: SEV-2\n");
        r = t.runWithInput(resource("alertmanager-firing.json"), "ingest", "-");
        assertThat(r.err()).startsWith("ir: ir.yaml: trigger 1 (line " + (lines + 2) + "): unknown key 'severty'");
    }
}
